package org.nioftpd.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.io.File;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nioftpd.testing.Await;
import org.nioftpd.testing.RawClient;

/**
 * Issue 13 against a real S3 API server: s3proxy (Maven Central, run as a child process on
 * loopback, a directory as its bucket) through AWS's S3 {@code java.nio.file} provider on the test
 * class path, served by the daemon with {@code --root s3x://ID:SECRET@127.0.0.1:PORT/bucket/}.
 * The daemon runs as users run it, a separate process of the packaged jar with the provider's jars
 * beside it ({@link #node}), except in {@link #slowStoreDoesNotStallTheLoop}, which looks inside
 * the loop. Clients: Commons Net, curl, lftp and Python's ftplib where installed.
 */
@Timeout(300)
class S3StoreIT extends DaemonTestBase {

    private static final String ID = "local-identity";
    private static final String SECRET = "local-credential";

    private Process s3proxy;
    private int s3Port;
    private Path bucket;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private final List<Process> processes = new ArrayList<>();
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
            try {
                c.close();
            } catch (IOException ignored) {
                // a client whose server is gone already
            }
        }
        for (Process p : processes) {
            p.destroy(); // SIGTERM first: a daemon stops gracefully
        }
        for (Process p : processes) {
            if (!p.waitFor(15, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(10, TimeUnit.SECONDS);
            }
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

    /**
     * The packaged daemon as users run it, a child process:
     * {@code java -cp nioftpd.jar:<provider jars> org.nioftpd.server.Main --listen 127.0.0.1:0 ...}.
     * The provider jars are this test JVM's own class path minus everything built inside this
     * project (target/classes, target/test-classes, the module jars): that leaves the S3 provider
     * and its dependencies, plus test-only libraries (JUnit, Commons Net) that the daemon never
     * loads, which is simpler and less brittle than naming the provider's dependency tree. The
     * startup line on standard output gives the port; standard error (the log) goes to a file.
     */
    private Node node(String name, String... args) throws Exception {
        Path jar = Path.of(System.getProperty("nioftpd.jar", "target/nioftpd.jar")).toAbsolutePath();
        assumeTrue(Files.isRegularFile(jar), "no " + jar + ": run mvn verify");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> command = new ArrayList<>(List.of(java,
                "-Daws.region=us-east-1", "-Ds3.spi.endpoint-protocol=http", "-Ds3.spi.force-path-style=true",
                "-cp", jar + File.pathSeparator + providerClassPath(jar), "org.nioftpd.server.Main",
                "--listen", "127.0.0.1:0", "--loops", "1", "--failed-login-delay", "0"));
        command.addAll(List.of(args));
        Path out = dir.resolve(name + ".out");
        Path log = dir.resolve(name + ".log");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(log.toFile()).start();
        processes.add(p);
        int[] port = {0};
        Await.until(Duration.ofSeconds(90), name + " prints its startup line", () -> {
            String printed = read(out);
            Matcher m = LISTENING.matcher(printed);
            if (m.find()) {
                port[0] = Integer.parseInt(m.group(1));
                return true;
            }
            assertTrue(p.isAlive(), () -> name + " exited " + p.exitValue() + ": " + printed + read(log));
            return false;
        });
        return new Node(p, port[0], log);
    }

    private record Node(Process process, int port, Path log) {
    }

    private static final Pattern LISTENING = Pattern.compile("nioftpd \\S+ listening on 127\\.0\\.0\\.1:(\\d+) ");

    private static String providerClassPath(Path jar) {
        Path project = jar.getParent().getParent().getParent(); // server/target/nioftpd.jar -> the checkout
        String sep = File.pathSeparator;
        String cp = Arrays.stream(System.getProperty("java.class.path", "").split(sep))
                .filter(e -> !e.isEmpty())
                .filter(e -> !Path.of(e).toAbsolutePath().normalize().startsWith(project))
                .collect(Collectors.joining(sep));
        assertTrue(cp.contains("aws-java-nio-spi-for-s3"), "the S3 provider is on the test class path: " + cp);
        return cp;
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            return "(" + file + " unreadable: " + e + ")";
        }
    }

    /** Connected, logged in, passive and binary; closed after the test. */
    private FTPClient login(int port) throws IOException {
        FTPClient c = org.nioftpd.testing.TestServer.newClient();
        closeables.add(c::disconnect);
        c.connect("127.0.0.1", port);
        assertTrue(c.login("u", "p"), c.getReplyString());
        c.enterLocalPassiveMode();
        c.setFileType(org.apache.commons.net.ftp.FTP.BINARY_FILE_TYPE);
        return c;
    }

    /** {@code count} consecutive loopback ports below Linux's ephemeral range that bind now. */
    private static String freeRange(int count) throws IOException {
        Random r = new Random();
        for (int attempt = 0; attempt < 50; attempt++) {
            int lo = 20_000 + r.nextInt(10_000);
            boolean free = true;
            for (int port = lo; port < lo + count && free; port++) {
                try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                    free = s.getLocalPort() == port;
                } catch (IOException e) {
                    free = false;
                }
            }
            if (free) {
                return lo + "-" + (lo + count - 1);
            }
        }
        throw new IOException("no " + count + " free consecutive ports found");
    }

    @Test
    void servesTheBucketToRealClients() throws Exception {
        // Put through the S3 API (s3proxy keeps each object's ETag beside it; a file dropped into its
        // directory has none, and the SDK refuses to read an object without one).
        Path s3 = Path.of(java.net.URI.create(uri(s3Port)));
        Files.writeString(s3.resolve("hello.txt"), "from the bucket\n");
        Files.writeString(s3.resolve("docs/inside.txt"), "inside");
        Node d = node("node", "--root", uri(s3Port), "--user", "u:p:rw");
        FTPClient c = login(d.port());

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
        c.logout();

        d.process().destroy();
        assertTrue(d.process().waitFor(30, TimeUnit.SECONDS), "SIGTERM ends the daemon");
        assertEquals(0, d.process().exitValue(), () -> read(d.log()));
    }

    /**
     * Clients nioftpd did not write, each against the daemon process: list the bucket, fetch an
     * object put through the S3 API, store a file; sha256 on both sides, the stored one read back
     * from s3proxy's own storage. Skipped per client (with the reason on the console) when the
     * client is not installed.
     */
    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"curl", "lftp", "python3"})
    void realClientsFetchAndStore(String client) throws Exception {
        assumeTrue(onPath(client), client + " is not installed");
        Random r = new Random(client.hashCode());
        byte[] seed = new byte[1_000_003];
        r.nextBytes(seed);
        Files.write(Path.of(java.net.URI.create(uri(s3Port))).resolve("dir/seed.bin"), seed);
        byte[] up = new byte[2_500_001];
        r.nextBytes(up);
        Path local = Files.write(dir.resolve("local.bin"), up);
        Path fetched = dir.resolve("fetched.bin");
        String stored = client + "-up.bin";
        int port = node("node", "--root", uri(s3Port), "--user", "u:p:rw").port();
        String url = "ftp://u:p@127.0.0.1:" + port + "/";

        List<List<String>> commands = switch (client) {
            case "curl" -> List.of(
                    List.of("curl", "-sS", "--max-time", "60", "-l", url + "dir/"),
                    List.of("curl", "-sS", "--max-time", "60", "-o", fetched.toString(), url + "dir/seed.bin"),
                    List.of("curl", "-sS", "--max-time", "60", "-T", local.toString(), url + stored));
            case "lftp" -> List.of(List.of("lftp", "-c", String.join("; ",
                    "set net:max-retries 1", "set net:timeout 20", "set ftp:ssl-allow no",
                    "open -u u,p ftp://127.0.0.1:" + port, "cls -1 dir/",
                    "get dir/seed.bin -o " + fetched, "put " + local + " -o " + stored)));
            default -> List.of(List.of("python3", "-c", String.join("\n",
                    "import ftplib",
                    "f = ftplib.FTP()",
                    "f.connect('127.0.0.1', " + port + ", timeout=60)",
                    "f.login('u', 'p')",
                    "print('\\n'.join(f.nlst('dir')))",
                    "with open('" + fetched + "', 'wb') as out: f.retrbinary('RETR dir/seed.bin', out.write)",
                    "with open('" + local + "', 'rb') as src: f.storbinary('STOR " + stored + "', src)",
                    "f.quit()")));
        };
        StringBuilder output = new StringBuilder();
        for (List<String> command : commands) {
            output.append(runClient(command));
        }
        assertTrue(output.toString().contains("seed.bin"), "listed: " + output);
        assertEquals(sha(seed), sha(Files.readAllBytes(fetched)), client + " fetched what the bucket holds");
        assertEquals(sha(up), sha(Files.readAllBytes(bucket.resolve(stored))), "the bucket holds what " + client + " sent");
    }

    private String runClient(List<String> command) throws Exception {
        Path out = dir.resolve("client.out");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        processes.add(p);
        boolean ended = p.waitFor(120, TimeUnit.SECONDS);
        if (!ended) {
            p.destroyForcibly();
        }
        String printed = read(out);
        assertTrue(ended, command.get(0) + " did not end: " + printed);
        assertEquals(0, p.exitValue(), command.get(0) + ": " + printed);
        return printed;
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
     * Two daemon processes, one bucket, behind a real HAProxy with the PROXY protocol, each with its
     * own passive range and banner: a file stored through one node is listed and fetched through the
     * other; a node stopped with SIGTERM says 421 to its idle session and exits 0, while new
     * connections are served by the other.
     */
    @Test
    void twoNodesBehindHaproxyShareTheBucket() throws Exception {
        Path haproxy = Stream.of("/usr/sbin/haproxy", "/usr/local/sbin/haproxy", "/usr/bin/haproxy")
                .map(Path::of).filter(Files::isExecutable).findFirst().orElse(null);
        assumeTrue(haproxy != null, "haproxy is not installed (apt-get install haproxy)");
        Node one = node("one", "--root", uri(s3Port), "--user", "u:p:rw", "--proxy-protocol",
                "--passive-ports", freeRange(16), "--banner", "node one", "--max-download-rate", "1M");
        Node two = node("two", "--root", uri(s3Port), "--user", "u:p:rw", "--proxy-protocol",
                "--passive-ports", freeRange(16), "--banner", "node two");
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
                "    server one 127.0.0.1:" + one.port() + " send-proxy",
                "    server two 127.0.0.1:" + two.port() + " send-proxy"));
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

        // node one stopped gracefully (SIGTERM) while a download from it runs (throttled by
        // --max-download-rate so that it is still running) and session a is idle: the listener
        // closes and new sessions land on node two; the download ends with its 226 and the whole
        // file; the idle session has been told 421; node one exits 0
        FTPClient running = onNode(front, "node one");
        InputStream in = running.retrieveFileStream("shared.bin");
        assertTrue(in != null, running.getReplyString());
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n = in.read(buf);
        assertTrue(n > 0, "the download has started");
        got.write(buf, 0, n);
        one.process().destroy();
        Await.until(Duration.ofSeconds(30), "node one's listener closed", () -> {
            try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), one.port())) {
                return !probe.isConnected();
            } catch (IOException refused) {
                return true;
            }
        });
        for (int i = 0; i < 2; i++) {
            FTPClient c = viaProxy(front);
            assertTrue(greetings.get(c).contains("node two"), greetings.get(c));
            assertEquals(sha(data), sha(download(c, "shared.bin")));
            c.logout();
            c.disconnect();
        }
        in.transferTo(got);
        in.close();
        assertTrue(running.completePendingCommand(), "226 after the drain: " + running.getReplyString());
        assertEquals(sha(data), sha(got.toByteArray()), "the download running at SIGTERM is whole");
        try {
            a.sendCommand("NOOP");
            assertEquals(421, a.getReplyCode(), a.getReplyString());
        } catch (org.apache.commons.net.ftp.FTPConnectionClosedException told) {
            assertTrue(told.getMessage().contains("421"), told.getMessage()); // Commons Net's way to say 421
        }
        assertTrue(one.process().waitFor(60, TimeUnit.SECONDS), "node one ends after SIGTERM");
        assertEquals(0, one.process().exitValue(), () -> read(one.log()));
        assertTrue(two.process().isAlive(), "node two still serves");
    }

    /** A session through the balancer on the node whose banner is {@code banner} (round robin: a few tries). */
    private FTPClient onNode(int front, String banner) throws IOException {
        for (int i = 0; i < 4; i++) {
            FTPClient c = viaProxy(front);
            if (greetings.get(c).contains(banner)) {
                return c;
            }
            c.logout();
            c.disconnect();
        }
        throw new AssertionError("no session landed on " + banner);
    }

    private FTPClient viaProxy(int front) throws IOException {
        FTPClient c = org.nioftpd.testing.TestServer.newClient();
        closeables.add(c::disconnect);
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
