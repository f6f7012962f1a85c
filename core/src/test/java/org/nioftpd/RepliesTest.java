package org.nioftpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nioftpd.command.Commands;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/** RFC 959 4.2: reply codes for bad input, and the multi-line format of FEAT, HELP and STAT. */
@Timeout(30)
class RepliesTest {

    @TempDir
    Path dir;
    TestServer server;
    RawClient r;

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start(dir);
        r = server.rawLoggedIn();
    }

    @AfterEach
    void stop() throws IOException {
        r.close();
        server.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {"FOO", "XYZZY bar", "RETRX f", "SITEHELP"})
    void unknownCommandIs500(String line) throws IOException {
        assertTrue(r.command(line).startsWith("500 "));
        assertTrue(r.command("NOOP").startsWith("200 "), "the session goes on");
    }

    @Test
    void unknownCommandBeforeLoginIs500() throws IOException {
        try (RawClient anon = server.raw()) {
            anon.reply();
            assertTrue(anon.command("FOO").startsWith("500 "));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"RETR", "STOR", "CWD", "DELE", "MKD", "RMD", "RNFR", "SIZE", "MDTM", "TYPE", "MODE",
            "STRU", "REST", "PORT", "EPRT", "APPE", "RETR   "})
    void missingArgumentIs501(String line) throws IOException {
        String reply = r.command(line);
        assertTrue(reply.startsWith("501 "), line + " -> " + reply);
    }

    @Test
    void userWithoutNameIs501() throws IOException {
        try (RawClient anon = server.raw()) {
            anon.reply();
            assertTrue(anon.command("USER").startsWith("501 "));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PWD x", "CDUP x", "PASV x", "NOOP x", "FEAT x", "SYST x"})
    void unexpectedArgumentIs501(String line) throws IOException {
        assertTrue(r.command(line).startsWith("501 "), line);
    }

    @Test
    void verbsAreCaseInsensitive() throws IOException {
        assertTrue(r.command("noop").startsWith("200 "));
        assertTrue(r.command("pWd").startsWith("257 "));
    }

    @Test
    void featListsTheTableFeaturesInRfc2389Form() throws IOException {
        String feat = r.command("FEAT");
        List<String> lines = Arrays.asList(feat.split("\n"));
        assertMultiLine(211, lines);
        Set<String> listed = new LinkedHashSet<>();
        for (String line : lines.subList(1, lines.size() - 1)) {
            assertTrue(line.startsWith(" "), "RFC 2389: feature lines start with a space: " + line);
            listed.add(line.substring(1));
        }
        assertEquals(Commands.table().features(), listed, "FEAT is the command table's");
        for (String expected : List.of("EPSV", "EPRT", "SIZE", "MDTM", "REST STREAM", "UTF8")) {
            assertTrue(listed.contains(expected), expected + " in " + listed);
        }
        assertTrue(listed.stream().anyMatch(l -> l.startsWith("MLST ")), "MLST with its facts: " + listed);
    }

    @Test
    void commonsNetReadsFeat() throws IOException {
        FTPClient c = server.client();
        assertTrue(c.features());
        assertTrue(c.hasFeature("SIZE"));
        assertTrue(c.hasFeature("MLST"));
        assertTrue(c.hasFeature("REST", "STREAM"));
        c.disconnect();
    }

    @Test
    void helpIsMultiLineAndNamesEveryVerb() throws IOException {
        String help = r.command("HELP");
        List<String> lines = Arrays.asList(help.split("\n"));
        assertMultiLine(214, lines);
        String body = String.join(" ", lines.subList(1, lines.size() - 1));
        for (String verb : Commands.table().verbs()) {
            assertTrue((" " + body + " ").contains(" " + verb + " "), verb + " in HELP");
        }
    }

    @Test
    void helpOfOneCommandGivesItsSyntax() throws IOException {
        assertEquals("214 Syntax: RETR <sp> pathname", r.command("HELP RETR"));
        assertTrue(r.command("HELP xpwd").startsWith("214 "));
        assertTrue(r.command("HELP FOO").startsWith("502 "));
    }

    @Test
    void statIsMultiLine() throws IOException {
        String stat = r.command("STAT");
        List<String> lines = Arrays.asList(stat.split("\n"));
        assertMultiLine(211, lines);
        assertTrue(stat.contains("Logged in as u"), stat);
    }

    @Test
    void statOfAPathIs213MultiLine() throws IOException {
        java.nio.file.Files.writeString(dir.resolve("a.txt"), "abc");
        String stat = r.command("STAT /");
        List<String> lines = Arrays.asList(stat.split("\n"));
        assertMultiLine(213, lines);
        assertTrue(stat.contains(" a.txt"), stat);
    }

    @Test
    void systIsUnixL8() throws IOException {
        assertEquals("215 UNIX Type: L8", r.command("SYST"));
    }

    @Test
    void optsUtf8() throws IOException {
        assertTrue(r.command("OPTS UTF8 ON").startsWith("200 "));
        assertTrue(r.command("OPTS FOO").startsWith("501 "));
    }

    @Test
    void noopAndQuit() throws IOException {
        FTPClient c = server.client();
        assertTrue(c.sendNoOp());
        assertEquals(200, c.getReplyCode());
        assertEquals(221, c.quit());
        c.disconnect();
    }

    @Test
    void pipelinedCommandsAreAnsweredInOrder() throws IOException {
        r.send("NOOP\r\nPWD\r\nSYST\r\nFOO");
        assertTrue(r.reply().startsWith("200 "));
        assertTrue(r.reply().startsWith("257 "));
        assertTrue(r.reply().startsWith("215 "));
        assertTrue(r.reply().startsWith("500 "));
    }

    @Test
    void tooLongLineIs500AndTheNextLineWorks() throws IOException {
        assertTrue(r.command("NOOP " + "x".repeat(10_000)).startsWith("500 "));
        assertTrue(r.command("PWD").startsWith("257 "));
    }

    /** RFC 959 4.2: {@code nnn-} first, {@code nnn } last, no line between that looks like the last. */
    static void assertMultiLine(int code, List<String> lines) {
        assertTrue(lines.size() >= 2, "multi-line: " + lines);
        assertTrue(lines.get(0).startsWith(code + "-"), lines.get(0));
        assertTrue(lines.get(lines.size() - 1).startsWith(code + " "), lines.get(lines.size() - 1));
        for (String line : lines.subList(1, lines.size() - 1)) {
            assertTrue(!line.startsWith(code + " "), "an inner line must not end the reply: " + line);
        }
    }
}
