package org.nioftpd.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/**
 * Commands sent during a transfer: the ones that must wait are held in
 * order, and an ABOR behind them still stops the transfer at once.
 */
@Timeout(30)
class HeldCommandsTest {

    @TempDir
    Path dir;

    /**
     * Regression: an ABOR sent after a command that had to wait (PWD) was not
     * read until the transfer ended, which for a client that stopped reading
     * the data was never (or the data timeout later).
     */
    @Test
    @SuppressWarnings("try") // the data connection stays open, unread: that is the test
    void aborBehindAHeldCommandStopsTheTransferAtOnce() throws Exception {
        Files.write(dir.resolve("big.bin"), new byte[8 << 20]);
        try (TestServer server = TestServer.start(dir); RawClient c = new RawClient(server.port())) {
            c.reply();
            c.login("u", "p");
            c.command("TYPE I");
            try (Socket data = c.connectData(c.epsv())) {
                String started = c.command("RETR big.bin");
                assertTrue(started.startsWith("125") || started.startsWith("150"), started);
                // nobody reads the data: the transfer stalls with full socket buffers
                c.sendRaw("PWD\r\nABOR\r\n".getBytes(StandardCharsets.US_ASCII));
                assertTrue(c.reply().startsWith("426"), "the transfer ends first");
                assertEquals("257 \"/\" is the current directory.", c.reply(), "then PWD, in its turn");
                assertTrue(c.reply().startsWith("226"), "then ABOR's own reply");
                assertEquals("200 NOOP ok.", c.command("NOOP"), "and the session goes on");
            }
        }
    }

    @Test
    void heldCommandsRunInOrderAfterTheTransfer() throws Exception {
        Files.writeString(dir.resolve("f.txt"), "hello");
        try (TestServer server = TestServer.start(dir); RawClient c = new RawClient(server.port())) {
            c.reply();
            c.login("u", "p");
            c.command("TYPE I");
            int port = c.epsv();
            c.sendRaw("RETR f.txt\r\nPWD\r\nSYST\r\nNOOP\r\n".getBytes(StandardCharsets.US_ASCII));
            try (Socket data = c.connectData(port)) {
                assertEquals("hello", new String(RawClient.readAll(data), StandardCharsets.US_ASCII));
            }
            String started = c.reply();
            assertTrue(started.startsWith("150") || started.startsWith("125"), started);
            assertTrue(c.reply().startsWith("226"));
            assertTrue(c.reply().startsWith("257"));
            assertEquals("215 UNIX Type: L8", c.reply());
            assertEquals("200 NOOP ok.", c.reply());
        }
    }
}
