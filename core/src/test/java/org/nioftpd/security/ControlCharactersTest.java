package org.nioftpd.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/**
 * Issue 19, item 8: control characters in names. A client cannot create a
 * name holding one (MKD, STOR, APPE, STOU, RNTO: 553, nothing created); a
 * name made some other way is listed on the data connection with each
 * control character as '?' (LIST, NLST, MLSD), so every listing has exactly
 * one line per entry and no byte a terminal or a parser would act on. (On
 * the control connection, STAT and MLST keep the reply rule InputBoundsTest
 * checks: no CR or LF ever reaches a reply line.) Checked against
 * the server before: {@code MKD cr\rx} made the directory and LIST sent the
 * CR raw, splitting its line.
 */
@Timeout(60)
class ControlCharactersTest {

    @TempDir
    Path dir;

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void newNamesWithControlCharactersAreRefusedWith553() throws Exception {
        Files.writeString(dir.resolve("old.txt"), "old");
        try (TestServer server = TestServer.start(dir); RawClient c = new RawClient(server.port())) {
            c.greetAndLogin(TestServer.USER, TestServer.PASSWORD);
            for (String command : new String[] {"MKD cr\rx", "MKD tab\tx", "MKD esc\u001b[2Jx", "MKD c1\u009bx",
                    "STOR bell\u0007.txt", "APPE del\u007f.txt", "STOU base\u0001", "MKD /sub\u0008"}) {
                String reply = c.command(command);
                assertTrue(reply.startsWith("553 "), command.replaceAll("\\p{Cntrl}", "?") + ": " + reply);
            }
            c.expect("RNFR old.txt", 350);
            assertTrue(c.command("RNTO new\rname.txt").startsWith("553 "));
            c.expect("NOOP", 200);
        }
        assertEquals(List.of("old.txt"), names(), "nothing was created");
    }

    @Test
    void existingNamesWithControlCharactersAreListedEscaped() throws Exception {
        Files.createDirectory(dir.resolve("cr\rx"));
        Files.writeString(dir.resolve("lf\nname"), "x");
        Files.writeString(dir.resolve("esc\u001b[31mred"), "x");
        Files.writeString(dir.resolve("plain.txt"), "x");
        try (TestServer server = TestServer.start(dir); RawClient c = new RawClient(server.port())) {
            c.greetAndLogin(TestServer.USER, TestServer.PASSWORD);
            for (String command : new String[] {"LIST", "NLST", "MLSD"}) {
                String text = c.listing(command);
                String[] lines = text.split("\r\n", -1);
                assertEquals(5, lines.length, command + ": four entries and the final CRLF: " + text);
                assertEquals("", lines[4]);
                for (String line : new String[] {lines[0], lines[1], lines[2], lines[3]}) {
                    assertTrue(line.chars().noneMatch(ch -> ch < 0x20 || ch == 0x7f),
                            command + " sent a control character: " + line.replaceAll("\\p{Cntrl}", "<C>"));
                }
                assertTrue(text.contains("cr?x") && text.contains("lf?name") && text.contains("esc?[31mred")
                        && text.contains("plain.txt"), command + ": " + text);
            }
            // A single entry too, named by the client.
            for (String command : new String[] {"LIST esc\u001b[31mred", "NLST esc\u001b[31mred"}) {
                String one = c.listing(command);
                assertTrue(one.endsWith("esc?[31mred\r\n") && one.indexOf('\u001b') < 0, command + ": " + one);
            }
        }
    }
}
