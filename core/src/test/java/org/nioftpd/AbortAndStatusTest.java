package org.nioftpd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.testing.Await;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/**
 * The control connection during a transfer (RFC 959 4.1.3): ABOR ends it with
 * 426 then 226 and the session goes on; STAT reports its progress; QUIT waits
 * for it. The reader is throttled (a small receive buffer, reads stopped) so
 * the transfer is surely still running.
 */
@Timeout(60)
class AbortAndStatusTest {

    static final long BIG = 256L * 1024 * 1024; // sparse: costs no disk

    @TempDir
    Path dir;
    TestServer server;

    @BeforeEach
    void start() throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(dir.resolve("big.bin").toFile(), "rw")) {
            f.setLength(BIG);
        }
        Files.writeString(dir.resolve("small.txt"), "small\n");
        server = TestServer.start(dir);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    /** A data connection that holds the server's transfer back: 16 KB receive buffer, nobody reading. */
    static Socket throttled(RawClient r, int port) throws IOException {
        Socket s = new Socket();
        s.setReceiveBufferSize(16 * 1024);
        s.connect(new InetSocketAddress(r.socket().getInetAddress(), port), 10_000);
        s.setSoTimeout(20_000);
        return s;
    }

    /** Reads at least {@code bytes}; returns how many were read. */
    static long readSome(Socket data, int bytes) throws IOException {
        InputStream in = data.getInputStream();
        byte[] buf = new byte[8192];
        long total = 0;
        while (total < bytes) {
            int n = in.read(buf);
            if (n < 0) {
                throw new AssertionError("EOF after " + total + " bytes");
            }
            total += n;
        }
        return total;
    }

    /** Reads until the server closes the data connection; returns the bytes read. */
    static long drain(Socket data) throws IOException {
        long total = 0;
        byte[] buf = new byte[64 * 1024];
        try {
            int n;
            while ((n = data.getInputStream().read(buf)) >= 0) {
                total += n;
            }
        } catch (SocketException reset) {
            // a reset also ends it
        }
        return total;
    }

    @Test
    void aborDuringDownloadIs426Then226AndTheSessionGoesOn() throws IOException {
        try (RawClient r = server.rawLoggedIn()) {
            r.expect("TYPE I", 200);
            int port = r.pasv();
            try (Socket data = throttled(r, port)) {
                r.expect("RETR big.bin", 1);
                readSome(data, 100_000);
                String abort = r.command("ABOR");
                assertTrue(abort.startsWith("426 "), abort);
                assertTrue(r.reply().startsWith("226 "));
                assertTrue(drain(data) < BIG, "the data connection was closed before the end");
            }
            assertTrue(r.command("NOOP").startsWith("200 "));
            try (Socket data = r.passiveData()) {
                r.expect("RETR small.txt", 1);
                assertEquals("small\n", new String(RawClient.readAll(data)));
            }
            assertTrue(r.reply().startsWith("226 "));
        }
    }

    @Test
    void aborWithTelnetInterruptSequence() throws IOException {
        try (RawClient r = server.rawLoggedIn()) {
            r.expect("TYPE I", 200);
            int port = r.pasv();
            try (Socket data = throttled(r, port)) {
                r.expect("RETR big.bin", 1);
                readSome(data, 10_000);
                // what many clients send: IAC IP IAC DM, then ABOR
                r.sendRaw(new byte[] {(byte) 255, (byte) 244, (byte) 255, (byte) 242});
                String abort = r.command("ABOR");
                assertTrue(abort.startsWith("426 "), abort);
                assertTrue(r.reply().startsWith("226 "));
            }
            assertTrue(r.command("PWD").startsWith("257 "));
        }
    }

    @Test
    void aborWithoutTransferIs225() throws IOException {
        try (RawClient r = server.rawLoggedIn()) {
            assertTrue(r.command("ABOR").startsWith("225 "));
            r.pasv();
            assertTrue(r.command("ABOR").startsWith("225 "));
            assertTrue(r.command("RETR small.txt").startsWith("425 "), "ABOR closed the passive listener");
        }
    }

    @Test
    void aborWhileWaitingForTheDataConnection() throws IOException {
        try (RawClient r = server.rawLoggedIn()) {
            r.pasv();
            r.expect("RETR small.txt", 150);
            assertTrue(r.command("ABOR").startsWith("426 "));
            assertTrue(r.reply().startsWith("226 "));
            assertTrue(r.command("NOOP").startsWith("200 "));
        }
    }

    @Test
    void commonsNetAbort() throws IOException {
        FTPClient c = server.client();
        InputStream in = c.retrieveFileStream("big.bin");
        in.readNBytes(100_000);
        // Commons Net reads one reply for ABOR: the 426 of the transfer; the 226 of ABOR follows
        assertEquals(426, c.abor());
        assertEquals(226, c.getReply());
        in.close();
        assertTrue(c.sendNoOp(), c.getReplyString());
        assertEquals(List.of("small.txt"), List.of(c.listNames("small.txt")));
        c.disconnect();
    }

    @Test
    void aborDuringUploadKeepsTheOldFile() throws IOException {
        Files.writeString(dir.resolve("keep.txt"), "old");
        try (RawClient r = server.rawLoggedIn()) {
            r.expect("TYPE I", 200);
            try (Socket data = r.passiveData()) {
                r.expect("STOR keep.txt", 1);
                OutputStream out = data.getOutputStream();
                out.write(new byte[100_000]);
                out.flush();
                assertTrue(r.command("ABOR").startsWith("426 "));
                assertTrue(r.reply().startsWith("226 "));
            }
            assertTrue(r.command("NOOP").startsWith("200 "));
        }
        assertEquals("old", Files.readString(dir.resolve("keep.txt")));
        try (var files = Files.list(dir)) {
            assertEquals(3, files.count(), "no temporary left (big.bin, small.txt, keep.txt)");
        }
    }

    @Test
    void statDuringDownloadReportsProgress() throws IOException {
        try (RawClient r = server.rawLoggedIn()) {
            r.expect("TYPE I", 200);
            int port = r.pasv();
            try (Socket data = throttled(r, port)) {
                r.expect("RETR big.bin", 1);
                readSome(data, 100_000);
                String stat = r.command("STAT");
                RepliesTest.assertMultiLine(211, List.of(stat.split("\n")));
                assertTrue(stat.contains("Transfer in progress: RETR /big.bin"), stat);
                assertTrue(stat.matches("(?s).*, \\d+ bytes so far.*"), stat);
                assertTrue(r.command("ABOR").startsWith("426 "));
                assertTrue(r.reply().startsWith("226 "));
            }
        }
    }

    /**
     * Bug: NOOP during a transfer was held until the transfer ended, and a held
     * line stops the control channel from being read, so the ABOR after it was
     * never seen: a client that sends keep-alive NOOPs during a download (as
     * Commons Net does with a control keep-alive timeout) could not abort it.
     */
    @Test
    void aborAfterAKeepAliveNoopDuringTransfer() throws IOException {
        try (RawClient r = server.rawLoggedIn()) {
            r.expect("TYPE I", 200);
            int port = r.pasv();
            try (Socket data = throttled(r, port)) {
                r.expect("RETR big.bin", 1);
                readSome(data, 10_000);
                r.send("NOOP");
                r.send("ABOR");
                assertTrue(r.reply().startsWith("200 "), "the keep-alive answered during the transfer");
                assertTrue(r.reply().startsWith("426 "));
                assertTrue(r.reply().startsWith("226 "));
            }
            assertTrue(r.command("PWD").startsWith("257 "));
        }
    }

    @Test
    void otherCommandsWaitForTheTransferToEnd() throws IOException {
        byte[] content = new byte[8 * 1024 * 1024];
        Files.write(dir.resolve("mid.bin"), content);
        try (RawClient r = server.rawLoggedIn()) {
            r.expect("TYPE I", 200);
            int port = r.pasv();
            try (Socket data = throttled(r, port)) {
                r.expect("RETR mid.bin", 1);
                long head = readSome(data, 10_000);
                r.send("PWD");
                assertEquals(content.length, head + drain(data), "the whole file, PWD did not cut it");
            }
            assertTrue(r.reply().startsWith("226 "), "226 first");
            assertTrue(r.reply().startsWith("257 "), "then PWD's reply");
        }
    }

    @Test
    void quitDuringTransferWaitsForIt() throws IOException {
        byte[] content = new byte[4 * 1024 * 1024];
        Files.write(dir.resolve("mid.bin"), content);
        try (RawClient r = server.rawLoggedIn()) {
            r.expect("TYPE I", 200);
            int port = r.pasv();
            try (Socket data = throttled(r, port)) {
                r.expect("RETR mid.bin", 1);
                r.send("QUIT");
                assertEquals(content.length, drain(data), "the transfer finishes");
            }
            assertTrue(r.reply().startsWith("226 "));
            assertTrue(r.reply().startsWith("221 "));
            LoginTest.assertClosed(r);
        }
        Await.until(Duration.ofSeconds(10), "session gone", () -> server.server().sessionCount() == 0);
    }

    @Test
    void clientClosingTheDataConnectionEarlyIs426() throws IOException {
        try (RawClient r = server.rawLoggedIn()) {
            r.expect("TYPE I", 200);
            int port = r.pasv();
            try (Socket data = throttled(r, port)) {
                r.expect("RETR big.bin", 1);
                readSome(data, 10_000);
                data.setSoLinger(true, 0); // a reset: the server's next write fails at once
            }
            String reply = r.reply();
            assertTrue(reply.startsWith("426 "), reply);
            assertTrue(r.command("NOOP").startsWith("200 "));
        }
    }

    @Test
    void closingTheControlConnectionDuringAnUploadLeavesNoTemporary() throws IOException {
        Files.writeString(dir.resolve("keep.txt"), "old");
        RawClient r = server.rawLoggedIn();
        r.expect("TYPE I", 200);
        try (Socket data = r.passiveData()) {
            r.expect("STOR keep.txt", 1);
            data.getOutputStream().write(new byte[50_000]);
            data.getOutputStream().flush();
            r.close();
            Await.until(Duration.ofSeconds(10), "session gone", () -> server.server().sessionCount() == 0);
        }
        assertEquals("old", Files.readString(dir.resolve("keep.txt")));
        try (var files = Files.list(dir)) {
            assertEquals(3, files.count(), "no temporary left");
        }
    }

    @Test
    void closingTheControlConnectionEndsTheTransfer() throws IOException {
        RawClient r = server.rawLoggedIn();
        r.expect("TYPE I", 200);
        int port = r.pasv();
        try (Socket data = throttled(r, port)) {
            r.expect("RETR big.bin", 1);
            readSome(data, 10_000);
            r.close();
            assertTrue(drain(data) < BIG, "the server closed the data connection too");
        }
        Await.until(Duration.ofSeconds(10), "session gone", () -> server.server().sessionCount() == 0);
    }
}
