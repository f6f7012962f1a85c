package org.nioftpd.interop;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nioftpd.testing.Await;
import org.nioftpd.testing.TestServer;

/**
 * Interoperability with the real {@code curl} command line client: each test
 * starts a server on 127.0.0.1 port 0 (one on [::1] too), runs curl against
 * it and checks what really happened, on disk and in what curl printed.
 *
 * <p>curl runs with {@code -q} (no ~/.curlrc), {@code --noproxy *} and no
 * proxy variables in its environment, so that it never talks to any host but
 * the loopback one named in the URL; each run is bounded by {@code --max-time}
 * and by a deadline here, after which the process is destroyed. Its verbose
 * trace ({@code -v}) goes into every failure message.
 *
 * <p>Skipped, with a message, where curl is not installed (CI installs it).
 */
@Timeout(120)
class CurlInteropTest {

    private static final int CURL_MAX_TIME_SECONDS = 30;
    /** A little more than curl's own limit: curl should stop itself first and say why. */
    private static final int PROCESS_DEADLINE_SECONDS = CURL_MAX_TIME_SECONDS + 15;

    private static Path curl;
    private static String curlVersion;
    private static boolean curlHasIpv6;

    @TempDir
    Path tmp;

    private Path root;
    private Path local;

    /**
     * Why the tests cannot run here, or null. Found once; each test then
     * skips with it (an assumption failing in {@code @BeforeAll} makes
     * surefire report "Tests run: 0" and lose the message).
     */
    private static String unavailable;

