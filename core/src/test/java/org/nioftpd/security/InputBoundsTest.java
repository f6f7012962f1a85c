package org.nioftpd.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.fs.FileSystemView;
import org.nioftpd.testing.TestServer;

/**
 * Issue 4, item 1: every input is bounded. A command line is capped (4096
 * bytes by default, configurable); a line without end costs a bounded amount
 * of reading before the client is cut off; NUL and Telnet IAC bytes never
 * reach a command; a path is capped at {@link FileSystemView#MAX_PATH_CHARS}.
 *
 * <p>Each test fails without its protection; how is said at each.
 */
@Timeout(60)
class InputBoundsTest {

    private static final int IAC = 0xFF, WILL = 251, DO = 253, SB = 250, SE = 240, IP = 244, DM = 242, NOP = 241;

    @TempDir
    Path dir;

    private static byte[] bytes(Object... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Object p : parts) {
            if (p instanceof String s) {
                out.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            } else if (p instanceof Character ch) {
                out.write(ch);
            } else {
                out.write((Integer) p);
            }
        }
        return out.toByteArray();
    }

    /** Without the cap (LineDecoder storing every byte) the long line would be an unknown command, not 500 "too long". */
    @Test
    void overLongLineIs500AndDiscardedUpToItsCrlf() throws Exception {
        try (TestServer server = TestServer.start(dir); Ctl c = Ctl.open(server.port())) {
            Ctl.expect("220", c.reply());
            // The default cap is 4096 data bytes: 4096 pass, 4097 do not.
            String atCap = "NOOP " + "x".repeat(4096 - 5);
            Ctl.expect("501", c.command(atCap)); // a whole line: NOOP refuses its argument
            c.sendRaw(bytes("NOOP " + "x".repeat(5000) + " tail-that-must-not-run\r\nNOOP\r\n"));
            assertEquals("500 Command line too long.", c.reply());
            assertEquals("200 NOOP ok.", c.reply(), "the line after the long one runs normally");
            // Over the cap by one byte, and a long line spread over many writes.
            Ctl.expect("500", c.command("NOOP " + "x".repeat(4096 - 4)));
            for (int i = 0; i < 10; i++) {
                c.sendRaw(bytes("y".repeat(1000)));
            }
            c.sendRaw(bytes("\r\n"));
            Ctl.expect("500", c.reply());
            Ctl.expect("530", c.command("PWD"));
        }
    }

    @Test
    void lineCapIsConfigurable() throws Exception {
        try (TestServer server = TestServer.start(dir, b -> b.maxLineBytes(100));
             Ctl c = Ctl.open(server.port())) {
            Ctl.expect("220", c.reply());
            Ctl.expect("501", c.command("NOOP " + "x".repeat(95)));      // 100 bytes: a line
            Ctl.expect("500", c.command("NOOP " + "x".repeat(96)));      // 101 bytes: too long
            Ctl.expect("200", c.command("NOOP"));
        }
        try (TestServer server = TestServer.start(dir, b -> b.maxLineBytes(16_384));
             Ctl c = Ctl.open(server.port())) {
            Ctl.expect("220", c.reply());
            Ctl.expect("501", c.command("NOOP " + "x".repeat(10_000)));  // fits under 16 KiB
        }
    }

    /**
     * 1 MiB without a line end: the server cuts the client off after 64 KiB
     * of discarded bytes, long before any timeout (the idle timeout here is a
     * minute). Without that cut (Session.onInput's skippedBytes check) the
     * server would read the whole MiB and wait for more: the socket would
     * stay open past the deadline and the test fail.
     */
    @Test
    void endlessLineIsDisconnectedPromptlyAndOthersAreServed() throws Exception {
        try (TestServer server = TestServer.start(dir); Ctl other = Ctl.login(server.port(), "u", "p");
             Ctl c = Ctl.open(server.port())) {
            Ctl.expect("220", c.reply());
            Thread writer = new Thread(() -> {
                try {
                    byte[] chunk = new byte[64 * 1024];
                    java.util.Arrays.fill(chunk, (byte) 'A');
                    for (int i = 0; i < 16; i++) {
                        c.sendRaw(chunk);
                    }
                } catch (IOException expected) {
                    // the server hangs up in the middle: that is the point
                }
            });
            writer.start();
            assertTrue(Ctl.closedWithin(c.socket(), Duration.ofSeconds(5)), "still connected after 5 s");
            writer.join(10_000);
            Ctl.expect("200", other.command("NOOP"));
            Ctl.expect("257", other.command("PWD"));
        }
    }

    /** An endless Telnet subnegotiation (IAC SB and never IAC SE) is cut off the same way. */
    @Test
    void endlessTelnetSubnegotiationIsDisconnected() throws Exception {
        try (TestServer server = TestServer.start(dir); Ctl c = Ctl.open(server.port())) {
            Ctl.expect("220", c.reply());
            Thread writer = new Thread(() -> {
                try {
                    c.sendRaw(bytes(IAC, SB, 24));
                    byte[] chunk = new byte[64 * 1024];
                    java.util.Arrays.fill(chunk, (byte) '\n'); // even LFs are payload inside SB
                    for (int i = 0; i < 16; i++) {
                        c.sendRaw(chunk);
                    }
                } catch (IOException expected) {
                    // cut off
                }
            });
            writer.start();
            assertTrue(Ctl.closedWithin(c.socket(), Duration.ofSeconds(5)), "still connected after 5 s");
            writer.join(10_000);
        }
    }

    /**
     * NUL bytes are dropped and Telnet commands removed before a line is a
     * command: "NO\0OP" is NOOP, and "NO IAC NOP OP" too. A NUL can never
     * reach a path (where C code would read it as the end of the name).
     */
    @Test
    void nulAndTelnetBytesNeverReachACommand() throws Exception {
        Files.writeString(dir.resolve("ab"), "ab");
        try (TestServer server = TestServer.start(dir); Ctl c = Ctl.open(server.port())) {
            Ctl.expect("220", c.reply());
            c.sendRaw(bytes("NO", 0, "OP\r\n"));
            assertEquals("200 NOOP ok.", c.reply());
            c.sendRaw(bytes("NO", IAC, NOP, "OP\r\n"));
            assertEquals("200 NOOP ok.", c.reply());
            c.sendRaw(bytes(IAC, WILL, 1, IAC, DO, 3, "NOOP", IAC, SB, 24, 'x', IAC, IAC, 'y', IAC, SE, "\r\n"));
            assertEquals("200 NOOP ok.", c.reply());
            c.login("u", "p");
            c.sendRaw(bytes(IAC, IP, IAC, DM, "ABOR\r\n")); // how clients send ABOR (RFC 959 4.1.3)
            Ctl.expect("225", c.reply());
            c.sendRaw(bytes("SIZE a", 0, "b\r\n"));          // the NUL is gone: the name is "ab"
            assertEquals("213 2", c.reply());
            c.sendRaw(bytes("SIZE a", IAC, IAC, "b\r\n"));  // IAC IAC is a data byte 0xFF: not "ab"
            Ctl.expect("550", c.reply());
            c.sendRaw(bytes("MKD x", 1, 0x7f, 0x1b, "y\r\n")); // control characters are only characters:
            Ctl.expect("553", c.reply());                    // they reach MKD, which refuses them (issue 19, item 8)
            assertFalse(Files.exists(dir.resolve("xy")), "the decoder did not strip them");
            // An unknown verb is echoed with its control characters masked.
            c.sendRaw(bytes("N", 1, "OOP", 0x1b, "[2J\r\n"));
            String r = c.reply();
            assertTrue(r.startsWith("500 "), r);
            assertFalse(r.chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f), Ctl.printable(r));
        }
    }

    /**
     * A CR inside a line is data; a name holding CR or LF, in any reply,
     * must not split it into lines a client would read as replies of their
     * own (Reply.strip). Ctl fails on any bare CR or LF in a reply. Without
     * the strip, "257 "/x\r226 fake"" would end the line after x.
     */
    @Test
    void crOrLfInANameNeverSplitsAReply() throws Exception {
        Files.createDirectory(dir.resolve("evil\n226 Transfer complete."));
        Files.writeString(dir.resolve("evil\r\n200 fake"), "x");
        try (TestServer server = TestServer.start(dir); Ctl c = Ctl.login(server.port(), "u", "p")) {
            c.sendRaw(bytes("MKD a\r226 fake\r\n"));
            String r = c.reply();
            assertTrue(r.startsWith("553 "), r); // one reply line; such names are refused since issue 19, item 8
            assertEquals("200 NOOP ok.", c.command("NOOP"), "no extra reply was injected");
            // STAT lists the names on the control connection, one body line each.
            for (String cmd : List.of("STAT /", "STAT -l")) {
                r = c.command(cmd);
                assertTrue(r.contains("evil 226 Transfer complete."), Ctl.printable(r)); // the LF became a space
                for (String line : r.split("\n")) {
                    assertTrue(line.startsWith("213") || line.startsWith(" "), "a body line that looks like a reply: " + line);
                }
            }
            Ctl.expect("200", c.command("NOOP"));
        }
    }

    /**
     * A path over MAX_PATH_CHARS is refused with 553 before it touches the
     * file system (a line cap above it is needed to even send one). Without
     * FileSystemView's length check, these would be 550 (no such file) or,
     * for MKD, an attempt to create it.
     */
    @Test
    void pathLengthIsCapped() throws Exception {
        assertEquals(4096, FileSystemView.MAX_PATH_CHARS);
        try (TestServer server = TestServer.start(dir, b -> b.maxLineBytes(16_384));
             Ctl c = Ctl.login(server.port(), "u", "p")) {
            String tooLong = "/" + "d/".repeat(2500);                  // 5001 chars
            String atCap = "/" + "d/".repeat(2047) + "d";               // 4096 chars
            assertEquals(5001, tooLong.length());
            assertEquals(4096, atCap.length());
            for (String verb : List.of("CWD", "MKD", "RETR", "STOR", "DELE", "SIZE", "MLST", "RNFR", "STAT")) {
                assertEquals("553 Invalid file name.", c.command(verb + " " + tooLong), verb);
            }
            Ctl.expect("550", c.command("CWD " + atCap)); // at the cap: an ordinary missing path
            try (var list = Files.list(dir)) {
                assertEquals(0, list.count(), "nothing was created");
            }
        }
    }
}
