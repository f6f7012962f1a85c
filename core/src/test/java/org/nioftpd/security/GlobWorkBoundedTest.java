package org.nioftpd.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.fs.Glob;
import org.nioftpd.testing.TestServer;

/**
 * Issue 4, item 9: the work a listing does is bounded. Wildcards apply to the
 * last component only (so {@code *}{@code /../*}{@code /../*} is one directory,
 * not a product of directories), patterns are capped at
 * {@link Glob#MAX_PATTERN} characters, and the matcher never backtracks
 * (so {@code a*a*a*a*a*a*a*a*b} against long names of a's is linear per
 * entry, where a regex would take longer than the universe has). Each reply
 * is awaited for at most 10 s: a hang fails the test, a fast machine proves
 * nothing more (no speed is asserted).
 *
 * <p>Checked by matching with java.util.regex instead of Glob.matches
 * ("*" as ".*"): the NLST below then never answers.
 */
@Timeout(120)
class GlobWorkBoundedTest {

    private static final int ENTRIES = 2_000;

    @TempDir
    Path dir;

    @BeforeEach
    void manyAs() throws Exception {
        for (int i = 0; i < ENTRIES; i++) {
            // Long runs of a's and never a b: the worst case for a*a*...*b.
            Files.createFile(dir.resolve("a".repeat(150 + i % 90) + i));
        }
    }

    /** The listing of {@code command}, awaited for 10 s at most; fails on anything but 226. */
    private static List<String> listing(Ctl c, String command) throws Exception {
        int port = c.pasv();
        c.socket().setSoTimeout(10_000);
        String r = c.command(command);
        Ctl.expect("150", r);
        try (Socket data = Ctl.data(port)) {
            data.setSoTimeout(10_000);
            String text = new String(data.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            Ctl.expect("226", c.reply());
            return text.isEmpty() ? List.of() : List.of(text.split("\r\n"));
        }
    }

    @Test
    void dotDotGlobsListOneDirectory() throws Exception {
        try (TestServer server = TestServer.start(dir); Ctl c = Ctl.login(server.port(), "u", "p")) {
            List<String> lines = listing(c, "LIST */../*/../*/../*");
            assertEquals(ENTRIES, lines.size(), "one listing of the root, not a product");
            assertEquals(ENTRIES, listing(c, "NLST */../*/../*/../*").size());
            // A wildcard in a middle component is a name like any other: there is no directory "*".
            Ctl.expect("550", c.command("LIST */*"));
            Ctl.expect("550", c.command("NLST */../*/*"));
        }
    }

    @Test
    void backtrackingPatternsAnswerPromptly() throws Exception {
        try (TestServer server = TestServer.start(dir); Ctl c = Ctl.login(server.port(), "u", "p");
             Ctl other = Ctl.login(server.port(), "u", "p")) {
            assertEquals(List.of(), listing(c, "NLST a*a*a*a*a*a*a*a*b"));
            assertEquals(List.of(), listing(c, "LIST a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b"));
            // The longest pattern accepted, all stars, against the longest names.
            String longest = "a*".repeat((Glob.MAX_PATTERN - 1) / 2) + "b";
            assertTrue(longest.length() <= Glob.MAX_PATTERN);
            assertEquals(List.of(), listing(c, "NLST " + longest));
            assertEquals(ENTRIES, listing(c, "NLST " + "*".repeat(Glob.MAX_PATTERN)).size());
            // One character more is refused before any matching.
            Ctl.expect("501", c.command("NLST " + "a*".repeat(128)));
            Ctl.expect("200", other.command("NOOP"));
        }
    }
}
