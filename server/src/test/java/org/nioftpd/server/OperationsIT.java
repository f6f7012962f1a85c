package org.nioftpd.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.testing.Await;
import org.nioftpd.testing.TestServer;

/**
 * The packaged daemon under the signals production sends it: SIGHUP
 * reloads the users file with sessions open, SIGTERM lets a running
 * transfer finish, a second SIGTERM stops at once. Runs with mvn verify.
 */
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class OperationsIT {

    private static final Pattern LISTENING = Pattern.compile("nioftpd \\S+ listening on 127\\.0\\.0\\.1:(\\d+) .*");

    @TempDir
    Path dir;

    private Path stderr;

    private record Daemon(Process process, int port) {
    }

    private Daemon daemon(String... args) throws IOException {
        Path jar = Path.of(System.getProperty("nioftpd.jar", "target/nioftpd.jar"));
        assumeTrue(Files.isRegularFile(jar), "no " + jar + ": run mvn verify");
        stderr = dir.resolve("stderr.txt");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java, "-jar", jar.toString(),
                "--listen", "127.0.0.1:0", "--loops", "1", "--failed-login-delay", "0"));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        String line = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8)).readLine();
        assertNotNull(line, () -> "no startup line; stderr: " + read(stderr));
        Matcher m = LISTENING.matcher(line);
        assertTrue(m.matches(), line);
        return new Daemon(p, Integer.parseInt(m.group(1)));
    }

    private static void signal(Process p, String name) throws Exception {
        Path kill = Path.of("/bin/kill");
        assumeTrue(Files.isExecutable(kill), "no /bin/kill to send SIG" + name);
        Process k = new ProcessBuilder(kill.toString(), "-" + name, Long.toString(p.pid())).start();
        assertTrue(k.waitFor(10, TimeUnit.SECONDS) && k.exitValue() == 0, "kill -" + name + " failed");
    }

    private static boolean canLogin(int port, String user, String password) throws IOException {
        FTPClient c = TestServer.newClient();
        c.connect("127.0.0.1", port);
        try {
            return c.login(user, password);
        } finally {
            c.disconnect();
        }
    }

    @Test
    void sighupReloadsTheUsersFileWithoutDroppingSessions() throws Exception {
        Path users = Files.write(dir.resolve("users"), List.of(LoginsTest.entry("bob", "bob-pw", dir, "rw")));
        Daemon d = daemon("--root", dir.toString(), "--users", users.toString());
        try {
            FTPClient bob = TestServer.newClient();
            bob.connect("127.0.0.1", d.port());
            assertTrue(bob.login("bob", "bob-pw"), bob.getReplyString());
            assertFalse(canLogin(d.port(), "carol", "carol-pw"));

            Files.write(users, List.of(LoginsTest.entry("carol", "carol-pw", dir, "rw")));
            signal(d.process(), "HUP");
            Await.until(Duration.ofSeconds(20), "carol can log in after SIGHUP",
                    () -> uncheckedLogin(d.port(), "carol", "carol-pw"));
            assertTrue(d.process().isAlive(), "SIGHUP does not end the daemon");
            assertTrue(bob.sendNoOp(), "bob's session survives the reload: " + bob.getReplyString());

            Files.write(users, List.of("carol:not-a-hash:/srv:rw"));
            signal(d.process(), "HUP");
            Await.until(Duration.ofSeconds(20), "the reload error in the log",
                    () -> read(stderr).contains("users file not reloaded"));
            assertTrue(canLogin(d.port(), "carol", "carol-pw"), "the previous users stay");
            bob.disconnect();

            d.process().destroy();
            assertTrue(d.process().waitFor(30, TimeUnit.SECONDS));
            assertEquals(0, d.process().exitValue(), () -> read(stderr));
            String log = read(stderr);
            for (String secret : new String[] {"bob-pw", "carol-pw"}) {
                assertFalse(log.contains(secret), log);
            }
            assertEquals(1, log.lines().filter(l -> l.contains(" ERROR ")).count(), log);
        } finally {
            d.process().destroyForcibly();
        }
    }

    private static boolean uncheckedLogin(int port, String user, String password) {
        try {
            return canLogin(port, user, password);
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void sigtermLetsAThrottledTransferFinishWith226() throws Exception {
        byte[] data = new byte[1024 * 1024];
        new Random(3).nextBytes(data);
        Files.write(dir.resolve("big.bin"), data);
        // 1 MiB at 512 KiB/s: about two seconds in flight
        Daemon d = daemon("--root", dir.toString(), "--max-download-rate", "512K");
        try {
            FTPClient c = TestServer.newClient();
            c.connect("127.0.0.1", d.port());
            assertTrue(c.login("anonymous", "x@y"), c.getReplyString());
            c.enterLocalPassiveMode();
            c.setFileType(FTP.BINARY_FILE_TYPE);
            InputStream in = c.retrieveFileStream("big.bin");
            assertNotNull(in, c.getReplyString());
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            byte[] buf = new byte[16 * 1024];
            int n = in.read(buf);
            assertTrue(n > 0);
            got.write(buf, 0, n);

            d.process().destroy(); // SIGTERM, with the transfer running
            Await.until(Duration.ofSeconds(20), "the listener closed", () -> !accepts(d.port()));
            assertTrue(d.process().isAlive(), "still serving the transfer");
            while ((n = in.read(buf)) > 0) {
                got.write(buf, 0, n);
            }
            in.close();
            assertTrue(c.completePendingCommand(), "226 after SIGTERM: " + c.getReplyString());
            assertEquals(226, c.getReplyCode());
            assertArrayEquals(data, got.toByteArray());
            c.disconnect();

            assertTrue(d.process().waitFor(30, TimeUnit.SECONDS), "exits once the transfer is done");
            assertEquals(0, d.process().exitValue(), () -> read(stderr));
            assertTrue(read(stderr).matches("(?s).* INFO stopping: \\d+ sessions get up to 30 s to finish\\R.*"),
                    read(stderr));
        } finally {
            d.process().destroyForcibly();
        }
    }

    @Test
    void aSecondSigtermStopsAtOnce() throws Exception {
        Files.write(dir.resolve("big.bin"), new byte[4 * 1024 * 1024]);
        // 4 MiB at 16 KiB/s would take minutes; the grace period is longer than the test's patience
        Daemon d = daemon("--root", dir.toString(), "--max-download-rate", "16K", "--shutdown-grace", "600");
        try {
            FTPClient c = TestServer.newClient();
            c.connect("127.0.0.1", d.port());
            assertTrue(c.login("anonymous", "x@y"), c.getReplyString());
            c.enterLocalPassiveMode();
            c.setFileType(FTP.BINARY_FILE_TYPE);
            InputStream in = c.retrieveFileStream("big.bin");
            assertNotNull(in, c.getReplyString());
            assertTrue(in.read(new byte[1024]) > 0);

            d.process().destroy();
            Await.until(Duration.ofSeconds(20), "the first SIGTERM seen",
                    () -> read(stderr).contains(" sessions get up to 600 s to finish"));
            signal(d.process(), "TERM");
            assertTrue(d.process().waitFor(30, TimeUnit.SECONDS), "the second SIGTERM ends the grace period");
            assertEquals(0, d.process().exitValue(), () -> read(stderr));
            assertTrue(read(stderr).contains("second signal: stopping now"), read(stderr));
            c.disconnect();
        } finally {
            d.process().destroyForcibly();
        }
    }

    private static boolean accepts(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
