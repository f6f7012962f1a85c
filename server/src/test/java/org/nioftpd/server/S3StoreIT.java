package org.nioftpd.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nioftpd.testing.Await;
import org.nioftpd.testing.RawClient;

/**
 * Issue 13 against a real S3 API server: s3proxy (Maven Central, run as a child process on
 * loopback, a directory as its bucket) through AWS's S3 {@code java.nio.file} provider on the test
 * class path, served by the daemon with {@code --root s3x://ID:SECRET@127.0.0.1:PORT/bucket/}.
 * Clients: Commons Net, curl and Python's ftplib where installed.
 */
@Timeout(300)
class S3StoreIT extends DaemonTestBase {

    private static final String ID = "local-identity";
    private static final String SECRET = "local-credential";

    private Process s3proxy;
    private int s3Port;
    private Path bucket;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final java.util.Map<FTPClient, String> greetings = new java.util.IdentityHashMap<>();

    @BeforeEach
    void startS3() throws Exception {
        String jar = System.getProperty("s3proxy.jar");
        assumeTrue(jar != null && Files.isRegularFile(Path.of(jar)), "s3proxy jar not found (mvn verify copies it)");
        System.setProperty("aws.region", "us-east-1");
        System.setProperty("s3.spi.endpoint-protocol", "http");
        System.setProperty("s3.spi.force-path-style", "true");
        Path base = Files.createDirectories(dir.resolve("s3"));
        bucket = Files.createDirectories(base.resolve("bucket"));
        s3Port = freePort();
        Path props = dir.resolve("s3proxy.properties");
        Files.writeString(props, String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + s3Port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ID,
                "s3proxy.credential=" + SECRET,
                "s3proxy.ignore-unknown-headers=true",
                "jclouds.provider=filesystem",
                "jclouds.filesystem.basedir=" + base, ""));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        s3proxy = new ProcessBuilder(java, "-jar", jar, "--properties", props.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("s3proxy.log").toFile()).start();
        Await.until(Duration.ofSeconds(60), "s3proxy listening", () -> {
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), s3Port)) {
                return s.isConnected();
            } catch (IOException e) {
                return s3proxy.isAlive() ? false : failed();
            }
        });
        Files.createDirectories(dir.resolve("root")); // a local root nobody uses, for the defaults
    }

    private boolean failed() {
        try {
            throw new AssertionError("s3proxy exited: " + Files.readString(dir.resolve("s3proxy.log")));
        } catch (IOException e) {
            throw new AssertionError("s3proxy exited", e);
        }
    }

    @AfterEach
    void stopS3() throws Exception {
        for (AutoCloseable c : closeables) {
            c.close();
        }
        if (s3proxy != null) {
            s3proxy.destroy();
            s3proxy.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private String uri(int port) {
        return "s3x://" + ID + ":" + SECRET + "@127.0.0.1:" + port + "/bucket/";
    }

    private static String sha(byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
    }

    @Test
    void servesTheBucketToRealClients() throws Exception {
        // Put through the S3 API (s3proxy keeps each object's ETag beside it; a file dropped into its
        // directory has none, and the SDK refuses to read an object without one).
        Path s3 = Path.of(java.net.URI.create(uri(s3Port)));
        Files.writeString(s3.resolve("hello.txt"), "from the bucket\n");
        Files.writeString(s3.resolve("docs/inside.txt"), "inside");
        Daemon d = start("--root", uri(s3Port), "--user", "u:p:rw");
        FTPClient c = login(d, "u", "p");

        List<String> names = Arrays.stream(c.listFiles()).map(FTPFile::getName).sorted().toList();
        assertTrue(names.containsAll(List.of("docs", "hello.txt")), names + " " + c.getReplyString());
        assertTrue(Arrays.asList(c.listNames()).contains("hello.txt"), c.getReplyString());
        FTPFile[] mlsd = c.mlistDir();
        assertTrue(mlsd.length >= 2, c.getReplyString());
        for (FTPFile f : mlsd) {
            assertFalse(f.getRawListing().contains("unix.mode"), "no POSIX on S3: " + f.getRawListing());
        }
        FTPFile m = c.mlistFile("hello.txt");
        assertTrue(m != null && m.getSize() == 16, c.getReplyString());
        assertEquals(213, c.stat("hello.txt"), c.getReplyString());
        assertEquals("from the bucket\n", new String(download(c, "hello.txt"), StandardCharsets.UTF_8));

        // STOR and RETR by hash, 0 B to 64 MiB; what the bucket holds is what was sent
        Random r = new Random(13);
        for (int size : new int[] {1, 0, 65_536, 1_000_003, 64 << 20}) {
            byte[] data = new byte[size];
            r.nextBytes(data);
            assertTrue(upload(c, "up" + size, data), c.getReplyString());
            assertEquals(sha(data), sha(Files.readAllBytes(bucket.resolve("up" + size))), "in the bucket: " + size);
            assertEquals(sha(data), sha(download(c, "up" + size)), "fetched: " + size);
        }
        Files.delete(bucket.resolve("up" + (64 << 20)));

        // what an object store refuses, and why
        OutputStream refused = c.appendFileStream("hello.txt");
        assertEquals(null, refused);
        assertEquals(502, c.getReplyCode(), c.getReplyString());
        assertTrue(c.getReplyString().contains("object store"), c.getReplyString());
        c.setRestartOffset(3);
        assertFalse(upload(c, "hello.txt", new byte[10]));
        assertEquals(550, c.getReplyCode(), c.getReplyString());
        assertTrue(c.getReplyString().contains("REST"), c.getReplyString());
        assertEquals(502, c.sendCommand("MFMT 20200101000000 hello.txt"), c.getReplyString());
        c.sendCommand("FEAT");
        assertFalse(c.getReplyString().contains("MFMT"), c.getReplyString());

        // directories, rename, delete. S3 has no directories, only key prefixes: a directory exists
        // while an object is under it (an empty one made by MKD may not be seen by the provider).
        assertTrue(c.makeDirectory("made"), c.getReplyString());
        assertTrue(upload(c, "made/x.bin", new byte[] {1, 2, 3}), c.getReplyString());
        assertTrue(c.changeWorkingDirectory("made"), c.getReplyString());
        assertEquals("/made", c.printWorkingDirectory());
        assertEquals(List.of("x.bin"), Arrays.asList(c.listNames()));
        assertTrue(c.changeToParentDirectory(), c.getReplyString());
        assertTrue(c.rename("made/x.bin", "docs/y.bin"), c.getReplyString());
        assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(bucket.resolve("docs/y.bin")));
        assertTrue(c.deleteFile("docs/y.bin"), c.getReplyString());
        assertFalse(Files.exists(bucket.resolve("docs/y.bin")));
        int rmd = c.sendCommand("RMD made");
        assertTrue(rmd == 250 || rmd == 550, c.getReplyString()); // answered, whether the prefix is still seen
        assertEquals(550, c.sendCommand("DELE nothing-here"), c.getReplyString());

        // curl and ftplib, clients nioftpd did not write
        int port = d.server().port();
        if (onPath("curl")) {
            Process p = new ProcessBuilder("curl", "-sS", "--max-time", "60", "ftp://u:p@127.0.0.1:" + port + "/hello.txt")
                    .redirectErrorStream(true).start();
            byte[] got = p.getInputStream().readAllBytes();
            assertTrue(p.waitFor(90, TimeUnit.SECONDS));
            assertEquals("from the bucket\n", new String(got, StandardCharsets.UTF_8));
        } else {
            System.err.println("S3StoreIT: curl not installed, curl part skipped");
        }
        if (onPath("python3")) {
            String script = "import ftplib,sys\n"
                    + "f=ftplib.FTP(); f.connect('127.0.0.1'," + port + ",timeout=60); f.login('u','p')\n"
                    + "names=sorted(f.nlst()); print(','.join(names))\n"
                    + "buf=[]; f.retrbinary('RETR docs/inside.txt', buf.append); print(b''.join(buf).decode())\n"
                    + "f.quit()\n";
            Process p = new ProcessBuilder("python3", "-c", script).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(90, TimeUnit.SECONDS));
            assertTrue(out.contains("hello.txt") && out.contains("inside"), out);
        } else {
            System.err.println("S3StoreIT: python3 not installed, ftplib part skipped");
        }
    }

    /**
     * A slow store: every request to S3 waits 1.5 s in a proxy. While one session's LIST waits on
     * the store, another session on the same (only) loop gets its NOOP answered, and the first
     * session has still had no reply: the store call is not on the loop.
     */
    @Test
    void slowStoreDoesNotStallTheLoop() throws Exception {
        Files.writeString(bucket.resolve("slow.txt"), "slow");
        DelayProxy proxy = new DelayProxy(s3Port, 1500);
        closeables.add(proxy);
        Daemon d = start("--root", uri(proxy.port()), "--user", "u:p:rw", "--loops", "1");
        int port = d.server().port();
        try (RawClient a = new RawClient(port); RawClient b = new RawClient(port)) {
            a.greetAndLogin("u", "p");
            b.greetAndLogin("u", "p");
            a.send("MLST slow.txt"); // a stat of the store: at least one slow round trip
            long t0 = System.nanoTime();
            assertTrue(b.command("NOOP").startsWith("200"));
            long noopMillis = (System.nanoTime() - t0) / 1_000_000;
            assertFalse(a.replyWaiting(), "NOOP answered only after the slow call (" + noopMillis + " ms)");
            assertTrue(a.reply().startsWith("250"), "the slow call answers in the end");
        }
    }

    /**
     * Two nodes, one bucket, behind a real HAProxy with the PROXY protocol: a file stored through one
     * node is listed and fetched through the other; a node shut down gracefully says 421 to its idle
     * session while new connections are served by the other.
     */
    @Test
    void twoNodesBehindHaproxyShareTheBucket() throws Exception {
        Path haproxy = Stream.of("/usr/sbin/haproxy", "/usr/local/sbin/haproxy", "/usr/bin/haproxy")
                .map(Path::of).filter(Files::isExecutable).findFirst().orElse(null);
        assumeTrue(haproxy != null, "haproxy is not installed (apt-get install haproxy)");
        Daemon one = start("--root", uri(s3Port), "--user", "u:p:rw", "--proxy-protocol", "--banner", "node one");
        Daemon two = start("--root", uri(s3Port), "--user", "u:p:rw", "--proxy-protocol", "--banner", "node two");
        int front = freePort();
        Path cfg = Files.write(dir.resolve("haproxy.cfg"), List.of(
                "defaults",
                "    mode tcp",
                "    timeout connect 5s",
                "    timeout client 60s",
                "    timeout server 60s",
                "    retries 3",
                "    option redispatch",
                "frontend ftp",
                "    bind 127.0.0.1:" + front,
                "    default_backend nodes",
                "backend nodes",
                "    balance roundrobin",
                "    server one 127.0.0.1:" + one.server().port() + " send-proxy",
                "    server two 127.0.0.1:" + two.server().port() + " send-proxy"));
        Process p = new ProcessBuilder(haproxy.toString(), "-db", "-f", cfg.toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("haproxy.log").toFile()).start();
        closeables.add(() -> {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        });
        Await.until(Duration.ofSeconds(20), "haproxy listening", () -> {
            assertTrue(p.isAlive(), "haproxy exited");
            try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), front)) {
                return probe.isConnected();
            } catch (IOException e) {
                return false;
            }
        });
        byte[] data = new byte[3 << 20];
        new Random(5).nextBytes(data);
        // round robin: connections alternate between the nodes; find one on each
        FTPClient a = viaProxy(front);
        FTPClient b = viaProxy(front);
        if (greetings.get(a).contains("node two")) {
            FTPClient t = a;
            a = b;
            b = t;
        }
        assertTrue(greetings.get(a).contains("node one"), greetings.get(a));
        assertTrue(greetings.get(b).contains("node two"), greetings.get(b));
        assertTrue(upload(a, "shared.bin", data), a.getReplyString());
        assertTrue(Arrays.asList(b.listNames()).contains("shared.bin"), b.getReplyString());
        assertEquals(sha(data), sha(download(b, "shared.bin")), "stored on one node, fetched from the other");
        b.logout();
        b.disconnect();

        // node one drains: its idle session gets 421, new sessions land on node two
        assertTrue(one.server().shutdown(Duration.ofSeconds(10)), "node one drained");
        try {
            a.sendCommand("NOOP");
            assertEquals(421, a.getReplyCode(), a.getReplyString());
        } catch (org.apache.commons.net.ftp.FTPConnectionClosedException told) {
            assertTrue(told.getMessage().contains("421"), told.getMessage()); // Commons Net's way to say 421
        }
        for (int i = 0; i < 2; i++) {
            FTPClient c = viaProxy(front);
            assertTrue(greetings.get(c).contains("node two"), greetings.get(c));
            assertEquals(sha(data), sha(download(c, "shared.bin")));
            c.logout();
            c.disconnect();
        }
    }

    private FTPClient viaProxy(int front) throws IOException {
        FTPClient c = org.nioftpd.testing.TestServer.newClient();
        c.connect("127.0.0.1", front);
        greetings.put(c, c.getReplyString()); // "220 node one"
        assertTrue(c.login("u", "p"), c.getReplyString());
        c.enterLocalPassiveMode();
        c.setFileType(org.apache.commons.net.ftp.FTP.BINARY_FILE_TYPE);
        return c;
    }

    private static boolean onPath(String tool) {
        for (String dirName : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dirName, tool))) {
                return true;
            }
        }
        return false;
    }

    /** A TCP proxy on loopback that holds every chunk from the client for a fixed time: a slow store. */
    static final class DelayProxy implements AutoCloseable {
        private final ServerSocket listener;
        private final List<Socket> sockets = new java.util.concurrent.CopyOnWriteArrayList<>();

        DelayProxy(int target, long delayMillis) throws IOException {
            listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread acceptor = new Thread(() -> {
                while (!listener.isClosed()) {
                    try {
                        Socket in = listener.accept();
                        Socket out = new Socket(InetAddress.getLoopbackAddress(), target);
                        sockets.add(in);
                        sockets.add(out);
                        pump(in, out, delayMillis);
                        pump(out, in, 0);
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "delay-proxy");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        private static void pump(Socket from, Socket to, long delayMillis) {
            Thread t = new Thread(() -> {
                byte[] buf = new byte[64 * 1024];
                try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                    int n;
                    while ((n = in.read(buf)) >= 0) {
                        if (delayMillis > 0) {
                            Thread.sleep(delayMillis); // the injected latency itself, not a wait for a condition
                        }
                        out.write(buf, 0, n);
                        out.flush();
                    }
                } catch (IOException | InterruptedException ignored) {
                    // the other side closed
                } finally {
                    try {
                        to.shutdownOutput();
                    } catch (IOException ignored) {
                        // closed already
                    }
                }
            }, "delay-pump");
            t.setDaemon(true);
            t.start();
        }

        int port() {
            return listener.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            listener.close();
            for (Socket s : sockets) {
                s.close();
            }
        }
    }
}
