package org.nioftpd.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nioftpd.testing.Await;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/**
 * --proxy-protocol: with a PROXY header written by hand, and behind a real
 * HAProxy when one is installed (CI installs the {@code haproxy} package;
 * without it that test skips).
 */
@Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ProxyProtocolTest extends DaemonTestBase {

    @Test
    void theHeadersClientAddressIsTheSessions() throws Exception {
        Daemon d = start("--proxy-protocol");
        try (RawClient r = new RawClient(d.server().port())) {
            r.send("PROXY TCP4 203.0.113.7 127.0.0.1 56324 21");
            assertTrue(r.reply().startsWith("220"));
            r.login("anonymous", "x@y");
            String stat = r.command("STAT");
            assertTrue(stat.startsWith("211") && stat.contains("Connected to 203.0.113.7"), stat);
        }
    }

    @Test
    void aConnectionWithoutAHeaderIsClosed() throws Exception {
        Daemon d = start("--proxy-protocol");
        try (RawClient r = new RawClient(d.server().port())) {
            r.send("USER anonymous"); // a client that came around the proxy
            assertNull(r.reply(), "closed without a greeting");
        }
    }

    // ------------------------------------------------------------------ HAProxy

    private static Path haproxy() {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            for (Path p : new Path[] {Path.of(dir, "haproxy")}) {
                if (Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        for (String p : new String[] {"/usr/sbin/haproxy", "/usr/local/sbin/haproxy"}) {
            if (Files.isExecutable(Path.of(p))) {
                return Path.of(p);
            }
        }
        return null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return s.getLocalPort();
        }
    }

    /** 127.0.0.2 is loopback on Linux; a client there is told apart from HAProxy's own 127.0.0.1. */
    private static InetAddress clientAddress() throws IOException {
        InetAddress two = InetAddress.getByName("127.0.0.2");
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(two, 0));
            return two;
        } catch (IOException e) {
            return InetAddress.getByName("127.0.0.1");
        }
    }

    /**
     * HAProxy in TCP mode with {@code send-proxy} in front of the control
     * port; passive data connections go to nioftpd directly. STAT must name
     * the client's own address, not HAProxy's, and a transfer must pass the
     * check that the data connection comes from the client.
     */
    @Test
    void behindARealHaproxy() throws Exception {
        Path haproxy = haproxy();
        assumeTrue(haproxy != null, "haproxy is not installed (apt-get install haproxy)");
        byte[] data = new byte[200_000];
        new Random(7).nextBytes(data);
        Files.write(dir.resolve("f.bin"), data);
        Daemon d = start("--proxy-protocol", "--user", "alice:pw");
        int front = freePort();
        Path cfg = Files.write(dir.resolve("haproxy.cfg"), List.of(
                "global",
                "    log stderr format raw local0 info",
                "defaults",
                "    mode tcp",
                "    timeout connect 5s",
                "    timeout client 60s",
                "    timeout server 60s",
                "frontend ftp",
                "    bind 127.0.0.1:" + front,
                "    default_backend nioftpd",
                "backend nioftpd",
                "    server ftp1 127.0.0.1:" + d.server().port() + " send-proxy"));
        Path log = dir.resolve("haproxy.log");
        Process p = new ProcessBuilder(haproxy.toString(), "-db", "-f", cfg.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Await.until(Duration.ofSeconds(20), "haproxy listening on " + front, () -> {
                assertTrue(p.isAlive(), () -> "haproxy exited: " + read(log));
                return listening(front);
            });
            InetAddress me = clientAddress();
            FTPClient c = TestServer.newClient();
            c.connect(InetAddress.getByName("127.0.0.1"), front, me, 0);
            try {
                assertTrue(c.getReplyString().startsWith("220"), c.getReplyString());
                assertTrue(c.login("alice", "pw"), c.getReplyString());
                c.sendCommand("STAT");
                String stat = c.getReplyString();
                assertTrue(stat.contains("Connected to " + me.getHostAddress()), stat);
                c.enterLocalPassiveMode();
                c.setPassiveLocalIPAddress(me);
                c.setFileType(FTP.BINARY_FILE_TYPE);
                assertArrayEquals(data, download(c, "f.bin"));
                assertTrue(upload(c, "up.bin", data), c.getReplyString());
                assertArrayEquals(data, Files.readAllBytes(dir.resolve("up.bin")));
                assertTrue(c.logout());
            } finally {
                c.disconnect();
            }
        } finally {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly();
            }
        }
    }

    /** A probe through HAProxy reaches nioftpd as a connection that ends at once: harmless. */
    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
