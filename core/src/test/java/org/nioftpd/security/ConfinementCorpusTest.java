package org.nioftpd.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nioftpd.auth.FolderPolicy;
import org.nioftpd.auth.UserAccount;
import org.nioftpd.testing.TestServer;

/**
 * Issue 4, item 5: the exhaustive confinement corpus. Every spelling of
 * "somewhere else" that servers have fallen for, against every command that
 * takes a path, as the read-write user (the one who could do the most
 * harm). For each (command, path) pair, on a fresh copy of the root:
 * <ul>
 *   <li>nothing outside the root changes: the tree around it (a sibling
 *       sharing the root's name prefix, a directory beside it, one two levels
 *       up) is fingerprinted (names, contents, sizes, mtimes, permissions,
 *       link targets) before and after;</li>
 *   <li>nothing outside is revealed: no reply and no data connection carries
 *       the outside files' contents, names the client never sent, sizes,
 *       times, checksums, or the real path of the root;</li>
 *   <li>the session survives: every reply is well-formed and the next
 *       command is answered.</li>
 * </ul>
 * What fails without the protection: FileSystemView compares real paths by
 * component; with a string prefix check ({@code real.toString().startsWith(root)})
 * the link to {@code ftp2} passes and its secret is listed; without the
 * real-path check at all, {@code link_file} is sent in full. The textual
 * resolution keeps {@code ..} at the root; without it {@code ../outside}
 * is reached directly. The corpus runs against all of them.
 */
@Timeout(300)
class ConfinementCorpusTest {

    private static final String SECRET = "ZQ-TOPSECRET-CONTENT ";
    private static final int SECRET_SIZE = 12345;
    private static final Instant SECRET_TIME = Instant.parse("1999-12-31T23:59:58Z");
    /** Names outside the root that the corpus never sends, so any mention of them is a leak. */
    private static final List<String> NEVER_NAMED = List.of(
            "zq-deep-never-named", "zq-sibling-never-named", "zq-up-never-named", "zq-secret-dir");

    @TempDir
    Path top;

    private Path base;
    private Path root;
    private Path outside;
    private byte[] secret;
    private List<String> markers;
    private List<Pattern> patterns;

