package org.nioftpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/**
 * "The client sees its root as {@code /}; no path it sends ({@code ..},
 * absolute paths, symlinks that point outside) reaches a file outside the root."
 *
 * <p>The disk:
 * <pre>
 * base/root/            served as /
 *        pub.txt
 *        a/             (so that a/../.. has something to climb from)
 *        sub/inner.txt
 *        link-in      -> base/root/sub        (inside: allowed)
 *        link-out     -> base/rootX/secret    (absolute, outside)
 *        link-rel-out -> ../rootX/secret      (relative, outside)
 *        link-out-dir -> base/rootX           (a directory outside)
 *        dangling-out -> ../rootX/created     (outside, target missing)
 * base/rootX/           the sibling sharing the name prefix
 *        secret, other.txt
 * </pre>
 * Every command that takes a path is sent every escaping path, as the
 * writable user; afterwards everything outside the root must be exactly as
 * before, no data may carry anything from outside, and no reply may carry the
 * real path of the root.
 */
@Timeout(30)
class ConfinementTest {

    static final String SECRET = "TOP SECRET\n";
    static final String PAYLOAD = "PWNED\n";

    @TempDir
    static Path base;
    static Path root;
    static Path outside;
    static TestServer server;

    @BeforeAll
    static void startServer() throws IOException {
        root = Files.createDirectory(base.resolve("root"));
        outside = Files.createDirectory(base.resolve("rootX"));
        server = TestServer.start(root);
    }

    @AfterAll
    static void stopServer() {
        server.close();
    }

