package org.nioftpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.auth.FolderPolicy;
import org.nioftpd.auth.UserAccount;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/**
 * Issue 14 items 1 and 2: virtual folders (mounts) and rights per path,
 * against a real server. The home has no directory named like any mount:
 * mounts are listed and entered as directories all the same.
 */
@Timeout(60)
class VirtualFoldersTest {

    @TempDir
    Path top;
    Path home;
    Path shared;
    Path incoming;
    TestServer server;

    @BeforeEach
    void start() throws IOException {
        home = Files.createDirectories(top.resolve("home"));
        shared = Files.createDirectories(top.resolve("disk2/shared-data"));
        incoming = Files.createDirectories(top.resolve("disk3/in"));
        Files.writeString(home.resolve("readme.txt"), "home file\n");
        Files.createDirectories(home.resolve("private"));
        Files.writeString(home.resolve("private/p.txt"), "private\n");
        Files.writeString(shared.resolve("s.txt"), "shared file\n");
        Files.writeString(incoming.resolve("earlier.txt"), "someone else's upload\n");
        FolderPolicy p = FolderPolicy.NONE
                .with("mount", "/shared " + shared)
                .with("mount", "/incoming " + incoming)
                .with("rights", "/ read-only")
                .with("rights", "/shared rw")
                .with("rights", "/incoming upload-only")
                .with("rights", "/private list,read hidden");
        server = TestServer.start(home, b -> b.authenticator((user, password) -> user.equals("v")
                ? new UserAccount("v", home, false, false, UserAccount.Limits.NONE, null, p) : null));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private RawClient login() throws IOException {
        RawClient c = new RawClient(server.port()).greetAndLogin("v", "x");
        c.expect("TYPE I", 200);
        return c;
    }

    private static List<String> lines(String text) {
        return Arrays.stream(text.split("\r\n")).filter(l -> !l.isEmpty()).toList();
    }

    @Test
    void mountsAreListedAsDirectoriesInTheirParent() throws IOException {
        try (RawClient c = login()) {
            List<String> nlst = lines(c.listing("NLST"));
            assertTrue(nlst.containsAll(List.of("shared", "incoming", "readme.txt")), nlst.toString());
            assertFalse(nlst.contains("private"), "hidden: " + nlst);
            assertFalse(nlst.contains("shared-data"), "the real name of the mount's directory: " + nlst);
            String list = c.listing("LIST");
            assertTrue(list.lines().anyMatch(l -> l.startsWith("d") && l.endsWith(" shared")), list);
            String mlsd = c.listing("MLSD /");
            assertTrue(mlsd.lines().anyMatch(l -> l.toLowerCase().contains("type=dir;") && l.endsWith(" incoming")),
                    mlsd);
            String mlst = c.expect("MLST /shared", 250);
            assertTrue(mlst.toLowerCase().contains("type=dir;"), mlst);
            String stat = c.expect("STAT /", 213);
            assertTrue(stat.contains(" shared"), stat);
            assertTrue(c.command("SIZE /shared").startsWith("550"));
            assertTrue(c.command("MDTM /shared").startsWith("550"));
            c.expect("CWD /shared", 250);
            assertTrue(c.command("PWD").startsWith("257 \"/shared\""));
            assertEquals(List.of("s.txt"), lines(c.listing("NLST")));
            c.expect("CDUP", 200);
            assertTrue(c.command("PWD").startsWith("257 \"/\""));
            c.expect("CWD /private", 250); // hidden, not refused
            assertEquals(List.of("p.txt"), lines(c.listing("NLST")));
        }
    }

    @Test
    void eachFolderHasItsRights() throws IOException {
        try (RawClient c = login()) {
            // / is read-only
            assertTrue(download(c, "RETR /readme.txt").equals("home file\n"));
            assertTrue(upload(c, "STOR /new.txt", "x").startsWith("550"));
            assertTrue(c.command("MKD /dir").startsWith("550"));
            assertTrue(c.command("DELE /readme.txt").startsWith("550"));
            // /shared is read-write, on its own directory
            assertTrue(upload(c, "STOR /shared/up.txt", "to shared\n").startsWith("226"));
            assertEquals("to shared\n", Files.readString(shared.resolve("up.txt")));
            c.expect("MKD /shared/sub", 257);
            assertTrue(Files.isDirectory(shared.resolve("sub")));
            c.expect("DELE /shared/up.txt", 250);
            // /incoming is a drop box: new files only
            c.expect("CWD /incoming", 250);
            assertTrue(upload(c, "STOR drop.txt", "dropped\n").startsWith("226"));
            assertEquals("dropped\n", Files.readString(incoming.resolve("drop.txt")));
            assertTrue(upload(c, "STOR earlier.txt", "overwrite!").startsWith("550"));
            assertEquals("someone else's upload\n", Files.readString(incoming.resolve("earlier.txt")));
            assertTrue(dataCommand(c, "LIST").startsWith("550"));
            assertTrue(dataCommand(c, "RETR earlier.txt").startsWith("550"));
            assertTrue(c.command("SIZE earlier.txt").startsWith("550"));
            assertTrue(c.command("DELE earlier.txt").startsWith("550"));
            assertTrue(c.command("RNFR earlier.txt").startsWith("550"));
            assertTrue(c.command("AVBL").startsWith("213 "));
        }
    }

    @Test
    void mountPointsCannotBeRemovedOrRenamed() throws IOException {
        try (RawClient c = login()) {
            c.command("CWD /");
            for (String cmd : List.of("RMD /shared", "DELE /shared", "RNFR /shared", "RMD shared/", "MKD /shared",
                    "RMD /", "RNFR /")) {
                String r = c.command(cmd);
                assertTrue(r.startsWith("550"), cmd + ": " + r);
            }
            String r = c.command("RMD /shared");
            assertTrue(r.contains("mount point"), r);
        }
        assertTrue(Files.isDirectory(shared));
    }

    @Test
    void renamesAcrossFoldersMoveFilesAndRefuseDirectories() throws IOException {
        FolderPolicy p = FolderPolicy.NONE.with("mount", "/a " + shared).with("mount", "/b " + incoming);
        try (TestServer rw = TestServer.start(home, b -> b.authenticator((user, password) ->
                new UserAccount("w", home, true, false, UserAccount.Limits.NONE, null, p)));
             RawClient c = new RawClient(rw.port()).greetAndLogin("w", "x")) {
            c.expect("RNFR /a/s.txt", 350);
            c.expect("RNTO /b/moved.txt", 250);
            assertFalse(Files.exists(shared.resolve("s.txt")));
            assertEquals("shared file\n", Files.readString(incoming.resolve("moved.txt")));
            c.expect("RNFR /b/moved.txt", 350);
            c.expect("RNTO /home-copy.txt", 250);
            assertEquals("shared file\n", Files.readString(home.resolve("home-copy.txt")));
            c.expect("MKD /a/dir", 257);
            c.expect("RNFR /a/dir", 350);
            String r = c.command("RNTO /b/dir");
            assertTrue(r.startsWith("553") && r.contains("virtual folders"), r);
            assertTrue(Files.isDirectory(shared.resolve("dir")));
            c.expect("RNFR /a/dir", 350);
            c.expect("RNTO /a/dir2", 250); // within one folder: an ordinary rename
        }
    }

    /** hide= and deny= name patterns hold below their folder only (vsftpd's hide_file and deny_file, per path). */
    @Test
    void namePatternsPerFolder() throws IOException {
        Files.writeString(shared.resolve("a.tmp"), "temp\n");
        Files.writeString(shared.resolve("b.exe"), "exe\n");
        Files.writeString(home.resolve("c.exe"), "home exe\n");
        FolderPolicy p = FolderPolicy.NONE.with("mount", "/a " + shared)
                .with("rights", "/a hide=*.tmp deny=*.exe");
        try (TestServer rw = TestServer.start(home, b -> b.authenticator((user, password) ->
                new UserAccount("w", home, true, false, UserAccount.Limits.NONE, null, p)));
             RawClient c = new RawClient(rw.port()).greetAndLogin("w", "x")) {
            c.expect("TYPE I", 200);
            assertEquals(List.of("s.txt"), lines(c.listing("NLST /a")));
            assertEquals("temp\n", download(c, "RETR /a/a.tmp"), "hidden, not refused");
            assertTrue(download(c, "RETR /a/b.exe").startsWith("550"));
            assertTrue(upload(c, "STOR /a/new.exe", "x").startsWith("550"));
            assertTrue(c.command("RNFR /a/b.exe").startsWith("550"));
            assertEquals("home exe\n", download(c, "RETR /c.exe"), "the patterns hold below /a only");
            assertTrue(lines(c.listing("NLST /")).contains("c.exe"));
        }
        assertFalse(Files.exists(shared.resolve("new.exe")));
    }

    /** A link inside a mount that points out of it is as missing, even into the home. */
    @Test
    void linksLeavingAMountAreMissing() throws IOException {
        Files.createSymbolicLink(shared.resolve("to-home"), home);
        Files.createSymbolicLink(shared.resolve("to-readme"), home.resolve("readme.txt"));
        try (RawClient c = login()) {
            assertTrue(c.command("CWD /shared/to-home").startsWith("550"));
            assertTrue(dataCommand(c, "RETR /shared/to-readme").startsWith("550"));
            List<String> nlst = lines(c.listing("LIST /shared"));
            assertFalse(nlst.stream().anyMatch(l -> l.contains("to-home") || l.contains("to-readme")), nlst.toString());
        }
    }

    // ------------------------------------------------------------------ helpers

    /** A data command that should be refused before any data moves: its reply. */
    static String dataCommand(RawClient c, String line) throws IOException {
        try (Socket data = c.connectData(c.pasv())) {
            String r = c.command(line);
            if (r.startsWith("1")) {
                RawClient.readAll(data);
                return c.reply();
            }
            return r;
        }
    }

    static String download(RawClient c, String line) throws IOException {
        try (Socket data = c.connectData(c.pasv())) {
            String r = c.command(line);
            if (!r.startsWith("1")) {
                return r;
            }
            String text = new String(RawClient.readAll(data), StandardCharsets.UTF_8);
            String end = c.reply();
            return end.startsWith("226") ? text : end;
        }
    }

    static String upload(RawClient c, String line, String content) throws IOException {
        return upload(c, line, content.getBytes(StandardCharsets.UTF_8));
    }

    static String upload(RawClient c, String line, byte[] content) throws IOException {
        try (Socket data = c.connectData(c.pasv())) {
            String r = c.command(line);
            if (!r.startsWith("1")) {
                return r;
            }
            try {
                data.getOutputStream().write(content);
                data.shutdownOutput();
            } catch (IOException e) {
                // the server may stop reading (552) and reset the connection: its reply says
            }
            return c.reply();
        }
    }
}
