package org.nioftpd.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nioftpd.testing.TestServer;

/**
 * Interoperability with GNU {@code wget}: a recursive download of a
 * three-level tree (wget parses the LIST output to recurse), and a
 * {@code --continue} resume of a partial local file.
 *
 * <p>wget runs with {@code --no-config}, HOME in a temporary directory, no
 * proxy variables, {@code --timeout=10 --tries=1} and a deadline here after
 * which it is destroyed. Skipped, with a message, where wget is not installed.
 */
@Timeout(120)
class WgetInteropTest {

    private static final int DEADLINE_SECONDS = 90;

    private static ExternalTool.Found wget;

    @TempDir
    Path tmp;

    private Path root;
    private Path local;
    private Path home;

    @BeforeAll
    static void findWget(@TempDir Path dir) throws Exception {
        wget = ExternalTool.find("wget", "wget", "wget", dir);
    }

    @BeforeEach
    void dirs() throws IOException {
        wget.assume();
        root = Files.createDirectories(tmp.resolve("root"));
        local = Files.createDirectories(tmp.resolve("local"));
        home = Files.createDirectories(tmp.resolve("home"));
    }

    @ParameterizedTest(name = "passive={0}")
    @ValueSource(booleans = {true, false})
    void recursiveDownloadOfTheTree(boolean passive) throws Exception {
        ExternalTool.makeTree(root.resolve("tree"), 11);
        // Outside the tree: -np must keep wget from climbing up to it.
        Files.write(root.resolve("outside.bin"), new byte[] {1, 2, 3});
        Map<String, String> expected = ExternalTool.files(ExternalTool.snapshot(root.resolve("tree")));
        try (TestServer server = TestServer.start(root)) {
            List<String> args = new ArrayList<>(List.of("-r", "-np", "-nH"));
            if (!passive) {
                args.add("--no-passive-ftp");
            }
            args.add("ftp://u:p@127.0.0.1:" + server.port() + "/tree/");
            ExternalTool.Result r = wget(args);
            r.assertOk();
            assertTrue(r.stderr().contains("LIST"), r.describe());
            assertTrue(r.stderr().contains(passive ? "PASV" : "PORT"), r.describe());
            assertFalse(Files.exists(local.resolve("outside.bin")), r.describe());
            Path got = local.resolve("tree");
            // wget removes its .listing files when done; directories come with the files they hold.
            assertEquals(expected, ExternalTool.files(ExternalTool.snapshot(got)), r.describe());
            try (Stream<Path> s = Files.walk(got)) {
                assertEquals(List.of(), s.filter(p -> p.getFileName().toString().equals(".listing")).toList(),
                        r.describe());
            }
        }
    }

    @Test
    void continueResumesAPartialFile() throws Exception {
        byte[] content = new byte[1024 * 1024 + 7];
        new Random(12).nextBytes(content);
        Files.write(root.resolve("big file.bin"), content);
        int have = 300_000;
        // The local part differs from the server's first bytes: only a real
        // REST (not a fresh full download) leaves these zeros in place.
        byte[] expected = content.clone();
        Arrays.fill(expected, 0, have, (byte) 0);
        Path out = local.resolve("big file.bin");
        Files.write(out, new byte[have]);
        try (TestServer server = TestServer.start(root)) {
            ExternalTool.Result r = wget(List.of("--continue",
                    "ftp://u:p@127.0.0.1:" + server.port() + "/big%20file.bin"));
            r.assertOk();
            assertTrue(r.stderr().contains("REST " + have), r.describe());
            assertEquals(ExternalTool.sha256(expected) + " " + expected.length,
                    ExternalTool.sha256(out) + " " + Files.size(out), r.describe());
        }
    }

    @Test
    void continueOnACompleteFileTransfersNothing() throws Exception {
        byte[] content = new byte[50_000];
        new Random(13).nextBytes(content);
        Files.write(root.resolve("done.bin"), content);
        Path out = local.resolve("done.bin");
        Files.write(out, content);
        try (TestServer server = TestServer.start(root)) {
            ExternalTool.Result r = wget(List.of("--continue",
                    "ftp://u:p@127.0.0.1:" + server.port() + "/done.bin"));
            r.assertOk();
            assertFalse(r.stderr().contains("RETR"), r.describe());
            assertEquals(ExternalTool.sha256(content), ExternalTool.sha256(out), r.describe());
        }
    }

    @Test
    void missingFileFails() throws Exception {
        try (TestServer server = TestServer.start(root)) {
            ExternalTool.Result r = wget(List.of("ftp://u:p@127.0.0.1:" + server.port() + "/nothing.bin"));
            assertTrue(r.exit() != 0, r.describe());
            assertFalse(Files.exists(local.resolve("nothing.bin")), r.describe());
        }
    }

    private ExternalTool.Result wget(List<String> args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(wget.program().toString(), "--no-config", "--no-verbose", "-d",
                "--timeout=10", "--tries=1", "--no-proxy"));
        command.addAll(args);
        return ExternalTool.run(command, local, home, DEADLINE_SECONDS, wget.version());
    }
}
