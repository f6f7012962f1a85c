package org.nioftpd.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.ref.WeakReference;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.reactor.EventLoop;
import org.nioftpd.reactor.Timer;
import org.nioftpd.testing.Await;
import org.nioftpd.testing.TestServer;

/**
 * Issue 4, item 7: failures lose nothing and leak nothing. A full disk is a
 * 452 and no partial file, the old file of that name intact; a resumed
 * upload keeps what arrived; a client that vanishes mid-upload leaves no
 * partial file; storms of resets, an HTTP request on the control port and
 * resets during 100 transfers leave no file descriptor behind, while
 * another session is served throughout.
 */
@Timeout(120)
class FailuresLoseNothingTest {

    @TempDir
    Path dir;

    private Path mounted;

    @AfterEach
    void unmount() throws Exception {
        if (mounted != null) {
            run("umount", mounted.toString());
            mounted = null;
        }
    }

    private static int run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static List<String> names(Path d) throws IOException {
        List<String> names = new ArrayList<>();
        try (var list = Files.list(d)) {
            list.forEach(p -> names.add(p.getFileName().toString()));
        }
        return new ArrayList<>(new TreeSet<>(names));
    }

    /** Writes {@code bytes} to the data socket and closes it; a server that hangs up meanwhile is fine. */
    private static void sendAndClose(Socket data, byte[] bytes) {
        try (data) {
            OutputStream out = data.getOutputStream();
            for (int off = 0; off < bytes.length; off += 64 * 1024) {
                out.write(bytes, off, Math.min(64 * 1024, bytes.length - off));
            }
            data.shutdownOutput();
            data.getInputStream().readAllBytes();
        } catch (IOException hungUp) {
            // the server closed the data connection when the disk filled: expected
        }
    }

    // ------------------------------------------------------------------ disk full

    /**
     * A 1 MiB tmpfs as the root: a 2 MB STOR fills it. The reply is 452, the
     * temporary file is gone, an old file of the same name is intact, and the
     * space is free again for the next upload. Without the temporary file
     * (writing in place) the old big.bin would be truncated and half
     * overwritten; without the release in Upload the temporary file would
     * stay and fill the disk.
     */
    @Test
    void diskFullIs452AndNoPartialFile() throws Exception {
        Path disk = Files.createDirectories(dir.resolve("disk"));
        int rc;
        try {
            rc = run("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", disk.toString());
        } catch (IOException noMount) {
            rc = -1;
        }
        Assumptions.assumeTrue(rc == 0, "cannot mount a tmpfs here (needs root)");
        mounted = disk;
        byte[] old = random(200_000, 1);
        Files.write(disk.resolve("big.bin"), old);
        try (TestServer server = TestServer.start(disk); Ctl c = Ctl.login(server.port(), "u", "p")) {
            Ctl.expect("200", c.command("TYPE I"));
            for (String name : List.of("big.bin", "new.bin")) {
                int port = c.pasv();
                Ctl.expect("150", c.command("STOR " + name));
                sendAndClose(Ctl.data(port), random(2_000_000, 2));
                String r = c.reply();
                assertTrue(r.startsWith("452 "), name + ": " + r);
                assertEquals(List.of("big.bin"), names(disk), "after STOR " + name);
                assertArrayEquals(old, Files.readAllBytes(disk.resolve("big.bin")));
            }
            // APPE writes in place: what fitted stays (it was the client's to resume), the rest is 452.
            int port = c.pasv();
            Ctl.expect("150", c.command("APPE big.bin"));
            sendAndClose(Ctl.data(port), random(2_000_000, 3));
            Ctl.expect("452", c.reply());
            byte[] appended = Files.readAllBytes(disk.resolve("big.bin"));
            assertArrayEquals(old, java.util.Arrays.copyOf(appended, old.length), "APPE changed what was there");
            Files.write(disk.resolve("big.bin"), old);
            // The space came back: a small upload works.
            port = c.pasv();
            Ctl.expect("150", c.command("STOR small.bin"));
            sendAndClose(Ctl.data(port), random(10_000, 4));
            Ctl.expect("226", c.reply());
            assertEquals(10_000, Files.size(disk.resolve("small.bin")));
        }
    }

