package org.nioftpd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The files in deploy/ and the Dockerfile stay true to the daemon: the
 * example config passes --check-config (its absolute paths moved under a
 * temporary directory), the unit and the image run the options that exist.
 */
@Timeout(60)
class DeployTest extends DaemonTestBase {

    /** The repository's root: tests run in server/. */
    private static Path project() {
        Path here = Path.of("").toAbsolutePath();
        return Files.exists(here.resolve("deploy")) ? here : here.getParent();
    }

    /** Options whose value is a path on the host, which the test moves under {@link #dir}. */
    private static final Set<String> PATHS = Set.of("root", "anonymous-root", "users", "xferlog");

    @Test
    void exampleConfigPassesCheckConfig() throws Exception {
        Path example = project().resolve("deploy/nioftpd.conf");
        List<String> lines = new ArrayList<>();
        String anonymousRoot = null;
        String uploadDir = null;
        Pattern setting = Pattern.compile("([a-z-]+)\\s*=\\s*(.*)");
        for (String line : Files.readAllLines(example)) {
            Matcher m = setting.matcher(line.strip());
            if (!line.startsWith("#") && m.matches() && PATHS.contains(m.group(1))) {
                String key = m.group(1);
                Path moved = dir.resolve(m.group(2).substring(1));
                switch (key) {
                    case "root", "anonymous-root" -> Files.createDirectories(moved);
                    case "users" -> {
                        Files.createDirectories(moved.getParent());
                        Files.write(moved, List.of(LoginsTest.entry("alice", "pw", dir, "rw")));
                    }
                    default -> Files.createDirectories(moved.getParent());
                }
                if (key.equals("anonymous-root")) {
                    anonymousRoot = moved.toString();
                }
                line = key + " = " + moved;
            } else if (!line.startsWith("#") && m.matches()
                    && (m.group(1).equals("listen") || m.group(1).equals("metrics-listen"))) {
                // --check-config binds each listener once: port 21 needs the unit's capability, 0 is any free port
                line = m.group(1) + " = 127.0.0.1:0";
            } else if (m.matches() && m.group(1).equals("anonymous-upload-dir")) {
                uploadDir = m.group(2);
            }
            lines.add(line);
        }
        if (anonymousRoot != null && uploadDir != null) {
            Files.createDirectories(Path.of(anonymousRoot, uploadDir.substring(1)));
        }
        Path conf = Files.write(dir.resolve("nioftpd.conf"), lines);
        Outcome r = runWithoutServer("--config", conf.toString(), "--check-config");
        assertEquals(0, r.status(), r.err());
        assertEquals("configuration OK" + System.lineSeparator(), r.out());
    }

    @Test
    void systemdUnitRunsTheConfigAndReloadsWithHup() throws Exception {
        String unit = Files.readString(project().resolve("deploy/nioftpd.service"));
        assertTrue(unit.contains("\nExecStart=/usr/bin/java -XX:+ExitOnOutOfMemoryError -jar /opt/nioftpd/nioftpd.jar"
                + " --config /etc/nioftpd/nioftpd.conf\n"), unit);
        assertTrue(unit.contains("\nExecReload=/bin/kill -HUP $MAINPID\n"), unit);
        Matcher stop = Pattern.compile("\nTimeoutStopSec=(\\d+)\n").matcher(unit);
        assertTrue(stop.find(), "TimeoutStopSec");
        Matcher grace = Pattern.compile("\nshutdown-grace = (\\d+)\n")
                .matcher(Files.readString(project().resolve("deploy/nioftpd.conf")));
        long graceSeconds = grace.find() ? Long.parseLong(grace.group(1)) : Options.DEFAULT_SHUTDOWN_GRACE.toSeconds();
        assertTrue(Long.parseLong(stop.group(1)) > graceSeconds, "systemd must not SIGKILL during the grace period");
        for (String directive : new String[] {"User=nioftpd", "NoNewPrivileges=true", "ProtectSystem=strict",
            "ReadWritePaths=/srv/ftp", "AmbientCapabilities=CAP_NET_BIND_SERVICE", "LogsDirectory=nioftpd"}) {
            assertTrue(unit.contains("\n" + directive + "\n"), directive);
        }
    }

    @Test
    void dockerImageCommandIsAValidCommandLine() throws Exception {
        String dockerfile = Files.readString(project().resolve("Dockerfile"));
        Matcher cmd = Pattern.compile("\nCMD \\[(.*)]\n").matcher(dockerfile);
        assertTrue(cmd.find(), "CMD");
        List<String> args = new ArrayList<>();
        Matcher arg = Pattern.compile("\"([^\"]*)\"").matcher(cmd.group(1));
        while (arg.find()) {
            // --check-config binds the listener once; in the image, Docker lets the user bind 21
            args.add(arg.group(1).equals("/srv/ftp") ? dir.toString()
                    : arg.group(1).equals("0.0.0.0:21") ? "127.0.0.1:0" : arg.group(1));
        }
        args.add("--check-config");
        Outcome r = runWithoutServer(args.toArray(String[]::new));
        assertEquals(0, r.status(), r.err());
        Matcher range = Pattern.compile("--passive-ports\", \"(\\d+-\\d+)\"").matcher(cmd.group(1));
        assertTrue(range.find());
        assertTrue(dockerfile.contains("\nEXPOSE 21 " + range.group(1) + "\n"), "the passive range is exposed");
        assertTrue(dockerfile.contains("\nUSER nioftpd\n"), "not root");
    }
}
