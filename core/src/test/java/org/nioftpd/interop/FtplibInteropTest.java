package org.nioftpd.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nioftpd.testing.TestServer;

/**
 * Interoperability with Python's {@code ftplib}: the script
 * {@code ftplib_session.py} (a test resource) logs in and runs a binary
 * round trip of 1 MiB + 7 random bytes, SIZE, a REST resume, MKD/CWD/PWD,
 * MLSD facts, NLST, an ASCII storlines/retrlines round trip, RNFR/RNTO,
 * DELE and RMD. It prints {@code key=value} lines, checked here against what
 * really happened on disk. Passive and active.
 *
 * <p>Python runs with {@code -I} (isolated: no user site, no PYTHON*
 * variables), HOME in a temporary directory, socket timeouts of 10 s, and a
 * deadline here. Skipped, with a message, where python3 is not installed.
 */
@Timeout(120)
class FtplibInteropTest {

    private static final int DEADLINE_SECONDS = 90;

    private static ExternalTool.Found python;

    @TempDir
    Path tmp;

    private Path root;
    private Path home;

    @BeforeAll
    static void findPython(@TempDir Path dir) throws Exception {
        python = ExternalTool.find("python3", "ftplib", null, dir);
    }

    @BeforeEach
    void dirs() throws IOException {
        python.assume();
        root = Files.createDirectories(tmp.resolve("root"));
        home = Files.createDirectories(tmp.resolve("home"));
    }

    @ParameterizedTest(name = "passive={0}")
    @ValueSource(booleans = {true, false})
    void fullSessionThroughFtplib(boolean passive) throws Exception {
        Files.write(root.resolve("already.txt"), "here\n".getBytes(StandardCharsets.US_ASCII));
        Path script = home.resolve("ftplib_session.py");
        try (InputStream in = getClass().getResourceAsStream("ftplib_session.py")) {
            assertNotNull(in, "ftplib_session.py test resource");
            Files.copy(in, script);
        }
        try (TestServer server = TestServer.start(root)) {
            ExternalTool.Result r = ExternalTool.run(
                    List.of(python.program().toString(), "-I", script.toString(), Integer.toString(server.port()),
                            Boolean.toString(passive)),
                    home, home, DEADLINE_SECONDS, python.version());
            r.assertOk();
            Map<String, List<String>> out = parse(r.stdout());
            String d = r.describe();

            assertTrue(one(out, "connect", d).startsWith("220"), d);
            assertTrue(one(out, "login", d).startsWith("230"), d);
            assertEquals("/", one(out, "pwd0", d), d);

            String sent = one(out, "sha_sent", d);
            assertTrue(one(out, "stor", d).startsWith("226"), d);
            assertTrue(one(out, "retr", d).startsWith("226"), d);
            assertEquals(sent, one(out, "sha_back", d), d);
            assertEquals("213 " + (1024 * 1024 + 7), one(out, "size_cmd", d), d);
            assertEquals(Integer.toString(1024 * 1024 + 7), one(out, "size_api", d), d);
            assertEquals(Integer.toString(1024 * 1024 + 7 - 500_000), one(out, "rest_len", d), d);
            assertEquals("True", one(out, "rest_ok", d), d);

            assertTrue(one(out, "mkd", d).endsWith("sub dir"), d);
            assertTrue(one(out, "cwd", d).startsWith("250"), d);
            assertEquals("/sub dir", one(out, "pwd1", d), d);
            assertEquals("/", one(out, "pwd2", d), d);

            // MLSD as seen before the text upload and the rename.
            assertEquals(List.of(
                    "already.txt|file|5|True",
                    "rt.bin|file|" + (1024 * 1024 + 7) + "|True",
                    "sub dir|dir|-|True"),
                    out.get("mlsd").stream().filter(l -> !l.startsWith(".")).toList(), d);
            assertEquals(List.of("already.txt", "rt.bin", "sub dir"), out.get("nlst"), d);

            assertTrue(one(out, "storlines", d).startsWith("226"), d);
            assertTrue(one(out, "retrlines", d).startsWith("226"), d);
            assertEquals("True", one(out, "lines_ok", d), d);
            // Sent with CRLF in TYPE A, stored with the native "\n".
            assertEquals("first line\nsecond\n\n" + "x".repeat(3000) + "\nlast\n",
                    Files.readString(root.resolve("text.txt"), StandardCharsets.US_ASCII), d);

            assertTrue(one(out, "rename", d).startsWith("250"), d);
            assertEquals("550", one(out, "old_name", d), d);
            assertEquals("550", one(out, "delete_missing", d), d);
            assertTrue(one(out, "delete", d).startsWith("250"), d);
            assertTrue(one(out, "rmd", d).startsWith("250"), d);
            assertTrue(one(out, "quit", d).startsWith("221"), d);

            assertEquals(sent + " " + (1024 * 1024 + 7), ExternalTool.sha256(root.resolve("renamed.bin"))
                    + " " + Files.size(root.resolve("renamed.bin")), d);
            assertFalse(Files.exists(root.resolve("rt.bin")), d);
            assertFalse(Files.exists(root.resolve("sub dir")), d);
        }
    }

    private static Map<String, List<String>> parse(String stdout) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (String line : stdout.split("\r?\n")) {
            int eq = line.indexOf('=');
            if (eq > 0) {
                map.computeIfAbsent(line.substring(0, eq), k -> new ArrayList<>()).add(line.substring(eq + 1));
            }
        }
        return map;
    }

    private static String one(Map<String, List<String>> out, String key, String describe) {
        List<String> values = out.get(key);
        assertNotNull(values, "no " + key + "= line\n" + describe);
        assertEquals(1, values.size(), key + "\n" + describe);
        return values.get(0);
    }
}