    // ------------------------------------------------------------ vanishing clients

    /** Waits until the server has written {@code size} bytes to {@code file}. */
    private static void awaitSize(Path file, long size) {
        Await.until(Duration.ofSeconds(10), file.getFileName() + " to reach " + size + " bytes", () -> {
            try {
                return Files.size(file) >= size;
            } catch (IOException e) {
                return false;
            }
        });
    }

    private static Path temporaryOf(Path d, String name) throws IOException {
        try (var list = Files.list(d)) {
            return list.filter(p -> p.getFileName().toString().startsWith("." + name + ".nioftpd-")).findFirst().orElse(null);
        }
    }

    /**
     * A client that sends 100 KB of a STOR and vanishes (a reset on both
     * connections) leaves no file and no temporary file; an old file of that
     * name is untouched. Only the data connection reset: 426, same result.
     */
    @Test
    void clientVanishingMidStorLeavesNoPartialFile() throws Exception {
        byte[] old = random(5_000, 5);
        Files.write(dir.resolve("existing.bin"), old);
        try (TestServer server = TestServer.start(dir)) {
            for (String name : List.of("new.bin", "existing.bin")) {
                for (boolean wholeClient : new boolean[] {true, false}) {
                    Ctl c = Ctl.login(server.port(), "u", "p");
                    Ctl.expect("200", c.command("TYPE I"));
                    Socket data = Ctl.data(c.pasv());
                    Ctl.expect("1", c.command("STOR " + name));
                    data.getOutputStream().write(random(100_000, 6));
                    data.getOutputStream().flush();
                    Await.until(Duration.ofSeconds(10), "the upload to start", () -> {
                        try {
                            Path t = temporaryOf(dir, name);
                            return t != null && Files.size(t) >= 100_000;
                        } catch (IOException e) {
                            return false;
                        }
                    });
                    Ctl.reset(data);
                    if (wholeClient) {
                        c.reset();
                        Await.until(Duration.ofSeconds(10), "the session to end", () -> server.server().sessionCount() == 0);
                    } else {
                        String r = c.reply();
                        assertTrue(r.startsWith("426 "), r);
                        Ctl.expect("200", c.command("NOOP"));
                        c.close();
                    }
                    Await.until(Duration.ofSeconds(10), "the temporary file to go", () -> {
                        try {
                            return names(dir).equals(List.of("existing.bin"));
                        } catch (IOException e) {
                            return false;
                        }
                    });
                    assertArrayEquals(old, Files.readAllBytes(dir.resolve("existing.bin")));
                }
            }
        }
    }

    /**
     * A resumed upload writes in place, so what arrived before the client
     * vanished is kept for the next resume: REST 1000 + STOR, and APPE.
     */
    @Test
    void resumedUploadKeepsWhatArrived() throws Exception {
        byte[] head = random(1_000, 7);
        byte[] more = random(50_000, 8);
        try (TestServer server = TestServer.start(dir)) {
            for (String how : List.of("REST", "APPE")) {
                Path file = dir.resolve(how + ".bin");
                Files.write(file, head);
                Ctl c = Ctl.login(server.port(), "u", "p");
                Ctl.expect("200", c.command("TYPE I"));
                Socket data = Ctl.data(c.pasv());
                if (how.equals("REST")) {
                    Ctl.expect("350", c.command("REST 1000"));
                    Ctl.expect("1", c.command("STOR " + file.getFileName()));
                } else {
                    Ctl.expect("1", c.command("APPE " + file.getFileName()));
                }
                data.getOutputStream().write(more);
                data.getOutputStream().flush();
                awaitSize(file, head.length + more.length);
                Ctl.reset(data);
                c.reset();
                Await.until(Duration.ofSeconds(10), "the session to end", () -> server.server().sessionCount() == 0);
                ByteArrayOutputStream expected = new ByteArrayOutputStream();
                expected.writeBytes(head);
                expected.writeBytes(more);
                assertArrayEquals(expected.toByteArray(), Files.readAllBytes(file), how);
            }
        }
    }