    @BeforeEach
    void outsideWorld() throws Exception {
        base = top.toRealPath().resolve("x");
        root = base.resolve("ftp");
        outside = base.resolve("outside");
        Files.createDirectories(root);
        StringBuilder sb = new StringBuilder();
        while (sb.length() < SECRET_SIZE) {
            sb.append(SECRET);
        }
        secret = sb.substring(0, SECRET_SIZE).getBytes(StandardCharsets.US_ASCII);
        Files.createDirectories(outside.resolve("zq-secret-dir"));
        Files.write(outside.resolve("zq-secret-file.txt"), secret);
        Files.writeString(outside.resolve("zq-secret-dir/zq-deep-never-named.txt"), SECRET);
        Files.createDirectories(base.resolve("ftp2/secret"));
        Files.writeString(base.resolve("ftp2/secret/zq-sibling-never-named.txt"), SECRET);
        Files.createDirectories(top.resolve("up-secret"));
        Files.writeString(top.resolve("up-secret/zq-up-never-named.txt"), SECRET);
        for (Path p : List.of(outside.resolve("zq-secret-file.txt"), outside.resolve("zq-secret-dir"), outside)) {
            Files.setLastModifiedTime(p, FileTime.from(SECRET_TIME));
        }

        markers = new ArrayList<>(NEVER_NAMED);
        markers.add(SECRET.trim());
        markers.add("19991231");
        markers.add("Dec 31  1999");
        for (String algorithm : List.of("SHA-256", "SHA-1", "MD5")) {
            String hex = HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(secret));
            markers.add(hex);
            markers.add(hex.toUpperCase(Locale.ROOT));
        }
        CRC32 crc = new CRC32();
        crc.update(secret);
        markers.add(String.format("%08x", crc.getValue()));
        markers.add(String.format("%08X", crc.getValue()));
        patterns = List.of(Pattern.compile("\\b" + SECRET_SIZE + "\\b"));
    }

    /** The root as each pair finds it: plain files, and links that point out of it in every way. */
    private void freshRoot() throws IOException {
        if (Files.exists(root)) {
            Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwxr-xr-x"));
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file); // a link is deleted, never followed
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    if (!dir.equals(root)) {
                        Files.delete(dir);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        }
        Files.writeString(root.resolve("inside.txt"), "inside\n");
        Files.createDirectory(root.resolve("sub"));
        Files.writeString(root.resolve("sub/inner.txt"), "inner\n");
        Files.createSymbolicLink(root.resolve("link_file"), outside.resolve("zq-secret-file.txt"));
        Files.createSymbolicLink(root.resolve("link_dir"), Path.of("../outside"));
        Files.createSymbolicLink(root.resolve("link_abs_dir"), outside);
        Files.createSymbolicLink(root.resolve("link_sib"), Path.of("../ftp2"));      // shares the prefix "ftp"
        Files.createSymbolicLink(root.resolve("link_up"), Path.of("../../up-secret"));
        Files.createSymbolicLink(root.resolve("dangling"), outside.resolve("zq-created-by-dangling"));
        Files.createSymbolicLink(root.resolve("dangling_rel"), Path.of("../outside/zq-created-by-dangling-rel"));
        Files.createSymbolicLink(root.resolve("sub/link_back"), Path.of("../../outside/zq-secret-file.txt"));
        Files.createSymbolicLink(root.resolve("link_in"), Path.of("sub/inner.txt")); // a link that stays inside
    }

    private List<String> corpus() {
        String real = top.toString();
        return List.of(
                // dot-dot, every way
                "..", "../", "../..", "../../..", "/..", "/../..", "/../../..", ".././..", "../outside",
                "../outside/zq-secret-file.txt", "../../up-secret", "/../outside/zq-secret-file.txt",
                "sub/../../outside", "sub/../../outside/zq-secret-file.txt", "./../outside",
                // backslashes (a separator on Windows, a name character here)
                "..\\", "..\\..", "..\\outside", "..\\outside\\zq-secret-file.txt", "\\..\\..\\outside",
                "sub\\..\\..\\outside",
                // doubled slashes and dots
                "//", "///", "//..//..//outside", "/.//..//outside/zq-secret-file.txt", "/./../outside",
                // tilde: no home-directory expansion
                "~", "~/", "~root", "~root/..", "~/../outside", "~root/../../outside/zq-secret-file.txt",
                // percent-encoding and its look-alikes: never decoded
                "%2e%2e", "%2e%2e/%2e%2e/outside", "%2e%2e%2f%2e%2e%2foutside", "..%2foutside",
                "%252e%252e%252foutside", "..%c0%afoutside", "..%5coutside",
                // NUL as a raw byte in the line
                "..\0", "..\0/..\0/outside", "inside.txt\0/../../outside", "\0../outside",
                "../outside/zq-secret-file.txt\0.txt",
                // trailing dots and spaces
                "...", "..../outside", ".. .", ". ..", "../ ../outside", "... /outside", ".. /outside",
                // overlong: a 300-character component, paths of 5000 and 4500 characters
                "a".repeat(300), "sub/" + "b".repeat(300), "x/".repeat(2500), "../".repeat(1500) + "outside",
                // the sibling that shares the root's name as a prefix: /x/ftp vs /x/ftp2
                "../ftp2", "../ftp2/secret", "/../ftp2/secret/x", "link_sib", "link_sib/", "link_sib/secret",
                "link_sib/secret/.", "link_sib/secret/zq-new",
                // symbolic links out of the root: file, directory (relative and absolute), two up, dangling
                "link_file", "link_dir", "link_dir/", "link_dir/.", "link_dir/zq-secret-file.txt",
                "link_dir/zq-new.txt", "link_dir/..", "link_dir/../ftp2", "link_abs_dir",
                "link_abs_dir/zq-secret-file.txt", "link_up", "link_up/.", "dangling", "dangling_rel",
                "sub/link_back", "sub/link_back/..", "link_in/../../outside",
                // wildcards around them
                "link_dir/*", "/link_abs_dir/*", "link_sib/*", "*/..", "../*", "../outside/*", "link_*",
                // absolute real paths, system files, other systems' spellings
                real + "/x/outside/zq-secret-file.txt", real + "/x/outside", "/etc/passwd",
                "../../../../../../../../etc/passwd", "/proc/self/environ", "C:\\Windows", "\\\\server\\share",
                "..;/outside", "\u2025", "\uff0e\uff0e/outside", "..\u2215outside");
    }

    private enum Kind { PLAIN, DOWNLOAD, UPLOAD }

    /** A command to try with each path: {@code %s} is where the path goes. */
    private record Form(Kind kind, String... lines) {
    }

    private static List<Form> forms() {
        return List.of(
                new Form(Kind.DOWNLOAD, "RETR %s"),
                new Form(Kind.UPLOAD, "STOR %s"),
                new Form(Kind.UPLOAD, "APPE %s"),
                new Form(Kind.UPLOAD, "STOU %s"),
                new Form(Kind.PLAIN, "DELE %s"),
                new Form(Kind.PLAIN, "MKD %s"),
                new Form(Kind.PLAIN, "RMD %s"),
                new Form(Kind.PLAIN, "CWD %s", "PWD", "CDUP", "PWD", "CWD /"),
                new Form(Kind.DOWNLOAD, "LIST %s"),
                new Form(Kind.DOWNLOAD, "LIST -la %s"),
                new Form(Kind.DOWNLOAD, "NLST %s"),
                new Form(Kind.DOWNLOAD, "MLSD %s"),
                new Form(Kind.PLAIN, "MLST %s"),
                new Form(Kind.PLAIN, "SIZE %s"),
                new Form(Kind.PLAIN, "MDTM %s"),
                new Form(Kind.PLAIN, "MFMT 20200101000000 %s"),
                new Form(Kind.PLAIN, "RNFR %s", "RNTO moved"),
                new Form(Kind.PLAIN, "RNFR inside.txt", "RNTO %s"),
                new Form(Kind.PLAIN, "RNFR sub", "RNTO %s"),
                new Form(Kind.PLAIN, "STAT %s"),
                new Form(Kind.PLAIN, "HASH %s"),
                new Form(Kind.PLAIN, "XCRC %s"),
                new Form(Kind.PLAIN, "XMD5 %s"),
                new Form(Kind.PLAIN, "XSHA1 %s"),
                new Form(Kind.PLAIN, "XSHA256 %s"),
                new Form(Kind.PLAIN, "SITE CHMOD 777 %s"),
                new Form(Kind.PLAIN, "SITE CHMOD 000 %s"));
    }

    /**
     * The corpus against the root served as {@code /}, and (issue 14) against
     * the same directory served as a virtual folder {@code /m} of another
     * home: confinement holds per mount, so from {@code /m} a path may reach
     * the home (that is the tree) but never the mount directory's
     * surroundings.
     */
    @ParameterizedTest(name = "served at {0}")
    @ValueSource(strings = {"/", "/m"})
    void everyPathCommandAgainstTheCorpus(String at, @TempDir Path home) throws Exception {
        freshRoot();
        String before = Ctl.fingerprint(top, root);
        int pairs = 0;
        boolean mounted = !at.equals("/");
        Path served = mounted ? home : root;
        FolderPolicy folders = mounted ? FolderPolicy.NONE.with("mount", at + " " + root) : FolderPolicy.NONE;
        try (TestServer server = TestServer.start(served, b -> b.maxLineBytes(16_384).authenticator(
                (user, password) -> user.equals("u") && password.equals("p")
                        ? new UserAccount("u", served, true, false, UserAccount.Limits.NONE, null, folders)
                        : null))) {
            Ctl c = Ctl.login(server.port(), "u", "p");
            Ctl.expect("200", c.command("TYPE I"));
            for (Form form : forms()) {
                for (String path : corpus()) {
                    freshRoot();
                    Ctl.expect("250", c.command("CWD " + at));
                    String what = form.lines()[0].formatted(Ctl.printable(path));
                    String seen = run(c, form, path, what);
                    pairs++;
                    assertEquals(before, Ctl.fingerprint(top, root), what + ": the outside changed");
                    assertRevealsNothing(seen, path, what);
                    assertEquals("200 NOOP ok.", c.command("NOOP"), what + ": the session did not survive");
                }
            }
            c.close();
        }
        assertTrue(pairs > 2000, "pairs: " + pairs);
    }

    /** Runs one form with one path; returns every reply and every data byte it produced. */
    private String run(Ctl c, Form form, String path, String what) throws IOException {
        StringBuilder seen = new StringBuilder();
        for (String template : form.lines()) {
            String line = template.contains("%s") ? template.replace("%s", path) : template;
            if (!template.contains("%s") || form.kind() == Kind.PLAIN) {
                String r = c.command(line);
                assertNotNull(r, what + ": connection closed");
                seen.append(r).append('\n');
                if (template.equals("PWD") && r.startsWith("257")) {
                    assertTrue(r.startsWith("257 \"/"), what + ": " + r);
                }
                continue;
            }
            int port = c.pasv();
            String r = c.command(line);
            assertNotNull(r, what + ": connection closed");
            seen.append(r).append('\n');
            if (r.startsWith("1")) {
                try (Socket data = Ctl.data(port)) {
                    if (form.kind() == Kind.UPLOAD) {
                        OutputStream out = data.getOutputStream();
                        out.write("EVIL-UPLOAD".getBytes(StandardCharsets.US_ASCII));
                        data.shutdownOutput();
                        Ctl.readAll(data);
                    } else {
                        seen.append(new String(Ctl.readAll(data), StandardCharsets.UTF_8)).append('\n');
                    }
                }
                r = c.reply();
                assertNotNull(r, what + ": connection closed after the transfer");
                seen.append(r).append('\n');
            }
        }
        return seen.toString();
    }

    private void assertRevealsNothing(String seen, String path, String what) throws IOException {
        for (String m : markers) {
            assertFalse(seen.contains(m), what + ": reveals " + m + " in:\n" + Ctl.printable(seen));
        }
        for (Pattern p : patterns) {
            assertFalse(p.matcher(seen).find(), what + ": reveals the secret's size in:\n" + Ctl.printable(seen));
        }
        if (!path.contains(top.toString())) { // an absolute real path sent by the client may be echoed
            for (String real : List.of(top.toString(), top.toRealPath().toString(), root.toString())) {
                assertFalse(seen.contains(real), what + ": reveals the real path in:\n" + Ctl.printable(seen));
            }
        }
    }

    /** STOR (and APPE, MKD) through a dangling link must not create its target outside. */
    @Test
    void writingThroughADanglingLinkCreatesNothingOutside() throws Exception {
        freshRoot();
        try (TestServer server = TestServer.start(root); Ctl c = Ctl.login(server.port(), "u", "p")) {
            for (String cmd : List.of("STOR", "APPE", "STOU")) {
                for (String name : List.of("dangling", "dangling_rel", "/dangling")) {
                    c.pasv();
                    Ctl.expect("550", c.command(cmd + " " + name));
                }
            }
            Ctl.expect("550", c.command("MKD dangling"));
            Ctl.expect("550", c.command("MKD dangling/x"));
            Ctl.expect("350", c.command("RNFR inside.txt"));
            Ctl.expect("550", c.command("RNTO dangling"));
        }
        assertFalse(Files.exists(outside.resolve("zq-created-by-dangling")));
        assertFalse(Files.exists(outside.resolve("zq-created-by-dangling-rel")));
        assertEquals("inside\n", Files.readString(root.resolve("inside.txt")));
    }

    /** RNTO never moves anything out of the root, nor over something outside. */
    @Test
    void renameNeverLeavesTheRoot() throws Exception {
        freshRoot();
        String before = Ctl.fingerprint(top, root);
        try (TestServer server = TestServer.start(root); Ctl c = Ctl.login(server.port(), "u", "p")) {
            for (String to : List.of("../moved", "../outside/moved", "link_dir/moved", "link_abs_dir/moved",
                    "link_sib/moved", "link_sib/secret/moved", "link_file", "link_up/moved", "sub/link_back",
                    top + "/x/outside/moved")) {
                Ctl.expect("350", c.command("RNFR inside.txt"));
                String r = c.command("RNTO " + to);
                if (r.startsWith("250")) {
                    // Only a textual ".." kept at the root can succeed, and then it lands inside.
                    assertTrue(Files.exists(root.resolve("moved")) || Files.exists(root.resolve("outside/moved")), to);
                    freshRoot();
                } else {
                    Ctl.expect("550", r);
                }
            }
        }
        assertEquals(before, Ctl.fingerprint(top, root));
    }

    /**
     * Regression: a STOR whose final rename failed answered
     * "451 Local error: /real/path/.name.nioftpd-... -> /real/path/name: Is a directory",
     * the message of the FileSystemException, revealing where the root is.
     * Here another session makes the target a non-empty directory while the
     * upload runs; the reply must name neither the root nor the temporary file.
     */
    @Test
    void aFailedUploadRevealsNoRealPath() throws Exception {
        freshRoot();
        try (TestServer server = TestServer.start(root);
             Ctl c = Ctl.login(server.port(), "u", "p");
             Ctl other = Ctl.login(server.port(), "u", "p")) {
            Ctl.expect("200", c.command("TYPE I"));
            int port = c.pasv();
            try (Socket data = Ctl.data(port)) {
                Ctl.expect("1", c.command("STOR victim"));
                data.getOutputStream().write(new byte[1000]);
                data.getOutputStream().flush();
                Ctl.expect("257", other.command("MKD victim"));
                Ctl.expect("257", other.command("MKD victim/full"));
                data.shutdownOutput();
                String r = c.reply();
                assertTrue(r.startsWith("451 ") || r.startsWith("550 "), r);
                assertFalse(r.contains(top.toString()), "reveals the real path: " + r);
                assertFalse(r.contains(".nioftpd-"), "reveals the temporary file: " + r);
            }
            Ctl.expect("200", c.command("NOOP"));
        }
        try (var list = Files.list(root)) {
            assertFalse(list.anyMatch(p -> p.getFileName().toString().contains(".nioftpd-")), "a temporary file was left");
        }
    }

    /**
     * Regression: a checksum whose file vanished between the command (the
     * path resolved on the loop) and the worker's open answered
     * "451 Local error: /real/root/f.txt", the NoSuchFileException's
     * message. The checksum lane is held busy so that the HASH waits in its
     * queue (its length marks the moment the loop has resolved the path and
     * queued the work); another session deletes the file meanwhile. Checksums
     * have had a lane of their own since the worker-lanes change: the slow
     * login this test used to hold the one shared worker no longer held them,
     * and the test raced.
     */
    @Test
    void aChecksumOfAVanishedFileRevealsNoRealPath() throws Exception {
        freshRoot();
        Files.writeString(root.resolve("f.txt"), "checksum me");
        // The checksum lane, held busy: HASH is resolved on the loop and queued; the file
        // goes; then the lane is released and the digest meets a vanished file.
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.ThreadPoolExecutor lane = new java.util.concurrent.ThreadPoolExecutor(1, 1, 0,
                java.util.concurrent.TimeUnit.SECONDS, new java.util.concurrent.LinkedBlockingQueue<>());
        lane.execute(() -> {
            try {
                release.await(20, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        try (TestServer server = TestServer.start(root, b -> org.nioftpd.ServerInternals.bulkLane(b.loops(1), lane));
             Ctl hasher = Ctl.login(server.port(), "u", "p");
             Ctl deleter = Ctl.login(server.port(), "u", "p")) {
            hasher.send("HASH f.txt");
            org.nioftpd.testing.Await.until(java.time.Duration.ofSeconds(10), "HASH queued behind the held lane",
                    () -> lane.getQueue().size() == 1);
            Ctl.expect("250", deleter.command("DELE f.txt"));
            release.countDown();
            String r = hasher.reply();
            assertTrue(r.startsWith("451 ") || r.startsWith("550 "), r);
            assertFalse(r.contains(top.toString()), "reveals the real path: " + r);
        } finally {
            release.countDown();
        }
    }

    /** What a listing of the root shows: the plain entries and the inside link, never a link out. */
    @Test
    void listingsLeaveOutLinksThatLeaveTheRoot() throws Exception {
        freshRoot();
        try (TestServer server = TestServer.start(root); Ctl c = Ctl.login(server.port(), "u", "p")) {
            for (String cmd : List.of("NLST", "LIST", "MLSD", "NLST *", "STAT /")) {
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                if (cmd.startsWith("STAT")) {
                    all.writeBytes(c.command(cmd).getBytes(StandardCharsets.UTF_8));
                } else {
                    int port = c.pasv();
                    Ctl.expect("150", c.command(cmd));
                    all.writeBytes(Ctl.readAll(Ctl.data(port)));
                    Ctl.expect("226", c.reply());
                }
                String listing = all.toString(StandardCharsets.UTF_8);
                assertTrue(listing.contains("inside.txt") && listing.contains("link_in"), cmd + ": " + listing);
                for (String out : List.of("link_file", "link_dir", "link_abs_dir", "link_sib", "link_up", "dangling")) {
                    assertFalse(Pattern.compile("(^|[ /;])" + out + "(\r?$|\n)", Pattern.MULTILINE).matcher(listing).find(),
                            cmd + " shows " + out + ":\n" + listing);
                }
            }
        }
    }
}
