package org.nioftpd.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nioftpd.testing.TestServer;

/**
 * Interoperability with {@code lftp}: {@code mirror} down and {@code mirror -R}
 * up of a three-level tree with four parallel transfers, in passive and active
 * mode, listing with MLSD and with LIST, compared file by file by SHA-256.
 *
 * <p>lftp runs with {@code --norc}, HOME in a temporary directory, no proxy
 * variables, one try ({@code net:max-retries 1}), {@code net:timeout 10} and
 * a deadline here after which it is destroyed. Its debug trace goes into every
 * failure message. Skipped, with a message, where lftp is not installed.
 */
@Timeout(120)
class LftpInteropTest {

    private static final int DEADLINE_SECONDS = 90;

    private static ExternalTool.Found lftp;

    @TempDir
    Path tmp;

    private Path root;
    private Path local;
    private Path home;

    @BeforeAll
    static void findLftp(@TempDir Path dir) throws Exception {
        lftp = ExternalTool.find("lftp", "lftp", "lftp", dir);
    }

    @BeforeEach
    void dirs() throws IOException {
        lftp.assume();
        root = Files.createDirectories(tmp.resolve("root"));
        local = Files.createDirectories(tmp.resolve("local"));
        home = Files.createDirectories(tmp.resolve("home"));
    }

    @ParameterizedTest(name = "passive={0} mlsd={1}")
    @CsvSource({"true,true", "true,false", "false,true", "false,false"})
    void mirrorDownloadsTheTree(boolean passive, boolean mlsd) throws Exception {
        ExternalTool.makeTree(root.resolve("tree"), 1);
        Map<String, String> expected = ExternalTool.snapshot(root.resolve("tree"));
        try (TestServer server = TestServer.start(root)) {
            Path target = local.resolve("copy");
            ExternalTool.Result r = lftp(server, passive, mlsd,
                    "mirror --parallel=4 /tree \"" + target + "\"");
            r.assertOk();
            assertTrue(r.stderr().contains("---> " + (mlsd ? "MLSD" : "LIST")), r.describe());
            assertTrue(mlsd || !r.stderr().contains("---> MLSD"), r.describe());
            assertDataMode(passive, r);
            assertEquals(expected, ExternalTool.snapshot(target), r.describe());
        }
    }

    @ParameterizedTest(name = "passive={0}")
    @ValueSource(booleans = {true, false})
    void reverseMirrorUploadsTheTree(boolean passive) throws Exception {
        Path source = local.resolve("source");
        ExternalTool.makeTree(source, 2);
        Map<String, String> expected = ExternalTool.snapshot(source);
        try (TestServer server = TestServer.start(root)) {
            ExternalTool.Result r = lftp(server, passive, true,
                    "mirror -R --parallel=4 \"" + source + "\" /up");
            r.assertOk();
            assertTrue(r.stderr().contains("---> STOR "), r.describe());
            assertDataMode(passive, r);
            assertEquals(expected, ExternalTool.snapshot(root.resolve("up")), r.describe());
            try (var s = Files.list(root.resolve("up"))) {
                assertTrue(s.noneMatch(p -> p.getFileName().toString().startsWith(".")),
                        "temporary upload files left behind\n" + r.describe());
            }
        }
    }

    @Test
    void secondMirrorOnlyTransfersWhatChanged() throws Exception {
        ExternalTool.makeTree(root.resolve("tree"), 3);
        try (TestServer server = TestServer.start(root)) {
            Path target = local.resolve("copy");
            lftp(server, true, true, "mirror --parallel=4 /tree \"" + target + "\"").assertOk();
            Files.write(root.resolve("tree/level one/level two/new file.bin"), new byte[] {9, 8, 7});
            Files.delete(root.resolve("tree/second/x.bin"));
            ExternalTool.Result r = lftp(server, true, true,
                    "mirror --delete --parallel=4 /tree \"" + target + "\"");
            r.assertOk();
            assertEquals(ExternalTool.snapshot(root.resolve("tree")), ExternalTool.snapshot(target), r.describe());
            // Unchanged files (same size and time) are not fetched again.
            assertEquals(1, count(r.stderr(), "---> RETR "), r.describe());
        }
    }

    @Test
    void readOnlyUserCannotUpload() throws Exception {
        Path source = local.resolve("source");
        Files.createDirectories(source);
        Files.write(source.resolve("f.bin"), new byte[] {1, 2, 3});
        try (TestServer server = TestServer.start(root)) {
            ExternalTool.Result r = run(server, "ro,p", true, true,
                    "mirror -R \"" + source + "\" /up");
            assertTrue(r.exit() != 0, "mirror -R as ro should fail\n" + r.describe());
            assertTrue(r.stderr().contains("550"), r.describe());
            assertTrue(!Files.exists(root.resolve("up/f.bin")), r.describe());
        }
    }

    // -------------------------------------------------------------- helpers

    private ExternalTool.Result lftp(TestServer server, boolean passive, boolean mlsd, String command)
            throws IOException, InterruptedException {
        return run(server, "u,p", passive, mlsd, command);
    }

    private ExternalTool.Result run(TestServer server, String login, boolean passive, boolean mlsd, String command)
            throws IOException, InterruptedException {
        String script = String.join("; ",
                "debug 9",
                "set net:max-retries 1",
                "set net:timeout 10",
                "set net:reconnect-interval-base 1",
                "set cmd:fail-exit yes",
                "set ftp:ssl-allow no",
                "set ftp:passive-mode " + passive,
                "set ftp:use-mlsd " + mlsd,
                "set ftp:use-feat true",
                "open -u " + login + " ftp://127.0.0.1:" + server.port(),
                command);
        List<String> argv = new ArrayList<>(List.of(lftp.program().toString(), "--norc", "-c", script));
        return ExternalTool.run(argv, local, home, DEADLINE_SECONDS, lftp.version());
    }

    private static void assertDataMode(boolean passive, ExternalTool.Result r) {
        String t = r.stderr();
        boolean sawPassive = t.contains("---> EPSV") || t.contains("---> PASV");
        boolean sawActive = t.contains("---> PORT ") || t.contains("---> EPRT ");
        assertEquals(passive, sawPassive, "passive data connections\n" + r.describe());
        assertEquals(!passive, sawActive, "active data connections\n" + r.describe());
    }

    private static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }
}
