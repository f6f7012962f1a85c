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

    /** The install steps of the unit's header, one command a line (continuations joined). */
    private static List<String> unitSteps() throws Exception {
        List<String> steps = new ArrayList<>();
        StringBuilder current = null;
        for (String line : Files.readAllLines(project().resolve("deploy/nioftpd.service"))) {
            if (line.startsWith("[")) {
                break;
            }
            if (!line.startsWith("#   ") && !line.startsWith("#           ")) {
                continue;
            }
            String text = line.substring(1).strip();
            if (current == null) {
                current = new StringBuilder(text);
            } else {
                current.append(' ').append(text);
            }
            if (!text.endsWith("\\")) {
                steps.add(current.toString().replace("\\ ", ""));
                current = null;
            }
        }
        return steps;
    }

    /**
     * Regression (operator's first day, item 8): the docs' steps created the
     * user with whatever UID came next and no /srv/ftp; the unit's header had
     * other steps. Now both list the same commands, with a fixed UID/GID that
     * the Dockerfile pins too.
     */
    @Test
    void theDocsTheUnitAndTheImageAgreeOnTheStepsAndTheUid() throws Exception {
        List<String> steps = unitSteps();
        assertTrue(steps.size() >= 10, steps.toString());
        String docs = Files.readString(project().resolve("docs/OPERATIONS.md"));
        String docsSteps = docs.replaceAll("\\\\\n\\s+", "");
        for (String step : steps) {
            assertTrue(docsSteps.contains(step), "docs/OPERATIONS.md lacks: " + step);
        }
        Matcher uid = Pattern.compile("useradd --system --uid (\\d+) --gid nioftpd").matcher(String.join("\n", steps));
        assertTrue(uid.find(), "the unit's steps pin the UID");
        assertTrue(steps.contains("groupadd --system --gid " + uid.group(1) + " nioftpd"), "and the GID: " + steps);
        for (String dir : new String[] {"/srv/ftp /srv/ftp/pub", "/srv/ftp/pub/incoming", "/var/log/nioftpd"}) {
            assertTrue(steps.stream().anyMatch(s -> s.startsWith("install -d ") && s.endsWith(" " + dir)), dir);
        }
        assertTrue(steps.stream().anyMatch(s -> s.contains("--check-config")), "the steps check the config");
        String dockerfile = Files.readString(project().resolve("Dockerfile"));
        assertTrue(dockerfile.contains("groupadd --system --gid " + uid.group(1) + " nioftpd"), "Dockerfile GID");
        assertTrue(dockerfile.contains("useradd --system --uid " + uid.group(1) + " --gid nioftpd"), "Dockerfile UID");
    }

    /** The image's HEALTHCHECK, run against a real server and a closed port (it needs bash and timeout). */
    @Test
    void theImageHealthCheckPassesOnAServerAndFailsWithout() throws Exception {
        String dockerfile = Files.readString(project().resolve("Dockerfile"));
        Matcher m = Pattern.compile("\nHEALTHCHECK [^\n]*\\\\\n\\s*CMD (.*)\n").matcher(dockerfile);
        assertTrue(m.find(), "a HEALTHCHECK");
        String command = m.group(1);
        for (String tool : new String[] {"/bin/sh", "/bin/bash", "/usr/bin/timeout"}) {
            org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(Path.of(tool)),
                    "no " + tool + " to run the image's health check with");
        }
        Daemon d = start();
        assertEquals(0, health(command, d.server().port()), "healthy while serving");
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            closed = s.getLocalPort();
        }
        assertTrue(health(command, closed) != 0, "unhealthy with nothing listening");
    }

    private static int health(String command, int port) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("/bin/sh", "-c", command).redirectErrorStream(true);
        pb.environment().put("NIOFTPD_HEALTH_PORT", Integer.toString(port));
        Process p = pb.start();
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        assertTrue(p.waitFor(20, java.util.concurrent.TimeUnit.SECONDS), "health check still running");
        return p.exitValue();
    }

    /** systemd's own check of the unit; skipped where systemd is not installed. */
    @Test
    void systemdAnalyzeVerifyIsClean() throws Exception {
        Path analyze = Path.of("/usr/bin/systemd-analyze");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isExecutable(analyze),
                "no " + analyze + " (apt-get install systemd) to verify deploy/nioftpd.service with");
        // under its installed name, where verify expects a unit
        Path unit = Files.copy(project().resolve("deploy/nioftpd.service"), dir.resolve("nioftpd.service"));
        Process p = new ProcessBuilder(analyze.toString(), "verify", unit.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "systemd-analyze still running");
        org.junit.jupiter.api.Assumptions.assumeFalse(out.contains("/usr/bin/java") && out.contains("No such file"),
                "this machine has no /usr/bin/java, which the unit runs: " + out);
        assertEquals(0, p.exitValue(), out);
        List<String> about = out.lines().filter(l -> l.contains("nioftpd")).toList();
        assertEquals(List.of(), about, out);
    }
}