    @BeforeEach
    void fixture() throws IOException {
        for (Path d : List.of(root, outside)) {
            try (Stream<Path> s = Files.walk(d)) {
                s.sorted(java.util.Comparator.reverseOrder()).filter(p -> !p.equals(d)).forEach(p -> {
                    try {
                        Files.delete(p);
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                });
            }
        }
        Files.writeString(outside.resolve("secret"), SECRET);
        Files.setPosixFilePermissions(outside.resolve("secret"), PosixFilePermissions.fromString("rw-------"));
        Files.writeString(outside.resolve("other.txt"), "other\n");
        Files.writeString(root.resolve("pub.txt"), "public\n");
        Files.createDirectory(root.resolve("a"));
        Files.createDirectories(root.resolve("sub"));
        Files.writeString(root.resolve("sub/inner.txt"), "inner\n");
        Files.createSymbolicLink(root.resolve("link-in"), root.resolve("sub"));
        Files.createSymbolicLink(root.resolve("link-out"), outside.resolve("secret"));
        Files.createSymbolicLink(root.resolve("link-rel-out"), Path.of("../rootX/secret"));
        Files.createSymbolicLink(root.resolve("link-out-dir"), outside);
        Files.createSymbolicLink(root.resolve("dangling-out"), Path.of("../rootX/created"));
    }

    static final List<String> PATHS = List.of(
            "../rootX/secret", "/../../etc/passwd", "..", "/..", "//etc/passwd", "link-out",
            "link-out-dir/secret", "a/../../rootX/secret", "link-rel-out", "dangling-out", "link-out-dir/new",
            "link-out-dir", "../rootX", "/a/../../../rootX/other.txt");

    static final List<String> COMMANDS = List.of(
            "RETR", "SIZE", "MDTM", "CWD", "LIST", "NLST", "MLSD", "MLST", "STOR", "APPE", "DELE", "MKD", "RMD",
            "RNFR", "RNTO", "STAT", "SITE CHMOD 777");

    static Stream<Arguments> everyCommandAndPath() {
        List<Arguments> all = new ArrayList<>();
        for (String c : COMMANDS) {
            for (String p : PATHS) {
                all.add(Arguments.of(c, p));
            }
        }
        return all.stream();
    }

    /** Everything outside the root, byte for byte, with permissions; and /etc/passwd. */
    static Map<String, String> outsideSnapshot() throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(base)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (p.startsWith(root)) {
                    continue;
                }
                String what = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "dir"
                        : new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
                m.put(base.relativize(p).toString(),
                        what + " " + PosixFilePermissions.toString(Files.getPosixFilePermissions(p)));
            }
        }
        Path passwd = Path.of("/etc/passwd");
        if (Files.isReadable(passwd)) {
            m.put("/etc/passwd", Files.readString(passwd) + Files.getLastModifiedTime(passwd));
        }
        return m;
    }

    /** What the server said and sent during one exchange. */
    static final class Exchange {
        final List<String> replies = new ArrayList<>();
        final StringBuilder data = new StringBuilder();

        String last() {
            return replies.get(replies.size() - 1);
        }
    }

    /** Sends {@code line}; when it opens a transfer, reads (or for uploads, writes) the data and the final reply. */
    static void run(RawClient r, Exchange x, String line, boolean upload) throws IOException {
        r.expect("TYPE I", 200);
        int port = r.pasv();
        try (Socket data = r.connectData(port)) {
            String reply = r.command(line);
            x.replies.add(reply);
            if (reply.startsWith("1")) {
                if (upload) {
                    try (OutputStream out = data.getOutputStream()) {
                        out.write(PAYLOAD.getBytes(StandardCharsets.UTF_8));
                    }
                } else {
                    try {
                        x.data.append(new String(RawClient.readAll(data), StandardCharsets.UTF_8));
                    } catch (SocketException reset) {
                        // ended either way
                    }
                }
                x.replies.add(r.reply());
            }
        }
    }

    static Exchange exchange(String command, String path) throws IOException {
        Exchange x = new Exchange();
        try (RawClient r = server.rawLoggedIn()) {
            switch (command) {
                case "RETR", "LIST", "NLST", "MLSD" -> run(r, x, command + " " + path, false);
                case "STOR", "APPE" -> run(r, x, command + " " + path, true);
                case "RNFR" -> {
                    x.replies.add(r.command("RNFR " + path));
                    x.replies.add(r.command("RNTO moved"));
                }
                case "RNTO" -> {
                    x.replies.add(r.command("RNFR pub.txt"));
                    x.replies.add(r.command("RNTO " + path));
                }
                case "CWD" -> {
                    x.replies.add(r.command("CWD " + path));
                    x.replies.add(r.command("PWD"));
                    run(r, x, "LIST", false);
                    run(r, x, "RETR secret", false);
                    run(r, x, "RETR other.txt", false);
                }
                default -> x.replies.add(r.command(command + " " + path));
            }
            x.replies.add(r.command("NOOP"));
            assertTrue(x.last().startsWith("200 "), "the session survives: " + x.replies);
        }
        return x;
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("everyCommandAndPath")
    void nothingOutsideTheRootIsReachable(String command, String path) throws IOException {
        Map<String, String> before = outsideSnapshot();
        Exchange x = exchange(command, path);

        assertEquals(before, outsideSnapshot(), "nothing outside the root changed; replies: " + x.replies);
        assertFalse(Files.exists(outside.resolve("created"), LinkOption.NOFOLLOW_LINKS), "nothing created outside");
        String data = x.data.toString();
        assertFalse(data.contains("SECRET"), "secret content leaked: " + data);
        assertFalse(data.contains("other"), "outside directory listed or read: " + data);
        assertFalse(data.contains("root:"), "/etc/passwd leaked: " + data);
        String realRoot = root.toRealPath().toString();
        String realBase = base.toRealPath().toString();
        for (String reply : x.replies) {
            assertFalse(reply.contains(realRoot) || reply.contains(realBase) || reply.contains(base.toString()),
                    "a reply shows the real path: " + reply);
            assertFalse(reply.contains("SECRET"), reply);
        }
    }

    /** Reads of escaping paths fail outright, for every spelling that names something outside. */
    @ParameterizedTest(name = "RETR {0}")
    @MethodSource("escapingFiles")
    void escapingReadsAre550(String path) throws IOException {
        try (RawClient r = server.rawLoggedIn()) {
            r.pasv();
            String reply = r.command("RETR " + path);
            assertTrue(reply.startsWith("550 "), path + " -> " + reply);
            assertTrue(r.command("SIZE " + path).startsWith("550 "));
            assertTrue(r.command("MDTM " + path).startsWith("550 "));
            assertTrue(r.command("MLST " + path).startsWith("550 "));
            assertTrue(r.command("STAT " + path).startsWith("550 "));
        }
    }

    static Stream<String> escapingFiles() {
        return Stream.of("../rootX/secret", "/../../etc/passwd", "//etc/passwd", "link-out", "link-out-dir/secret",
                "a/../../rootX/secret", "link-rel-out", "dangling-out", "/a/../../../rootX/other.txt");
    }

    @Test
    void writesThroughLinksOutsideAre550() throws IOException {
        try (RawClient r = server.rawLoggedIn()) {
            for (String path : List.of("link-out", "link-rel-out", "dangling-out", "link-out-dir/secret",
                    "link-out-dir/new")) {
                Exchange x = new Exchange();
                run(r, x, "STOR " + path, true);
                assertTrue(x.last().startsWith("550 "), "STOR " + path + " -> " + x.replies);
                x = new Exchange();
                run(r, x, "APPE " + path, true);
                assertTrue(x.last().startsWith("550 "), "APPE " + path + " -> " + x.replies);
            }
            assertTrue(r.command("MKD link-out-dir/d").startsWith("550 "));
            assertTrue(r.command("DELE link-out-dir/secret").startsWith("550 "));
            assertTrue(r.command("RMD link-out-dir").startsWith("550 "));
        }
        assertEquals(SECRET, Files.readString(outside.resolve("secret")));
    }

    @Test
    void cwdDotDotAtRootStaysAtRoot() throws IOException {
        try (RawClient r = server.rawLoggedIn()) {
            for (String up : List.of("..", "/..", "../..", "/../../..", "a/../..")) {
                assertTrue(r.command("CWD " + up).startsWith("250 "), up);
                assertEquals("257 \"/\" is the current directory.", r.command("PWD"), up);
            }
            assertTrue(r.command("CDUP").startsWith("200 "));
            assertEquals("257 \"/\" is the current directory.", r.command("PWD"));
        }
    }

    @Test
    void cwdIntoOutsideLinksIs550() throws IOException {
        try (RawClient r = server.rawLoggedIn()) {
            assertTrue(r.command("CWD link-out-dir").startsWith("550 "));
            assertTrue(r.command("CWD ../rootX").startsWith("550 "));
            assertEquals("257 \"/\" is the current directory.", r.command("PWD"));
        }
    }

    @Test
    void linksInsideTheRootWork() throws IOException {
        try (RawClient r = server.rawLoggedIn()) {
            r.expect("CWD link-in", 250);
            assertEquals("257 \"/link-in\" is the current directory.", r.command("PWD"));
            assertEquals("213 6", r.command("SIZE inner.txt"));
            r.expect("CWD ..", 250);
            assertEquals("257 \"/\" is the current directory.", r.command("PWD"), "the virtual parent, not sub's");
            Exchange x = new Exchange();
            run(r, x, "RETR link-in/inner.txt", false);
            assertEquals("inner\n", x.data.toString());
        }
    }

    @Test
    void listingsHideLinksThatLeave() throws IOException {
        try (RawClient r = server.rawLoggedIn()) {
            for (String cmd : List.of("LIST", "NLST", "MLSD")) {
                Exchange x = new Exchange();
                run(r, x, cmd, false);
                assertTrue(x.data.toString().contains("pub.txt"), x.data.toString());
                assertTrue(x.data.toString().contains("link-in"), x.data.toString());
                for (String hidden : List.of("link-out", "link-rel-out", "link-out-dir", "dangling-out")) {
                    assertFalse(x.data.toString().contains(hidden), cmd + " shows " + hidden + ": " + x.data);
                }
            }
            String stat = r.command("STAT /");
            assertTrue(stat.contains("pub.txt"), stat);
            assertFalse(stat.contains("link-out"), stat);
        }
    }

    /**
     * Bug: a transfer that failed on the server's side replied
     * "451 Local error: " + the exception's message, and a file system
     * exception's message starts with the real paths, here
     * "/tmp/.../root/.x.nioftpd-... -> /tmp/.../root/x: Is a directory".
     */
    @Test
    void localErrorReplyDoesNotShowTheRealPath() throws IOException {
        try (RawClient r = server.rawLoggedIn()) {
            r.expect("TYPE I", 200);
            try (Socket data = r.passiveData()) {
                r.expect("STOR x", 1);
                data.getOutputStream().write(PAYLOAD.getBytes(StandardCharsets.UTF_8));
                data.getOutputStream().flush();
                // the upload cannot be moved into place: a directory took its name meanwhile
                Files.createDirectories(root.resolve("x/inside"));
            }
            String reply = r.reply();
            assertTrue(reply.startsWith("451 "), reply);
            assertFalse(reply.contains(base.toString()) || reply.contains(base.toRealPath().toString()),
                    "a reply shows the real path: " + reply);
            assertTrue(r.command("NOOP").startsWith("200 "));
        }
        try (Stream<Path> s = Files.list(root)) {
            assertTrue(s.noneMatch(p -> p.getFileName().toString().contains("nioftpd")), "no temporary left");
        }
    }
}
