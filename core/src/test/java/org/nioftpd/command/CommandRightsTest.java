package org.nioftpd.command;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.auth.FolderPolicy;
import org.nioftpd.auth.Right;
import org.nioftpd.auth.UserAccount;
import org.nioftpd.fs.Op;
import org.nioftpd.session.Command;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/**
 * Issue 14 item 2: every command of the table against every right. Built
 * from the table itself: a row without an {@link Op} fails, and so does a
 * row whose op touches paths without a sample here, so that a new command
 * cannot join the table without saying (and having tested) which right it
 * needs. For each sample and each right, a user who has every right but that
 * one on its whole tree: the command must be refused with 550 exactly when it
 * needs that right, and must work otherwise.
 */
@Timeout(120)
class CommandRightsTest {

    private enum Kind { PLAIN, DOWNLOAD, UPLOAD }

    /** Lines to send (the last one's reply counts), and the rights it needs. */
    private record Sample(String verb, Kind kind, Set<Right> needs, String... lines) {
    }

    private static final List<Sample> SAMPLES = List.of(
            new Sample("RETR", Kind.DOWNLOAD, Set.of(Right.READ), "RETR f.txt"),
            new Sample("STOR", Kind.UPLOAD, Set.of(Right.CREATE), "STOR new.txt"),
            new Sample("STOR", Kind.UPLOAD, Set.of(Right.OVERWRITE), "STOR f.txt"),
            new Sample("STOR", Kind.UPLOAD, Set.of(Right.OVERWRITE), "REST 2", "STOR f.txt"),
            new Sample("STOU", Kind.UPLOAD, Set.of(Right.CREATE), "STOU"),
            new Sample("APPE", Kind.UPLOAD, Set.of(Right.APPEND), "APPE f.txt"),
            new Sample("APPE", Kind.UPLOAD, Set.of(Right.CREATE), "APPE new.txt"),
            new Sample("RNFR", Kind.PLAIN, Set.of(Right.RENAME), "RNFR f.txt"),
            new Sample("RNTO", Kind.PLAIN, Set.of(Right.RENAME), "RNFR f.txt", "RNTO g.txt"),
            new Sample("RNTO", Kind.PLAIN, Set.of(Right.RENAME, Right.OVERWRITE), "RNFR f.txt", "RNTO h.txt"),
            new Sample("DELE", Kind.PLAIN, Set.of(Right.DELETE), "DELE f.txt"),
            new Sample("RMD", Kind.PLAIN, Set.of(Right.RMDIR), "RMD e"),
            new Sample("MKD", Kind.PLAIN, Set.of(Right.MKDIR), "MKD n"),
            new Sample("LIST", Kind.DOWNLOAD, Set.of(Right.LIST), "LIST d"),
            new Sample("NLST", Kind.DOWNLOAD, Set.of(Right.LIST), "NLST d"),
            new Sample("MLSD", Kind.DOWNLOAD, Set.of(Right.LIST), "MLSD d"),
            new Sample("MLST", Kind.PLAIN, Set.of(Right.LIST), "MLST f.txt"),
            new Sample("SIZE", Kind.PLAIN, Set.of(Right.LIST), "SIZE f.txt"),
            new Sample("MDTM", Kind.PLAIN, Set.of(Right.LIST), "MDTM f.txt"),
            new Sample("STAT", Kind.PLAIN, Set.of(Right.LIST), "STAT f.txt"),
            new Sample("MFMT", Kind.PLAIN, Set.of(Right.TIMES), "MFMT 20200101000000 f.txt"),
            new Sample("HASH", Kind.PLAIN, Set.of(Right.READ), "HASH f.txt"),
            new Sample("XCRC", Kind.PLAIN, Set.of(Right.READ), "XCRC f.txt"),
            new Sample("XMD5", Kind.PLAIN, Set.of(Right.READ), "XMD5 f.txt"),
            new Sample("XSHA1", Kind.PLAIN, Set.of(Right.READ), "XSHA1 f.txt"),
            new Sample("XSHA256", Kind.PLAIN, Set.of(Right.READ), "XSHA256 f.txt"),
            new Sample("SITE", Kind.PLAIN, Set.of(Right.CHMOD), "SITE CHMOD 600 f.txt"),
            new Sample("CWD", Kind.PLAIN, Set.of(), "CWD d"),
            new Sample("CDUP", Kind.PLAIN, Set.of(), "CWD d", "CDUP"),
            new Sample("AVBL", Kind.PLAIN, Set.of(), "AVBL d"));

