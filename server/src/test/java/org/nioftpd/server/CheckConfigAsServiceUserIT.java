package org.nioftpd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The checks of {@code --check-config} that only a user who is not root can
 * fail, run where the tests run as root (CI does): the packaged daemon as
 * {@code nobody}, through {@code setpriv}, as the systemd unit runs it as its
 * service user. {@link CheckConfigTest} runs the same cases in-process when
 * the tests run as another user, and skips them as root: together the cases
 * run everywhere.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CheckConfigAsServiceUserIT {

    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    @TempDir
    Path tmp;

    private Path dir;

    @BeforeEach
    void serviceUserCanReachTheFixtures() throws IOException {
        assumeTrue("root".equals(System.getProperty("user.name")),
                "not root: CheckConfigTest runs these cases in-process as this user");
        assumeTrue(Files.isExecutable(SETPRIV), "no " + SETPRIV + " (util-linux) to run the check as nobody");
        Path jar = Path.of(System.getProperty("nioftpd.jar", "target/nioftpd.jar"));
        assumeTrue(Files.isRegularFile(jar), "no " + jar + ": run mvn verify");
        // @TempDir is root's and 0700: open the way down for nobody.
        for (Path p = tmp; p != null && !p.equals(p.getRoot()); p = p.getParent()) {
            if (p.startsWith(tmp)) {
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
        dir = Files.createDirectories(tmp.resolve("srv"));
    }

    private record Outcome(int status, String err) {
    }

    /** {@code java -jar nioftpd.jar ARGS --check-config} as nobody (uid and gid 65534, no groups). */
    private Outcome checkAsNobody(String... args) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path jar = Path.of(System.getProperty("nioftpd.jar", "target/nioftpd.jar")).toAbsolutePath();
        Path err = tmp.resolve("err.txt");
        List<String> command = new ArrayList<>(List.of(SETPRIV.toString(), "--reuid=65534", "--regid=65534",
                "--clear-groups", java, "-jar", jar.toString(), "--listen", "127.0.0.1:0"));
        command.addAll(List.of(args));
        command.add("--check-config");
        Process p = new ProcessBuilder(command).directory(tmp.toFile()).redirectError(err.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "--check-config still running after 60 s");
        return new Outcome(p.exitValue(), Files.readString(err, StandardCharsets.UTF_8));
    }

    @Test
    void anUnreadableRootIsAnError() throws Exception {
        Path locked = Files.createDirectories(dir.resolve("locked"));
        Files.setPosixFilePermissions(locked, PosixFilePermissions.fromString("rwx------")); // root's alone
        Outcome r = checkAsNobody("--root", locked.toString());
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("nioftpd: error: --root " + locked + ": not readable by user nobody"), r.err());
    }

    @Test
    void anXferlogTheUserCannotWriteIsAnError() throws Exception {
        Path logs = Files.createDirectories(dir.resolve("logs")); // root's, 0755
        Outcome r = checkAsNobody("--root", dir.toString(), "--xferlog", logs.resolve("xferlog").toString());
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("nioftpd: error: --xferlog " + logs.resolve("xferlog") + ": cannot be created"
                + " in " + logs + " by user nobody"), r.err());
    }

    @Test
    void aDropBoxNobodyCanWriteIsAnError() throws Exception {
        Files.createDirectories(dir.resolve("incoming")); // root's, 0755
        Outcome r = checkAsNobody("--root", dir.toString(), "--anonymous-upload-dir", "/incoming");
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("nioftpd: error: --anonymous-upload-dir /incoming: " + dir.resolve("incoming")
                + " is not writable by user nobody"), r.err());
    }

    @Test
    void port21IsAnErrorForAUserWhoMayNotBindIt() throws Exception {
        int start = Integer.parseInt(Files.readString(Path.of("/proc/sys/net/ipv4/ip_unprivileged_port_start")).trim());
        assumeTrue(start > 21, "ip_unprivileged_port_start is " + start + ": any user may bind port 21 here");
        Outcome r = checkAsNobody("--root", dir.toString(), "--listen", "127.0.0.1:21");
        assertEquals(2, r.status(), r.err());
        assertTrue(r.err().contains("nioftpd: error: --listen 127.0.0.1:21: permission denied: a port below 1024"),
                r.err());
    }

    @Test
    void theSameConfigurationReadableByNobodyIsOk() throws Exception {
        Outcome r = checkAsNobody("--root", dir.toString());
        assertEquals(0, r.status(), r.err());
    }
}