    // --------------------------------------------------------------- descriptor leaks

    /**
     * Storms leave no file descriptor behind (counted in /proc/self/fd; the
     * server runs in this JVM): 500 connect-and-reset, an HTTP request on the
     * control port, and a reset of both connections during 100 transfers at
     * once (half downloads, half uploads). A session opened before it all
     * answers throughout and transfers after. A leak shows as a count that
     * stays hundreds above the start, e.g. if Session.close did not close
     * the data side (each vanished transfer would keep two descriptors).
     */
    @Test
    void stormsLeakNoDescriptors() throws Exception {
        Assumptions.assumeTrue(Ctl.openFds() > 0, "no /proc/self/fd here");
        byte[] big = random(1 << 20, 9);
        Files.write(dir.resolve("big.bin"), big);
        try (TestServer server = TestServer.start(dir, b -> b.maxSessionsPerAddress(1000));
             Ctl keeper = Ctl.login(server.port(), "u", "p")) {
            // Warm-up: load every class and open whatever the JVM opens once.
            warmUp(server);
            Await.until(Duration.ofSeconds(20), "the warm-up sessions to end", () -> server.server().sessionCount() == 1);
            long baseline = Ctl.openFds();

            // 500 connect-and-reset, half of them after reading the greeting.
            for (int i = 0; i < 500; i++) {
                Socket s = new Socket();
                s.connect(new InetSocketAddress(Ctl.LOCAL, server.port()), 10_000);
                if (i % 2 == 0) {
                    s.setSoTimeout(10_000);
                    s.getInputStream().read();
                }
                Ctl.reset(s);
                if (i % 100 == 0) {
                    Ctl.expect("200", keeper.command("NOOP"));
                }
            }
            Ctl.expect("200", keeper.command("NOOP"));

            // An HTTP request to the control port: three 500s, and the client goes.
            try (Ctl http = Ctl.open(server.port())) {
                Ctl.expect("220", http.reply());
                http.sendRaw("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                for (int i = 0; i < 3; i++) {
                    Ctl.expect("500", http.reply());
                }
            }

            // 100 transfers at once, then every client resets both connections.
            List<Ctl> controls = new ArrayList<>();
            List<Socket> datas = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                Ctl c = Ctl.login(server.port(), "u", "p");
                controls.add(c);
                Ctl.expect("200", c.command("TYPE I"));
                Socket data = Ctl.data(c.pasv());
                datas.add(data);
                if (i % 2 == 0) {
                    Ctl.expect("1", c.command("RETR big.bin"));
                    assertTrue(data.getInputStream().read() >= 0);
                } else {
                    Ctl.expect("1", c.command("STOR up" + i + ".bin"));
                    data.getOutputStream().write(big, 0, 64 * 1024);
                    data.getOutputStream().flush();
                }
            }
            Ctl.expect("200", keeper.command("NOOP"));
            for (int i = 0; i < 100; i++) {
                Ctl.reset(datas.get(i));
                controls.get(i).reset();
            }
            Await.until(Duration.ofSeconds(30), "the sessions to end", () -> server.server().sessionCount() == 1);
            Await.until(Duration.ofSeconds(30), "descriptors back near " + baseline + " (now " + Ctl.openFds() + ")",
                    () -> Ctl.openFds() <= baseline + 10);
            assertEquals(List.of("big.bin"), names(dir), "partial uploads were left");

            // The keeper still works, data included.
            Ctl.expect("200", keeper.command("TYPE I"));
            int port = keeper.pasv();
            Ctl.expect("150", keeper.command("RETR big.bin"));
            assertArrayEquals(big, Ctl.readAll(Ctl.data(port)));
            Ctl.expect("226", keeper.reply());
        }
    }

    // ------------------------------------------------------------------ memory

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        Runtime r = Runtime.getRuntime();
        return r.totalMemory() - r.freeMemory();
    }

    /**
     * Regression: closed sessions stayed reachable from the loop's timer heap
     * for the idle timeout (5 minutes by default), about 5.5 KB each, so a
     * storm of short connections from one address (each closes, so no cap
     * applies) could fill the heap: 5,000 held 27 MB. Two causes: a cancelled
     * timer kept its task (the session) until its deadline, which bites as
     * soon as one live timer (any idle session) sits at the head of the
     * heap; and a session whose greeting failed (the client reset at once)
     * armed its timers after it had closed. Measured with the heap after a
     * full GC: before the fix each half retained about 15 MB, now well under 1.
     */
    @Test
    void aStormOfShortSessionsRetainsNoMemory() throws Exception {
        try (TestServer server = TestServer.start(dir, b -> b.loops(1).idleTimeout(Duration.ofMinutes(5)));
             Ctl keeper = Ctl.login(server.port(), "u", "p")) { // its live idle timer heads the heap
            for (boolean readGreeting : new boolean[] {true, false, true}) {
                long before = heapAfterGc();
                for (int i = 0; i < 3000; i++) {
                    Socket s = new Socket();
                    s.connect(new InetSocketAddress(Ctl.LOCAL, server.port()), 10_000);
                    if (readGreeting) {
                        s.setSoTimeout(10_000);
                        s.getInputStream().read(); // a session that started: its timers are cancelled at close
                    }
                    Ctl.reset(s); // otherwise reset at once: the greeting fails
                }
                Await.until(Duration.ofSeconds(30), "the storm's sessions to end", () -> server.server().sessionCount() == 1);
                long retained = heapAfterGc() - before;
                assertTrue(retained < 5_000_000, (readGreeting ? "after greetings" : "resets at once")
                        + ": 3,000 closed sessions retain " + retained / 1000 + " KB");
                Ctl.expect("200", keeper.command("NOOP"));
            }
        }
    }

    /** The precise cause of the first half: a cancelled timer lets go of its task at once. */
    @Test
    void aCancelledTimerLetsGoOfItsTask() throws Exception {
        EventLoop loop = new EventLoop("test-loop");
        loop.start();
        try {
            Object[] held = {new byte[1 << 20]};
            WeakReference<Object> ref = new WeakReference<>(held[0]);
            CountDownLatch scheduled = new CountDownLatch(1);
            loop.execute(() -> {
                Object payload = held[0];
                held[0] = null;
                loop.schedule(1, TimeUnit.HOURS, () -> { }); // a live timer at the head of the heap
                Timer t = loop.schedule(2, TimeUnit.HOURS, payload::hashCode);
                t.cancel();
                scheduled.countDown();
            });
            assertTrue(scheduled.await(10, TimeUnit.SECONDS));
            Await.until(Duration.ofSeconds(10), "the cancelled timer's task to be collected", () -> {
                System.gc();
                return ref.get() == null;
            });
        } finally {
            loop.shutdown();
            assertTrue(loop.awaitTermination(10, TimeUnit.SECONDS));
        }
    }

    private static void warmUp(TestServer server) throws Exception {
        try (Ctl c = Ctl.login(server.port(), "u", "p")) {
            Ctl.expect("200", c.command("TYPE I"));
            int port = c.pasv();
            Ctl.expect("150", c.command("RETR big.bin"));
            Ctl.readAll(Ctl.data(port));
            Ctl.expect("226", c.reply());
            port = c.pasv();
            Ctl.expect("150", c.command("STOR warm.bin"));
            sendAndClose(Ctl.data(port), new byte[10]);
            Ctl.expect("226", c.reply());
            Ctl.expect("250", c.command("DELE warm.bin"));
            Ctl.expect("500", c.command("GET / HTTP/1.1"));
        }
        Socket s = new Socket();
        s.connect(new InetSocketAddress(Ctl.LOCAL, server.port()), 10_000);
        Ctl.reset(s);
    }
}