    @TempDir
    Path dir;

    /** Every row declares its op; every op that touches a path has a sample. */
    @Test
    void everyCommandDeclaresWhatItNeeds() {
        List<String> missing = new ArrayList<>();
        for (Command c : Commands.table(true).all()) {
            assertNotNull(c.op(), c.name() + " declares no Op (add .op(...) to its row in Commands)");
            if (c.op() != Op.NONE && SAMPLES.stream().noneMatch(s -> s.verb().equals(c.name()))) {
                missing.add(c.name());
            }
        }
        assertEquals(List.of(), missing, "commands that touch paths with no sample in CommandRightsTest");
    }

    @Test
    void eachRightRefusedExactlyWhereItIsNeeded() throws Exception {
        Map<String, Set<Right>> users = new LinkedHashMap<>();
        users.put("all", Right.ALL);
        for (Right r : Right.values()) {
            EnumSet<Right> rights = EnumSet.allOf(Right.class);
            rights.remove(r);
            users.put("minus-" + r, rights);
        }
        Path root = dir.resolve("root");
        try (TestServer server = TestServer.start(root, b -> b.authenticator((user, password) -> {
            Set<Right> rights = users.get(user);
            if (rights == null) {
                return null;
            }
            FolderPolicy p = FolderPolicy.NONE.rights("/", new FolderPolicy.Rule(rights, Set.of(), Set.of(), false));
            return new UserAccount(user, root, true, false, UserAccount.Limits.NONE, null, p);
        }))) {
            int checked = 0;
            for (Map.Entry<String, Set<Right>> u : users.entrySet()) {
                try (RawClient c = new RawClient(server.port()).greetAndLogin(u.getKey(), "x")) {
                    c.expect("TYPE I", 200);
                    for (Sample s : SAMPLES) {
                        fixture(root);
                        c.expect("CWD /", 250);
                        String reply = run(c, s);
                        boolean needed = !u.getValue().containsAll(s.needs());
                        String what = u.getKey() + ": " + String.join(" / ", s.lines()) + " -> " + reply;
                        if (needed) {
                            assertTrue(reply.startsWith("550 "), what);
                            assertTrue(reply.contains("Permission denied"), what);
                        } else {
                            assertTrue(reply.startsWith("2") || reply.startsWith("350"), what);
                        }
                        checked++;
                    }
                }
            }
            assertEquals(users.size() * SAMPLES.size(), checked);
        }
    }

    private static void fixture(Path root) throws IOException {
        if (Files.exists(root)) {
            try (Stream<Path> walk = Files.walk(root)) {
                for (Path p : walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                    if (!p.equals(root)) {
                        Files.delete(p);
                    }
                }
            }
        }
        Files.createDirectories(root.resolve("d"));
        Files.createDirectories(root.resolve("e"));
        Files.writeString(root.resolve("d/in.txt"), "in\n");
        Files.writeString(root.resolve("f.txt"), "hello world\n");
        Files.writeString(root.resolve("h.txt"), "other\n");
    }

    /** Runs the sample's lines; returns the final reply of the last one. */
    private static String run(RawClient c, Sample s) throws IOException {
        String reply = null;
        for (int i = 0; i < s.lines().length; i++) {
            String line = s.lines()[i];
            boolean last = i == s.lines().length - 1;
            if (!last || s.kind() == Kind.PLAIN) {
                reply = c.command(line);
                if (!last && !reply.startsWith("2") && !reply.startsWith("3")) {
                    return reply; // an earlier line was refused: that is the answer
                }
                continue;
            }
            try (Socket data = c.connectData(c.pasv())) {
                reply = c.command(line);
                if (!reply.startsWith("1")) {
                    return reply;
                }
                if (s.kind() == Kind.UPLOAD) {
                    data.getOutputStream().write("uploaded\n".getBytes(StandardCharsets.US_ASCII));
                    data.shutdownOutput();
                }
                RawClient.readAll(data);
                reply = c.reply();
            }
        }
        assertNotNull(reply);
        if (reply.startsWith("1")) {
            fail("unfinished: " + reply);
        }
        return reply;
    }
}