    @BeforeAll
    static void findCurl() throws Exception {
        curl = ExternalTool.onPath("curl");
        if (curl == null) {
            unavailable = "curl is not on the PATH: skipping the curl interop tests (install the curl package)";
            return;
        }
        Path out = Files.createTempFile("curl-version", ".txt");
        try {
            Process p = new ProcessBuilder(curl.toString(), "--version")
                    .redirectErrorStream(true)
                    .redirectOutput(out.toFile())
                    .start();
            p.getOutputStream().close();
            if (!p.waitFor(PROCESS_DEADLINE_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                unavailable = "curl --version did not finish within " + PROCESS_DEADLINE_SECONDS + " s";
                return;
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            curlVersion = text.lines().findFirst().orElse("?");
            curlHasIpv6 = Pattern.compile("(?m)^Features:.*\\bIPv6\\b").matcher(text).find();
            if (p.exitValue() != 0) {
                unavailable = "curl --version failed: " + text;
            } else if (!Pattern.compile("(?m)^Protocols:.*\\bftp\\b").matcher(text).find()) {
                unavailable = "this curl is built without FTP: " + text;
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }

    @BeforeEach
    void dirs() throws IOException {
        Assumptions.assumeTrue(unavailable == null, () -> unavailable);
        root = Files.createDirectories(tmp.resolve("root"));
        local = Files.createDirectories(tmp.resolve("local"));
    }

    // ------------------------------------------------------------- listings

    @Test
    void listsRootAnonymouslyInLsForm() throws Exception {
        Files.write(root.resolve("alpha.txt"), "hello\n".getBytes(StandardCharsets.US_ASCII));
        Files.write(root.resolve("beta.bin"), randomBytes(12345, 1));
        Files.createDirectory(root.resolve("gamma"));
        try (TestServer server = TestServer.start(root)) {
            Result r = curl("ftp://127.0.0.1:" + server.port() + "/");
            r.assertOk();
            assertTrue(r.trace().contains("USER anonymous"), r.describe());
            assertTrue(r.trace().contains("LIST"), r.describe());
            Map<String, LsEntry> entries = parseLs(r.stdoutText(), r);
            assertEquals(Map.of(
                    "alpha.txt", new LsEntry('-', 6),
                    "beta.bin", new LsEntry('-', 12345),
                    "gamma", new LsEntry('d', 0)),
                    entries, r.describe());
        }
    }

    @Test
    void listsSubdirectory() throws Exception {
        Files.createDirectories(root.resolve("sub/inner"));
        Files.write(root.resolve("sub/one.txt"), new byte[] {1, 2, 3});
        Files.write(root.resolve("top.txt"), new byte[] {4});
        try (TestServer server = TestServer.start(root)) {
            Result r = curl("-u", "u:p", "ftp://127.0.0.1:" + server.port() + "/sub/");
            r.assertOk();
            Map<String, LsEntry> entries = parseLs(r.stdoutText(), r);
            assertEquals(2, entries.size(), r.describe());
            assertEquals(new LsEntry('-', 3), entries.get("one.txt"), r.describe());
            assertEquals('d', entries.get("inner").type(), r.describe());
        }
    }

    @Test
    void listOnlyUsesNlstAndGivesBareNames() throws Exception {
        Files.write(root.resolve("alpha.txt"), "a".getBytes(StandardCharsets.US_ASCII));
        Files.write(root.resolve("name with spaces.dat"), new byte[10]);
        Files.createDirectory(root.resolve("gamma"));
        try (TestServer server = TestServer.start(root)) {
            Result r = curl("--list-only", "ftp://127.0.0.1:" + server.port() + "/");
            r.assertOk();
            assertTrue(r.trace().contains("NLST"), r.describe());
            List<String> names = r.stdoutText().lines().sorted().toList();
            assertEquals(List.of("alpha.txt", "gamma", "name with spaces.dat"), names, r.describe());
        }
    }

    // ------------------------------------------------------------ downloads

    @Test
    void downloadsBinaryAnonymously() throws Exception {
        byte[] content = randomBytes(1024 * 1024 + 7, 42);
        Files.write(root.resolve("random.bin"), content);
        try (TestServer server = TestServer.start(root)) {
            Path out = local.resolve("random.bin");
            Result r = curl("-o", out.toString(), "ftp://127.0.0.1:" + server.port() + "/random.bin");
            r.assertOk();
            assertTrue(r.trace().contains("TYPE I"), r.describe());
            assertSameContent(content, out, r);
        }
    }

    @Test
    void downloadsBinaryAsUser() throws Exception {
        byte[] content = randomBytes(1024 * 1024 + 7, 43);
        Files.write(root.resolve("random.bin"), content);
        try (TestServer server = TestServer.start(root)) {
            Path out = local.resolve("copy.bin");
            Result r = curl("-u", "u:p", "-o", out.toString(), "ftp://127.0.0.1:" + server.port() + "/random.bin");
            r.assertOk();
            assertTrue(r.trace().contains("USER u"), r.describe());
            assertSameContent(content, out, r);
        }
    }

    @Test
    void downloadsEmptyFile() throws Exception {
        Files.write(root.resolve("empty"), new byte[0]);
        try (TestServer server = TestServer.start(root)) {
            Path out = local.resolve("empty");
            Result r = curl("-o", out.toString(), "ftp://127.0.0.1:" + server.port() + "/empty");
            r.assertOk();
            assertTrue(Files.exists(out), r.describe());
            assertEquals(0, Files.size(out), r.describe());
        }
    }

    @Test
    void missingFileIsRemoteFileNotFound() throws Exception {
        try (TestServer server = TestServer.start(root)) {
            Path out = local.resolve("nothing");
            Result r = curl("-o", out.toString(), "ftp://127.0.0.1:" + server.port() + "/nothing");
            assertEquals(78, r.exit(), "CURLE_REMOTE_FILE_NOT_FOUND expected: " + r.describe());
            assertTrue(r.trace().contains("< 550"), r.describe());
            assertFalse(Files.exists(out), r.describe());
        }
    }

    @Test
    void downloadsWithPasvWhenEpsvIsDisabled() throws Exception {
        byte[] content = randomBytes(300_001, 7);
        Files.write(root.resolve("f.bin"), content);
        try (TestServer server = TestServer.start(root)) {
            Path out = local.resolve("f.bin");
            Result r = curl("--disable-epsv", "-u", "u:p", "-o", out.toString(),
                    "ftp://127.0.0.1:" + server.port() + "/f.bin");
            r.assertOk();
            assertTrue(r.trace().contains("> PASV"), r.describe());
            assertTrue(r.trace().contains("< 227 "), r.describe());
            assertFalse(r.trace().contains("> EPSV"), r.describe());
            assertSameContent(content, out, r);
        }
    }

    @Test
    void downloadsWithEpsvByDefault() throws Exception {
        byte[] content = randomBytes(300_002, 8);
        Files.write(root.resolve("f.bin"), content);
        try (TestServer server = TestServer.start(root)) {
            Path out = local.resolve("f.bin");
            Result r = curl("--ftp-pasv", "-u", "u:p", "-o", out.toString(),
                    "ftp://127.0.0.1:" + server.port() + "/f.bin");
            r.assertOk();
            assertTrue(r.trace().contains("> EPSV"), r.describe());
            assertTrue(r.trace().contains("< 229 "), r.describe());
            assertFalse(r.trace().contains("> PASV"), r.describe());
            assertSameContent(content, out, r);
        }
    }

    @Test
    void resumesPartialDownload() throws Exception {
        byte[] content = randomBytes(1024 * 1024 + 7, 9);
        Files.write(root.resolve("big.bin"), content);
        int have = 400_000;
        Path out = local.resolve("big.bin");
        Files.write(out, Arrays.copyOf(content, have));
        try (TestServer server = TestServer.start(root)) {
            Result r = curl("-C", "-", "-u", "u:p", "-o", out.toString(),
                    "ftp://127.0.0.1:" + server.port() + "/big.bin");
            r.assertOk();
            assertTrue(r.trace().contains("> REST " + have), r.describe());
            assertSameContent(content, out, r);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"multicwd", "singlecwd", "nocwd"})
    void downloadsFromNestedPathWithEachFtpMethod(String method) throws Exception {
        Files.createDirectories(root.resolve("a/b"));
        byte[] content = "nested content\n".getBytes(StandardCharsets.US_ASCII);
        Files.write(root.resolve("a/b/c.txt"), content);
        try (TestServer server = TestServer.start(root)) {
            Path out = local.resolve("c.txt");
            Result r = curl("--ftp-method", method, "-u", "u:p", "-o", out.toString(),
                    "ftp://127.0.0.1:" + server.port() + "/a/b/c.txt");
            r.assertOk();
            switch (method) {
                case "multicwd" -> {
                    assertTrue(r.trace().contains("> CWD a\r") || r.trace().contains("> CWD a\n"), r.describe());
                    assertTrue(r.trace().contains("> CWD b"), r.describe());
                    assertTrue(r.trace().contains("> RETR c.txt"), r.describe());
                }
                case "singlecwd" -> {
                    assertTrue(r.trace().contains("> CWD a/b"), r.describe());
                    assertTrue(r.trace().contains("> RETR c.txt"), r.describe());
                }
                case "nocwd" -> {
                    assertFalse(r.trace().contains("> CWD"), r.describe());
                    assertTrue(r.trace().contains("> RETR a/b/c.txt"), r.describe());
                }
                default -> fail(method);
            }
            assertSameContent(content, out, r);
        }
    }

    @Test
    void asciiDownloadOfLfTextComesBackAsTheSameLfText() throws Exception {
        // Lines long enough that CRLFs land on the server's and curl's buffer borders.
        StringBuilder sb = new StringBuilder();
        Random random = new Random(5);
        for (int i = 0; i < 20_000; i++) {
            sb.append("line ").append(i).append(' ').append("x".repeat(random.nextInt(40))).append('\n');
        }
        byte[] text = sb.toString().getBytes(StandardCharsets.US_ASCII);
        Files.write(root.resolve("text.txt"), text);
        try (TestServer server = TestServer.start(root)) {
            Path typeA = local.resolve("typeA.txt");
            Result r = curl("-u", "u:p", "-o", typeA.toString(), "-w", "%{size_download}",
                    "ftp://127.0.0.1:" + server.port() + "/text.txt;type=A");
            r.assertOk();
            assertTrue(r.trace().contains("> TYPE A"), r.describe());
            // size_download counts wire bytes, before curl turns CRLF back into LF:
            // one more per line proves the server really sent CRLF.
            assertEquals(Long.toString(text.length + 20_000), r.stdoutText().trim(), r.describe());
            assertSameContent(text, typeA, r);

            Path ascii = local.resolve("ascii.txt");
            Result r2 = curl("--use-ascii", "-u", "u:p", "-o", ascii.toString(),
                    "ftp://127.0.0.1:" + server.port() + "/text.txt");
            r2.assertOk();
            assertTrue(r2.trace().contains("> TYPE A"), r2.describe());
            assertSameContent(text, ascii, r2);
        }
    }

    // -------------------------------------------------------------- uploads

    @Test
    void uploadsToRoot() throws Exception {
        byte[] content = randomBytes(1024 * 1024 + 7, 10);
        Path in = local.resolve("up.bin");
        Files.write(in, content);
        try (TestServer server = TestServer.start(root)) {
            Result r = curl("-T", in.toString(), "-u", "u:p", "ftp://127.0.0.1:" + server.port() + "/");
            r.assertOk();
            assertTrue(r.trace().contains("> STOR up.bin"), r.describe());
            assertSameContent(content, root.resolve("up.bin"), r);
            assertNoTemporaryFiles(root, r);
        }
    }

    @Test
    void uploadsIntoNewSubdirectoriesWithFtpCreateDirs() throws Exception {
        byte[] content = randomBytes(70_000, 11);
        Path in = local.resolve("deep.bin");
        Files.write(in, content);
        try (TestServer server = TestServer.start(root)) {
            Result r = curl("--ftp-create-dirs", "-T", in.toString(), "-u", "u:p",
                    "ftp://127.0.0.1:" + server.port() + "/new/deeper/");
            r.assertOk();
            assertTrue(r.trace().contains("> MKD new"), r.describe());
            assertTrue(Files.isDirectory(root.resolve("new/deeper")), r.describe());
            assertSameContent(content, root.resolve("new/deeper/deep.bin"), r);
        }
    }

    @Test
    void uploadIntoMissingDirectoryWithoutCreateDirsFails() throws Exception {
        Path in = local.resolve("x.bin");
        Files.write(in, new byte[] {1});
        try (TestServer server = TestServer.start(root)) {
            Result r = curl("-T", in.toString(), "-u", "u:p", "ftp://127.0.0.1:" + server.port() + "/nope/");
            assertNotEquals(0, r.exit(), r.describe());
            assertTrue(r.trace().contains("< 550"), r.describe());
            assertFalse(Files.exists(root.resolve("nope")), r.describe());
        }
    }

    @Test
    void resumesPartialUpload() throws Exception {
        byte[] content = randomBytes(1024 * 1024 + 7, 12);
        Path in = local.resolve("part.bin");
        Files.write(in, content);
        int have = 123_457;
        Files.write(root.resolve("part.bin"), Arrays.copyOf(content, have));
        try (TestServer server = TestServer.start(root)) {
            Result r = curl("-C", "-", "-T", in.toString(), "-u", "u:p", "ftp://127.0.0.1:" + server.port() + "/");
            r.assertOk();
            assertTrue(r.trace().contains("> SIZE part.bin"), r.describe());
            assertTrue(r.trace().contains("> APPE part.bin"), r.describe());
            assertSameContent(content, root.resolve("part.bin"), r);
        }
    }

    @Test
    void asciiUploadWithCrlfIsStoredWithNativeLineEnds() throws Exception {
        StringBuilder sb = new StringBuilder("first\nsecond\n\nlast line\n");
        for (int i = 0; i < 30_000; i++) { // enough for CRLFs to straddle the server's 64 KiB reads
            sb.append("row ").append(i).append(" ").append("y".repeat(i % 37)).append('\n');
        }
        String text = sb.toString();
        Path in = local.resolve("notes.txt");
        Files.writeString(in, text, StandardCharsets.US_ASCII);
        try (TestServer server = TestServer.start(root)) {
            // --crlf turns curl's LF into the wire's CRLF; the server turns it back.
            Result r = curl("--use-ascii", "--crlf", "-T", in.toString(), "-u", "u:p",
                    "ftp://127.0.0.1:" + server.port() + "/");
            r.assertOk();
            assertTrue(r.trace().contains("> TYPE A"), r.describe());
            String expected = text.replace("\n", System.lineSeparator());
            assertSameContent(expected.getBytes(StandardCharsets.US_ASCII), root.resolve("notes.txt"), r);
        }
    }

    @Test
    void uploadsNameWithSpacesAndUtf8() throws Exception {
        String name = "my upload \u00fc\u00e9 \u6587\u4ef6.bin";
        byte[] content = randomBytes(33_333, 34);
        Path in = local.resolve(name);
        Files.write(in, content);
        try (TestServer server = TestServer.start(root)) {
            Result r = curl("-T", in.toString(), "-u", "u:p", "ftp://127.0.0.1:" + server.port() + "/");
            r.assertOk();
            assertSameContent(content, root.resolve(name), r);
            try (Stream<Path> s = Files.list(root)) {
                assertEquals(List.of(name), s.map(p -> p.getFileName().toString()).toList(), r.describe());
            }
        }
    }

    @Test
    void uploadOntoDirectoryFailsAndLeavesItAlone() throws Exception {
        Files.createDirectories(root.resolve("taken"));
        Files.write(root.resolve("taken/inside.txt"), new byte[] {7});
        Path in = local.resolve("x.bin");
        Files.write(in, new byte[] {1, 2, 3});
        try (TestServer server = TestServer.start(root)) {
            Result r = curl("-T", in.toString(), "-u", "u:p", "ftp://127.0.0.1:" + server.port() + "/taken");
            assertEquals(25, r.exit(), "CURLE_UPLOAD_FAILED expected: " + r.describe());
            assertTrue(r.trace().contains("< 550"), r.describe());
            assertTrue(Files.isDirectory(root.resolve("taken")), r.describe());
            assertSameContent(new byte[] {7}, root.resolve("taken/inside.txt"), r);
            assertNoTemporaryFiles(root, r);
        }
    }

    @Test
    void readOnlyUserCannotUpload() throws Exception {
        Path in = local.resolve("denied.bin");
        Files.write(in, randomBytes(5000, 13));
        try (TestServer server = TestServer.start(root)) {
            Result r = curl("-T", in.toString(), "-u", "ro:p", "ftp://127.0.0.1:" + server.port() + "/");
            assertNotEquals(0, r.exit(), r.describe());
            assertTrue(r.trace().contains("< 550"), r.describe());
            assertFalse(Files.exists(root.resolve("denied.bin")), r.describe());
            try (Stream<Path> s = Files.list(root)) {
                assertEquals(List.of(), s.toList(), "nothing at all may be left behind: " + r.describe());
            }
        }
    }

    @Test
    void anonymousCannotUpload() throws Exception {
        Path in = local.resolve("anon.bin");
        Files.write(in, new byte[] {1, 2});
        try (TestServer server = TestServer.start(root)) {
            Result r = curl("-T", in.toString(), "ftp://127.0.0.1:" + server.port() + "/");
            assertNotEquals(0, r.exit(), r.describe());
            assertTrue(r.trace().contains("< 550"), r.describe());
            try (Stream<Path> s = Files.list(root)) {
                assertEquals(List.of(), s.toList(), r.describe());
            }
        }
    }

    @Test
    void downloadsAndListsNamesWithSpacesAndUtf8() throws Exception {
        String spaced = "name with spaces.dat";
        String utf8 = "h\u00e9llo-\u00fcn\u00efc\u00f8de-\u65e5\u672c.txt";
        byte[] a = randomBytes(5000, 20);
        byte[] b = "unicode\n".getBytes(StandardCharsets.UTF_8);
        Files.write(root.resolve(spaced), a);
        Files.write(root.resolve(utf8), b);
        try (TestServer server = TestServer.start(root)) {
            String base = "ftp://127.0.0.1:" + server.port() + "/";
            Path outA = local.resolve("a");
            Result r = curl("-o", outA.toString(), base + "name%20with%20spaces.dat");
            r.assertOk();
            assertTrue(r.trace().contains("> RETR " + spaced), r.describe());
            assertSameContent(a, outA, r);

            Path outB = local.resolve("b");
            Result r2 = curl("-o", outB.toString(),
                    base + java.net.URLEncoder.encode(utf8, StandardCharsets.UTF_8).replace("+", "%20"));
            r2.assertOk();
            assertSameContent(b, outB, r2);

            Result list = curl("--list-only", base);
            list.assertOk();
            assertEquals(List.of(utf8, spaced).stream().sorted().toList(),
                    list.stdoutText().lines().sorted().toList(), list.describe());
            Result ls = curl(base);
            ls.assertOk();
            assertEquals(Map.of(spaced, new LsEntry('-', 5000), utf8, new LsEntry('-', b.length)),
                    parseLs(ls.stdoutText(), ls), ls.describe());
        }
    }

    @Test
    void headAndRemoteTimeUseSizeAndMdtmInUtc() throws Exception {
        byte[] content = randomBytes(777, 21);
        Path file = root.resolve("dated.bin");
        Files.write(file, content);
        java.time.Instant when = java.time.Instant.parse("2021-03-04T05:06:07Z");
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.from(when));
        try (TestServer server = TestServer.start(root)) {
            String url = "ftp://127.0.0.1:" + server.port() + "/dated.bin";
            Result head = curl("-I", url);
            head.assertOk();
            assertTrue(head.trace().contains("> MDTM dated.bin"), head.describe());
            assertTrue(head.stdoutText().contains("Content-Length: 777"), head.describe());
            assertTrue(head.stdoutText().contains("Last-Modified: Thu, 04 Mar 2021 05:06:07 GMT"), head.describe());

            Path out = local.resolve("dated.bin");
            Result get = curl("-R", "-o", out.toString(), url);
            get.assertOk();
            assertSameContent(content, out, get);
            assertEquals(when, Files.getLastModifiedTime(out).toInstant(), get.describe());
        }
    }

    @Test
    void downloadsByteRanges() throws Exception {
        byte[] content = randomBytes(1024 * 1024 + 7, 22);
        Files.write(root.resolve("r.bin"), content);
        try (TestServer server = TestServer.start(root)) {
            String url = "ftp://127.0.0.1:" + server.port() + "/r.bin";
            // A closed range: curl sends REST, takes what it wants, closes the data connection and ABORs.
            Path mid = local.resolve("mid");
            Result r = curl("-r", "100-199", "-u", "u:p", "-o", mid.toString(), url);
            r.assertOk();
            assertTrue(r.trace().contains("> REST 100"), r.describe());
            assertSameContent(Arrays.copyOfRange(content, 100, 200), mid, r);

            // An open range: REST, then the rest of the file to its end.
            Path tail = local.resolve("tail");
            Result r2 = curl("-r", "1000000-", "-u", "u:p", "-o", tail.toString(), url);
            r2.assertOk();
            assertSameContent(Arrays.copyOfRange(content, 1_000_000, content.length), tail, r2);

            // The server survived the aborted transfer: a whole download still works.
            Path whole = local.resolve("whole");
            Result r3 = curl("-u", "u:p", "-o", whole.toString(), url);
            r3.assertOk();
            assertSameContent(content, whole, r3);
        }
    }

    @Test
    void reusesOneConnectionForSeveralTransfers() throws Exception {
        Files.createDirectories(root.resolve("d1/d2"));
        byte[] one = randomBytes(100_000, 23);
        byte[] two = randomBytes(200_000, 24);
        Files.write(root.resolve("d1/one.bin"), one);
        Files.write(root.resolve("d1/d2/two.bin"), two);
        try (TestServer server = TestServer.start(root)) {
            String base = "ftp://127.0.0.1:" + server.port() + "/";
            Path o1 = local.resolve("one.bin");
            Path o2 = local.resolve("two.bin");
            Path o3 = local.resolve("again.bin");
            Path o4 = local.resolve("listing");
            Result r = curl("-u", "u:p",
                    "-o", o1.toString(), base + "d1/one.bin",
                    "-o", o2.toString(), base + "d1/d2/two.bin",
                    "-o", o3.toString(), base + "d1/one.bin",
                    "-o", o4.toString(), base + "d1/");
            r.assertOk();
            assertTrue(r.trace().contains("Re-using existing connection"), r.describe());
            assertEquals(1, count(r.trace(), "> USER u"), "one login for all: " + r.describe());
            assertSameContent(one, o1, r);
            assertSameContent(two, o2, r);
            assertSameContent(one, o3, r);
            assertEquals(Map.of("one.bin", new LsEntry('-', 100_000), "d2", new LsEntry('d', 0)),
                    parseLs(Files.readString(o4, StandardCharsets.UTF_8), r), r.describe());
        }
    }

    @Test
    void globbedDownloadsReuseOneSession() throws Exception {
        // Few: curl 7.88 sometimes sits out its 1 s poll timeout between a 229 it has already
        // read and connecting to it (no server traffic in that second), so 30 files took 26 s.
        int n = 8;
        for (int i = 1; i <= n; i++) {
            Files.write(root.resolve("f" + i + ".txt"), ("file number " + i + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        try (TestServer server = TestServer.start(root)) {
            // curl expands [1-8] itself and names each output after it (#1).
            Result r = curl("-u", "u:p", "-o", "got_#1.txt", "ftp://127.0.0.1:" + server.port() + "/f[1-" + n + "].txt");
            r.assertOk();
            assertEquals(1, count(r.trace(), "> USER u"), r.describe());
            assertEquals(n, count(r.trace(), "> RETR f"), r.describe());
            for (int i = 1; i <= n; i++) {
                assertSameContent(("file number " + i + "\n").getBytes(StandardCharsets.US_ASCII),
                        local.resolve("got_" + i + ".txt"), r);
            }
        }
    }

    @Test
    void oneSessionSwitchesBetweenPassiveAndActive() throws Exception {
        byte[] content = randomBytes(500_000, 32);
        Files.write(root.resolve("m.bin"), content);
        try (TestServer server = TestServer.start(root)) {
            String url = "ftp://127.0.0.1:" + server.port() + "/m.bin";
            // --next starts a new set of options for the next URL; the connection is reused.
            // (curl 7.88 keeps a reused connection's --disable-epsv/--disable-eprt as they were
            // when it was opened, so PASV and PORT are covered by their own tests above.)
            Result r = curl(
                    "-u", "u:p", "-o", local.resolve("1").toString(), url, "--next",
                    "-u", "u:p", "-P", "-", "-o", local.resolve("2").toString(), url, "--next",
                    "-u", "u:p", "-o", local.resolve("3").toString(), url, "--next",
                    "-u", "u:p", "-P", "-", "-o", local.resolve("4").toString(), url, "--next",
                    "-u", "u:p", "-o", local.resolve("5").toString(), url);
            r.assertOk();
            assertEquals(1, count(r.trace(), "> USER u"), "one session for all five: " + r.describe());
            assertEquals(3, count(r.trace(), "> EPSV"), r.describe());
            assertEquals(2, count(r.trace(), "> EPRT"), r.describe());
            for (String name : List.of("1", "2", "3", "4", "5")) {
                assertSameContent(content, local.resolve(name), r);
            }
        }
    }

    @Test
    void anonymousWithEmptyPasswordAndReadOnlyUserCanDownload() throws Exception {
        byte[] content = randomBytes(10_000, 33);
        Files.write(root.resolve("pub.bin"), content);
        try (TestServer server = TestServer.start(root)) {
            String url = "ftp://127.0.0.1:" + server.port() + "/pub.bin";
            Path a = local.resolve("a");
            Result anon = curl("-u", "anonymous:", "-o", a.toString(), url);
            anon.assertOk();
            assertSameContent(content, a, anon);
            Path ftp = local.resolve("ftp");
            Result ftpUser = curl("-u", "ftp:me@example.org", "-o", ftp.toString(), url);
            ftpUser.assertOk();
            assertSameContent(content, ftp, ftpUser);
            Path ro = local.resolve("ro");
            Result readOnly = curl("-u", "ro:p", "-o", ro.toString(), url);
            readOnly.assertOk();
            assertSameContent(content, ro, readOnly);
        }
    }

    @Test
    void missingDirectoryIsAccessDenied() throws Exception {
        try (TestServer server = TestServer.start(root)) {
            Result r = curl("-u", "u:p", "ftp://127.0.0.1:" + server.port() + "/no/such/dir/");
            assertEquals(9, r.exit(), "CURLE_REMOTE_ACCESS_DENIED expected: " + r.describe());
            assertTrue(r.trace().contains("> CWD no"), r.describe());
            assertTrue(r.trace().contains("< 550"), r.describe());
        }
    }

    @Test
    void postQuoteDeletesAfterDownload() throws Exception {
        byte[] content = randomBytes(50_000, 25);
        Files.write(root.resolve("move-me.bin"), content);
        try (TestServer server = TestServer.start(root)) {
            Path out = local.resolve("moved.bin");
            Result r = curl("-Q", "-DELE move-me.bin", "-u", "u:p", "-o", out.toString(),
                    "ftp://127.0.0.1:" + server.port() + "/move-me.bin");
            r.assertOk();
            assertSameContent(content, out, r);
            assertFalse(Files.exists(root.resolve("move-me.bin")), r.describe());
        }
    }

    @Test
    void customListCommandMlsd() throws Exception {
        Files.write(root.resolve("m.bin"), new byte[321]);
        Files.createDirectory(root.resolve("mdir"));
        try (TestServer server = TestServer.start(root)) {
            Result r = curl("-X", "MLSD", "-u", "u:p", "ftp://127.0.0.1:" + server.port() + "/");
            r.assertOk();
            assertTrue(r.trace().contains("> MLSD"), r.describe());
            Map<String, String> facts = new HashMap<>();
            for (String line : r.stdoutText().split("\r?\n")) {
                int space = line.indexOf(' ');
                assertTrue(space > 0, "not an MLSD line: " + line + "\n" + r.describe());
                facts.put(line.substring(space + 1), line.substring(0, space).toLowerCase(java.util.Locale.ROOT));
            }
            assertEquals(java.util.Set.of("m.bin", "mdir"), facts.keySet(), r.describe());
            assertTrue(facts.get("m.bin").contains("type=file;") && facts.get("m.bin").contains("size=321;"),
                    r.describe());
            assertTrue(facts.get("mdir").contains("type=dir;"), r.describe());
        }
    }

    @Test
    void listsLargeDirectoryCompletely() throws Exception {
        Files.createDirectory(root.resolve("many"));
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            String name = "file-" + i + "-" + "n".repeat(i % 50) + ".dat";
            Files.write(root.resolve("many").resolve(name), new byte[i % 7]);
            expected.add(name);
        }
        expected.sort(null);
        try (TestServer server = TestServer.start(root)) {
            String url = "ftp://127.0.0.1:" + server.port() + "/many/";
            Result nlst = curl("--list-only", url);
            nlst.assertOk();
            assertEquals(expected, nlst.stdoutText().lines().sorted().toList(), "NLST of 3000 entries");
            Result list = curl(url);
            list.assertOk();
            Map<String, LsEntry> entries = parseLs(list.stdoutText(), list);
            assertEquals(3000, entries.size(), "LIST of 3000 entries");
            assertEquals(new java.util.TreeSet<>(expected), new java.util.TreeSet<>(entries.keySet()), "LIST names");
            for (int i = 0; i < 3000; i += 499) {
                assertEquals(new LsEntry('-', i % 7), entries.get("file-" + i + "-" + "n".repeat(i % 50) + ".dat"));
            }
        }
    }

    @Test
    void listsNestedDirectoryWithNocwd() throws Exception {
        Files.createDirectories(root.resolve("p/q"));
        Files.write(root.resolve("p/q/inside.txt"), new byte[] {1, 2});
        try (TestServer server = TestServer.start(root)) {
            Result r = curl("--ftp-method", "nocwd", "-u", "u:p", "ftp://127.0.0.1:" + server.port() + "/p/q/");
            r.assertOk();
            assertFalse(r.trace().contains("> CWD"), r.describe());
            assertEquals(Map.of("inside.txt", new LsEntry('-', 2)), parseLs(r.stdoutText(), r), r.describe());
        }
    }

    /**
     * Regression: with {@code nocwd} curl sends {@code LIST -dash} for a
     * directory named "-dash", and the server took the whole argument for
     * {@code ls} options and silently listed the current directory instead.
     */
    @Test
    void listsDirectoryWhoseNameStartsWithDashWithNocwd() throws Exception {
        Files.createDirectories(root.resolve("-dash"));
        Files.write(root.resolve("-dash/inner.bin"), new byte[] {1, 2, 3, 4, 5});
        Files.write(root.resolve("outer.bin"), new byte[] {1});
        try (TestServer server = TestServer.start(root)) {
            String url = "ftp://127.0.0.1:" + server.port() + "/-dash/";
            Result list = curl("--ftp-method", "nocwd", "-u", "u:p", url);
            list.assertOk();
            assertTrue(list.trace().contains("> LIST -dash"), list.describe());
            assertEquals(Map.of("inner.bin", new LsEntry('-', 5)), parseLs(list.stdoutText(), list), list.describe());

            Result nlst = curl("--ftp-method", "nocwd", "--list-only", "-u", "u:p", url);
            nlst.assertOk();
            assertTrue(nlst.trace().contains("> NLST -dash"), nlst.describe());
            assertEquals(List.of("inner.bin"),
                    nlst.stdoutText().lines().map(n -> n.substring(n.lastIndexOf('/') + 1)).toList(), nlst.describe());

            // ls options still work, alone and before a path.
            Result opts = curl("-X", "LIST -la", "-u", "u:p", "ftp://127.0.0.1:" + server.port() + "/");
            opts.assertOk();
            assertEquals(Map.of("-dash", new LsEntry('d', 0), "outer.bin", new LsEntry('-', 1)),
                    parseLs(opts.stdoutText(), opts), opts.describe());
            Result optsAndPath = curl("-X", "LIST -l -dash", "-u", "u:p", "ftp://127.0.0.1:" + server.port() + "/");
            optsAndPath.assertOk();
            assertEquals(Map.of("inner.bin", new LsEntry('-', 5)), parseLs(optsAndPath.stdoutText(), optsAndPath),
                    optsAndPath.describe());
        }
    }

    @Test
    void uploadReplacesExistingFileUnderGivenName() throws Exception {
        Files.createDirectory(root.resolve("dst"));
        Files.write(root.resolve("dst/target.bin"), randomBytes(2_000_000, 26));
        byte[] content = randomBytes(1024 * 1024 + 7, 27);
        Path in = local.resolve("source.bin");
        Files.write(in, content);
        try (TestServer server = TestServer.start(root)) {
            Result r = curl("-T", in.toString(), "-u", "u:p", "ftp://127.0.0.1:" + server.port() + "/dst/target.bin");
            r.assertOk();
            assertSameContent(content, root.resolve("dst/target.bin"), r);
            assertFalse(Files.exists(root.resolve("dst/source.bin")), r.describe());
            assertNoTemporaryFiles(root.resolve("dst"), r);
        }
    }

    @Test
    void appendsWithFtpAppend() throws Exception {
        byte[] head = randomBytes(10_000, 28);
        byte[] more = randomBytes(20_000, 29);
        Files.write(root.resolve("log.bin"), head);
        Path in = local.resolve("more.bin");
        Files.write(in, more);
        try (TestServer server = TestServer.start(root)) {
            Result r = curl("--append", "-T", in.toString(), "-u", "u:p",
                    "ftp://127.0.0.1:" + server.port() + "/log.bin");
            r.assertOk();
            assertTrue(r.trace().contains("> APPE log.bin"), r.describe());
            byte[] both = Arrays.copyOf(head, head.length + more.length);
            System.arraycopy(more, 0, both, head.length, more.length);
            assertSameContent(both, root.resolve("log.bin"), r);
        }
    }

    @Test
    void asciiDownloadOfCrlfTextIsNotDoubled() throws Exception {
        // A file that already has CRLF must go out as CRLF, never CR CR LF.
        byte[] crlf = "dos line 1\r\ndos line 2\r\n\r\nend\r\n".getBytes(StandardCharsets.US_ASCII);
        Files.write(root.resolve("dos.txt"), crlf);
        try (TestServer server = TestServer.start(root)) {
            Path out = local.resolve("dos.txt");
            Result r = curl("-u", "u:p", "-o", out.toString(), "-w", "%{size_download}",
                    "ftp://127.0.0.1:" + server.port() + "/dos.txt;type=A");
            r.assertOk();
            assertEquals(Integer.toString(crlf.length), r.stdoutText().trim(), "wire bytes: " + r.describe());
            assertSameContent("dos line 1\ndos line 2\n\nend\n".getBytes(StandardCharsets.US_ASCII), out, r);
        }
    }

    @Test
    void asciiUploadWithBareLfIsStoredUnchangedOnUnix() throws Exception {
        Assumptions.assumeTrue(System.lineSeparator().equals("\n"), "the stored file has native line ends");
        byte[] text = "bare\nlf\nlines\n".getBytes(StandardCharsets.US_ASCII);
        Path in = local.resolve("bare.txt");
        Files.write(in, text);
        try (TestServer server = TestServer.start(root)) {
            Result r = curl("--use-ascii", "-T", in.toString(), "-u", "u:p", "ftp://127.0.0.1:" + server.port() + "/");
            r.assertOk();
            assertSameContent(text, root.resolve("bare.txt"), r);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"passive", "active"})
    void uploadsEmptyFile(String mode) throws Exception {
        Path in = local.resolve("zero.bin");
        Files.write(in, new byte[0]);
        Files.write(root.resolve("zero.bin"), new byte[] {9, 9, 9}); // replaced by the empty one
        try (TestServer server = TestServer.start(root)) {
            List<String> args = new ArrayList<>(List.of("-T", in.toString(), "-u", "u:p"));
            if (mode.equals("active")) {
                args.addAll(List.of("-P", "-"));
            }
            args.add("ftp://127.0.0.1:" + server.port() + "/");
            Result r = curl(args.toArray(String[]::new));
            r.assertOk();
            assertTrue(r.trace().contains("< 226"), r.describe());
            assertSameContent(new byte[0], root.resolve("zero.bin"), r);
            assertNoTemporaryFiles(root, r);
        }
    }

    @Test
    void resumedUploadOfFileNotYetOnServerStartsFromZero() throws Exception {
        byte[] content = randomBytes(100_003, 30);
        Path in = local.resolve("fresh.bin");
        Files.write(in, content);
        try (TestServer server = TestServer.start(root)) {
            Result r = curl("-C", "-", "-T", in.toString(), "-u", "u:p", "ftp://127.0.0.1:" + server.port() + "/");
            r.assertOk();
            assertTrue(r.trace().contains("> SIZE fresh.bin"), r.describe());
            assertSameContent(content, root.resolve("fresh.bin"), r);
        }
    }

    @Test
    void bigFileBothWaysPassiveAndActive() throws Exception {
        byte[] content = randomBytes(16 * 1024 * 1024 + 3, 31);
        Files.write(root.resolve("big.bin"), content);
        Path in = local.resolve("bigup.bin");
        Files.write(in, content);
        try (TestServer server = TestServer.start(root)) {
            String base = "ftp://127.0.0.1:" + server.port() + "/";
            Path passive = local.resolve("passive.bin");
            Result r1 = curl("-u", "u:p", "-o", passive.toString(), base + "big.bin");
            r1.assertOk();
            assertSameContent(content, passive, r1);
            Path active = local.resolve("active.bin");
            Result r2 = curl("-P", "-", "-u", "u:p", "-o", active.toString(), base + "big.bin");
            r2.assertOk();
            assertSameContent(content, active, r2);
            Result r3 = curl("-T", in.toString(), "-u", "u:p", base);
            r3.assertOk();
            assertSameContent(content, root.resolve("bigup.bin"), r3);
            Files.delete(root.resolve("bigup.bin"));
            Result r4 = curl("-P", "-", "-T", in.toString(), "-u", "u:p", base);
            r4.assertOk();
            assertSameContent(content, root.resolve("bigup.bin"), r4);
        }
    }

    @Test
    void parallelDownloadsAndUploadsOnSeveralSessions() throws Exception {
        int n = 8;
        byte[][] contents = new byte[n][];
        List<String> downloads = new ArrayList<>(List.of("-Z", "--parallel-max", Integer.toString(n), "-u", "u:p"));
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            contents[i] = randomBytes(1024 * 1024 + i, 100 + i);
            Files.write(root.resolve("p" + i + ".bin"), contents[i]);
            Files.write(local.resolve("u" + i + ".bin"), contents[i]);
            names.add("u" + i + ".bin");
        }
        try (TestServer server = TestServer.start(root)) {
            String base = "ftp://127.0.0.1:" + server.port() + "/";
            for (int i = 0; i < n; i++) {
                downloads.addAll(List.of("-o", local.resolve("got" + i + ".bin").toString(), base + "p" + i + ".bin"));
            }
            Result down = curl(downloads.toArray(String[]::new));
            down.assertOk();
            for (int i = 0; i < n; i++) {
                assertSameContent(contents[i], local.resolve("got" + i + ".bin"), down);
            }
            Files.createDirectory(root.resolve("in"));
            // curl globs the {a,b,...} list itself; the names are relative to its working directory.
            Result up = curl("-Z", "--parallel-max", Integer.toString(n), "-u", "u:p",
                    "-T", "{" + String.join(",", names) + "}", base + "in/");
            up.assertOk();
            for (int i = 0; i < n; i++) {
                assertSameContent(contents[i], root.resolve("in/u" + i + ".bin"), up);
            }
            assertNoTemporaryFiles(root.resolve("in"), up);
        }
    }

    @Test
    void quoteCommandsWithMultiLineReplies() throws Exception {
        Files.write(root.resolve("f.txt"), new byte[] {1, 2, 3, 4});
        try (TestServer server = TestServer.start(root)) {
            Result r = curl("-Q", "FEAT", "-Q", "HELP", "-Q", "STAT", "-Q", "STAT /", "-Q", "MLST f.txt",
                    "-Q", "SITE HELP", "-Q", "NOOP", "-u", "u:p", "ftp://127.0.0.1:" + server.port() + "/");
            r.assertOk();
            for (String cmd : List.of("FEAT", "HELP", "STAT", "STAT /", "MLST f.txt", "SITE HELP", "NOOP")) {
                assertTrue(r.trace().contains("> " + cmd + "\r\n") || r.trace().contains("> " + cmd + "\n"),
                        cmd + " not sent: " + r.describe());
            }
            assertTrue(r.trace().contains("< 211-"), r.describe());
            assertTrue(r.trace().contains("< 214-"), r.describe());
            assertTrue(r.trace().contains("< 213-"), r.describe());
            assertTrue(r.trace().contains("<  type=file;size=4;"), "MLST fact line: " + r.describe());
            assertEquals(Map.of("f.txt", new LsEntry('-', 4)), parseLs(r.stdoutText(), r), r.describe());
        }
    }

    @Test
    void quoteSiteChmodChangesPermissionsOnDisk() throws Exception {
        Path file = root.resolve("mode.txt");
        Files.write(file, new byte[] {1});
        Assumptions.assumeTrue(file.getFileSystem().supportedFileAttributeViews().contains("posix"),
                "no POSIX permissions here");
        Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        try (TestServer server = TestServer.start(root)) {
            Result r = curl("-Q", "SITE CHMOD 640 mode.txt", "-u", "u:p", "ftp://127.0.0.1:" + server.port() + "/");
            r.assertOk();
            assertEquals("rw-r-----", java.nio.file.attribute.PosixFilePermissions.toString(
                    Files.getPosixFilePermissions(file)), r.describe());
            assertTrue(r.stdoutText().startsWith("-rw-r-----"), "LIST shows the new mode: " + r.describe());
        }
    }

    // ------------------------------------------------ clients that give up

    @Test
    void clientTimingOutMidDownloadLeavesNoSession() throws Exception {
        // Bigger than loopback socket buffers can hold: curl 7.88's rate limit lets a
        // burst through when the whole file is already buffered, and then it succeeds.
        byte[] content = randomBytes(32 * 1024 * 1024, 40);
        Files.write(root.resolve("slow.bin"), content);
        try (TestServer server = TestServer.start(root)) {
            Path out = local.resolve("slow.bin");
            // 64 KiB/s for 1 s: curl gives up (28) long before 32 MiB, mid-transfer.
            Result r = curl("--limit-rate", "64K", "--max-time", "1", "-u", "u:p", "-o", out.toString(),
                    "ftp://127.0.0.1:" + server.port() + "/slow.bin");
            assertEquals(28, r.exit(), "CURLE_OPERATION_TIMEDOUT expected: " + r.describe());
            Await.until(Duration.ofSeconds(10), "the server closing the abandoned session",
                    () -> server.server().sessionCount() == 0);
            // and it still serves
            Result again = curl("-u", "u:p", "-o", out.toString(), "ftp://127.0.0.1:" + server.port() + "/slow.bin");
            again.assertOk();
            assertSameContent(content, out, again);
        }
    }

    @Test
    void clientTimingOutMidUploadLeavesNoTemporaryFile() throws Exception {
        byte[] content = randomBytes(32 * 1024 * 1024, 41); // more than socket buffers hold, as above
        Path in = local.resolve("half.bin");
        Files.write(in, content);
        try (TestServer server = TestServer.start(root)) {
            Result r = curl("--limit-rate", "64K", "--max-time", "1", "-T", in.toString(), "-u", "u:p",
                    "ftp://127.0.0.1:" + server.port() + "/");
            assertEquals(28, r.exit(), "CURLE_OPERATION_TIMEDOUT expected: " + r.describe());
            Await.until(Duration.ofSeconds(10), "the server closing the abandoned session",
                    () -> server.server().sessionCount() == 0);
            assertNoTemporaryFiles(root, r);
            // In stream mode the end of the data connection is the end of the file, so a
            // server may keep what came (as vsftpd does); what it keeps must be a prefix.
            Path kept = root.resolve("half.bin");
            if (Files.exists(kept)) {
                byte[] got = Files.readAllBytes(kept);
                assertTrue(got.length < content.length, r.describe());
                assertArrayEquals(Arrays.copyOf(content, got.length), got, r.describe());
            }
        }
    }

    // ---------------------------------------------------------- active mode

    @Test
    void activeDownloadUsesEprt() throws Exception {
        byte[] content = randomBytes(1024 * 1024 + 7, 14);
        Files.write(root.resolve("act.bin"), content);
        try (TestServer server = TestServer.start(root)) {
            Path out = local.resolve("act.bin");
            Result r = curl("-P", "-", "-u", "u:p", "-o", out.toString(), "ftp://127.0.0.1:" + server.port() + "/act.bin");
            r.assertOk();
            assertTrue(r.trace().contains("> EPRT |1|127.0.0.1|"), r.describe());
            assertTrue(r.trace().contains("< 200 "), r.describe());
            assertFalse(r.trace().contains("> PORT "), r.describe());
            assertSameContent(content, out, r);
        }
    }

    @Test
    void activeDownloadUsesPortWhenEprtIsDisabled() throws Exception {
        byte[] content = randomBytes(1024 * 1024 + 7, 15);
        Files.write(root.resolve("act.bin"), content);
        try (TestServer server = TestServer.start(root)) {
            Path out = local.resolve("act.bin");
            Result r = curl("-P", "127.0.0.1", "--disable-eprt", "-u", "u:p", "-o", out.toString(),
                    "ftp://127.0.0.1:" + server.port() + "/act.bin");
            r.assertOk();
            assertTrue(r.trace().contains("> PORT 127,0,0,1,"), r.describe());
            assertFalse(r.trace().contains("> EPRT"), r.describe());
            assertSameContent(content, out, r);
        }
    }

    @Test
    void activeModeWithExplicitAddress() throws Exception {
        byte[] content = randomBytes(4096, 16);
        Files.write(root.resolve("act.bin"), content);
        try (TestServer server = TestServer.start(root)) {
            Path out = local.resolve("act.bin");
            Result r = curl("-P", "127.0.0.1", "-u", "u:p", "-o", out.toString(),
                    "ftp://127.0.0.1:" + server.port() + "/act.bin");
            r.assertOk();
            assertTrue(r.trace().contains("> EPRT |1|127.0.0.1|"), r.describe());
            assertSameContent(content, out, r);
        }
    }

    @Test
    void activeUpload() throws Exception {
        byte[] content = randomBytes(1024 * 1024 + 7, 17);
        Path in = local.resolve("actup.bin");
        Files.write(in, content);
        try (TestServer server = TestServer.start(root)) {
            Result r = curl("-P", "-", "-T", in.toString(), "-u", "u:p", "ftp://127.0.0.1:" + server.port() + "/");
            r.assertOk();
            assertTrue(r.trace().contains("> EPRT "), r.describe());
            assertSameContent(content, root.resolve("actup.bin"), r);
        }
    }

    @Test
    void activeListing() throws Exception {
        Files.write(root.resolve("one"), new byte[] {1});
        Files.write(root.resolve("two"), new byte[] {1, 2});
        try (TestServer server = TestServer.start(root)) {
            Result r = curl("-P", "-", "ftp://127.0.0.1:" + server.port() + "/");
            r.assertOk();
            assertEquals(Map.of("one", new LsEntry('-', 1), "two", new LsEntry('-', 2)),
                    parseLs(r.stdoutText(), r), r.describe());
        }
    }

    // ------------------------------------------------------- quote commands

    @Test
    void quoteDeleBeforeTransferDeletesTheFile() throws Exception {
        Files.write(root.resolve("victim.txt"), new byte[] {1, 2, 3});
        byte[] keep = randomBytes(1000, 18);
        Files.write(root.resolve("keep.bin"), keep);
        try (TestServer server = TestServer.start(root)) {
            Path out = local.resolve("keep.bin");
            Result r = curl("-Q", "DELE victim.txt", "-u", "u:p", "-o", out.toString(),
                    "ftp://127.0.0.1:" + server.port() + "/keep.bin");
            r.assertOk();
            assertTrue(r.trace().contains("> DELE victim.txt"), r.describe());
            assertTrue(r.trace().contains("< 250"), r.describe());
            assertFalse(Files.exists(root.resolve("victim.txt")), r.describe());
            assertSameContent(keep, out, r);
        }
    }

    @Test
    void quoteRenameAndMkdirThenList() throws Exception {
        Files.write(root.resolve("old.txt"), new byte[] {1, 2, 3});
        try (TestServer server = TestServer.start(root)) {
            Result r = curl("-Q", "RNFR old.txt", "-Q", "RNTO new.txt", "-Q", "MKD made",
                    "-u", "u:p", "ftp://127.0.0.1:" + server.port() + "/");
            r.assertOk();
            assertFalse(Files.exists(root.resolve("old.txt")), r.describe());
            assertTrue(Files.isDirectory(root.resolve("made")), r.describe());
            Map<String, LsEntry> entries = parseLs(r.stdoutText(), r);
            assertEquals(new LsEntry('-', 3), entries.get("new.txt"), r.describe());
            assertEquals('d', entries.get("made").type(), r.describe());
            assertEquals(2, entries.size(), r.describe());
        }
    }

    @Test
    void quoteDeleAsReadOnlyUserFailsAndKeepsTheFile() throws Exception {
        Files.write(root.resolve("keep.txt"), new byte[] {1});
        try (TestServer server = TestServer.start(root)) {
            Result r = curl("-Q", "DELE keep.txt", "-u", "ro:p", "ftp://127.0.0.1:" + server.port() + "/");
            assertEquals(21, r.exit(), "CURLE_QUOTE_ERROR expected: " + r.describe());
            assertTrue(r.trace().contains("< 550"), r.describe());
            assertTrue(Files.exists(root.resolve("keep.txt")), r.describe());
        }
    }

    // ---------------------------------------------------------------- login

    @Test
    void wrongPasswordIsLoginDenied() throws Exception {
        try (TestServer server = TestServer.start(root)) {
            Result r = curl("-u", "u:wrong", "ftp://127.0.0.1:" + server.port() + "/");
            assertEquals(67, r.exit(), "CURLE_LOGIN_DENIED expected: " + r.describe());
            assertTrue(r.trace().contains("< 530"), r.describe());
        }
    }

    // ----------------------------------------------------------------- IPv6

    @Test
    void listsOverIpv6Loopback() throws Exception {
        Assumptions.assumeTrue(curlHasIpv6, "this curl is built without IPv6");
        Assumptions.assumeTrue(ipv6LoopbackUsable(), "cannot bind [::1]: no IPv6 loopback here");
        Files.write(root.resolve("six.txt"), "v6\n".getBytes(StandardCharsets.US_ASCII));
        byte[] content = randomBytes(200_000, 19);
        Files.write(root.resolve("six.bin"), content);
        try (TestServer server = TestServer.start(root, b -> b.listen(new InetSocketAddress("::1", 0)))) {
            // The customizer adds a second listener beside TestServer's 127.0.0.1 one.
            InetSocketAddress v6 = server.server().addresses().stream()
                    .filter(a -> a.getAddress() instanceof Inet6Address)
                    .findFirst()
                    .orElseThrow(() -> new AssertionError("no IPv6 listener in " + server.server().addresses()));
            String base = "ftp://[::1]:" + v6.getPort() + "/";

            Result list = curl("-g", base);
            list.assertOk();
            assertTrue(list.trace().contains("> EPSV"), list.describe());
            assertEquals(Map.of("six.txt", new LsEntry('-', 3), "six.bin", new LsEntry('-', 200_000)),
                    parseLs(list.stdoutText(), list), list.describe());

            Path out = local.resolve("six.bin");
            Result get = curl("-g", "-u", "u:p", "-o", out.toString(), base + "six.bin");
            get.assertOk();
            assertSameContent(content, out, get);

            Path active = local.resolve("six-active.bin");
            Result act = curl("-g", "-P", "-", "-u", "u:p", "-o", active.toString(), base + "six.bin");
            act.assertOk();
            assertTrue(act.trace().contains("> EPRT |2|::1|"), act.describe());
            assertSameContent(content, active, act);
        }
    }

    private static boolean ipv6LoopbackUsable() {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    // -------------------------------------------------------------- helpers

    /** One entry of an {@code ls -l} line: its type letter and size. */
    record LsEntry(char type, long size) {
    }

    /**
     * {@code drwxr-xr-x    1 ftp      ftp             4096 Nov 24 07:17 name}: type and
     * permissions, links, owner, group, size, a date in one of ls's two forms, name.
     */
    private static final Pattern LS_LINE = Pattern.compile(
            "([-dl?])[-rwxsStT]{9}\\s+\\d+\\s+\\S+\\s+\\S+\\s+(\\d+)\\s+"
            + "[A-Z][a-z]{2}\\s+\\d{1,2}\\s+(?:\\d{2}:\\d{2}|\\d{4})\\s(.+)");

    private static Map<String, LsEntry> parseLs(String listing, Result r) {
        Map<String, LsEntry> entries = new HashMap<>();
        for (String line : listing.split("\r?\n")) {
            if (line.isEmpty()) {
                continue;
            }
            Matcher m = LS_LINE.matcher(line);
            if (!m.matches()) {
                fail("not an ls -l line: '" + line + "'\n" + r.describe());
            }
            char type = m.group(1).charAt(0);
            // A directory's size depends on the file system: it is recorded as 0.
            long size = type == 'd' ? 0 : Long.parseLong(m.group(2));
            if (entries.put(m.group(3), new LsEntry(type, size)) != null) {
                fail("listed twice: " + m.group(3) + "\n" + r.describe());
            }
        }
        return entries;
    }

    private static int count(String haystack, String needle) {
        int n = 0;
        for (int i = haystack.indexOf(needle); i >= 0; i = haystack.indexOf(needle, i + 1)) {
            n++;
        }
        return n;
    }

    private static byte[] randomBytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static void assertSameContent(byte[] expected, Path actual, Result r) throws IOException {
        assertTrue(Files.isRegularFile(actual), actual + " missing\n" + r.describe());
        byte[] got = Files.readAllBytes(actual);
        if (got.length == expected.length && got.length < 4096) {
            assertArrayEquals(expected, got, r.describe());
        }
        assertEquals(sha256(expected) + " (" + expected.length + " bytes)",
                sha256(got) + " (" + got.length + " bytes)",
                "SHA-256 of " + actual + "\n" + r.describe());
    }

    /**
     * No hidden temporary upload file, within a few seconds: an upload whose data
     * connection ended may still be committing (its rename runs on the worker pool)
     * when its session is already gone.
     */
    private static void assertNoTemporaryFiles(Path dir, Result r) throws IOException {
        try {
            Await.until(Duration.ofSeconds(5), "no temporary upload file left", () -> hidden(dir).isEmpty());
        } catch (AssertionError e) {
            assertEquals(List.of(), hidden(dir), "temporary upload files left behind\n" + r.describe());
        }
    }

    private static List<String> hidden(Path dir) {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** What one curl run did: exit code, stdout bytes, stderr (the -v trace and any -sS error). */
    record Result(List<String> command, int exit, byte[] stdout, String trace) {

        String stdoutText() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        void assertOk() {
            assertEquals(0, exit, "curl failed\n" + describe());
        }

        String describe() {
            String out = stdout.length > 2000 ? stdout.length + " bytes" : stdoutText();
            return "$ " + String.join(" ", command) + "\nexit " + exit + "\n--- stdout:\n" + out
                    + "\n--- stderr (curl -v):\n" + trace;
        }
    }

    /**
     * Runs curl with {@code args} after the fixed safe ones, output to files
     * (so no pipe can fill and block it), within a hard deadline.
     */
    private Result curl(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                curl.toString(), "-q", "-sS", "-v",
                "--max-time", Integer.toString(CURL_MAX_TIME_SECONDS),
                "--connect-timeout", "10",
                "--noproxy", "*"));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "curl", ".out");
        Path err = Files.createTempFile(tmp, "curl", ".err");
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(local.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        Map<String, String> env = pb.environment();
        // Never through a proxy, never reading a user's config: only the URL's loopback host.
        env.keySet().removeIf(k -> k.toLowerCase(java.util.Locale.ROOT).endsWith("_proxy"));
        env.remove("CURL_HOME");
        env.put("HOME", tmp.toString());
        Process p = pb.start();
        p.getOutputStream().close(); // no stdin: curl reads its uploads from -T files
        if (!p.waitFor(PROCESS_DEADLINE_SECONDS, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            fail("curl did not finish within " + PROCESS_DEADLINE_SECONDS + " s: " + String.join(" ", command)
                    + "\n--- stderr:\n" + Files.readString(err, StandardCharsets.UTF_8));
        }
        return new Result(command, p.exitValue(), Files.readAllBytes(out),
                curlVersion + "\n" + Files.readString(err, StandardCharsets.UTF_8));
    }
}
