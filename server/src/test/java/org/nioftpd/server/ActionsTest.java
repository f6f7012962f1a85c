package org.nioftpd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.nioftpd.testing.Await;
import org.nioftpd.testing.RawClient;

/**
 * --on-upload and friends against a running daemon: the command runs once per completed upload
 * with the details in its environment, never for an aborted one, is killed with its children at
 * the timeout, has its output logged, and a full queue drops with a log line and a counter.
 */
@Timeout(60)
class ActionsTest extends DaemonTestBase {

    private static final Duration WAIT = Duration.ofSeconds(20);

    /** A script that appends one line of its environment to {@code log}. */
    private String recorder(Path log) {
        return "printf '%s|%s|%s|%s|%s|%s|%s\\n' \"$NIOFTPD_EVENT\" \"$1\" \"$NIOFTPD_PATH\""
                + " \"$NIOFTPD_VIRTUAL_PATH\" \"$NIOFTPD_USER\" \"$NIOFTPD_ADDRESS\" \"$NIOFTPD_BYTES\" >> " + log;
    }

    private static List<String> lines(Path log) {
        try {
            return Files.exists(log) ? Files.readAllLines(log) : List.of();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private Path root() throws IOException {
        return Files.createDirectories(dir.resolve("srv"));
    }

    @Test
    void theUploadCommandRunsOncePerCompletedUploadWithItsEnvironment() throws Exception {
        Path log = dir.resolve("actions.log");
        Path root = root();
        Daemon d = start("--root", root.toString(), "--user", "alice:pw:rw", "--on-upload", recorder(log));
        FTPClient c = login(d, "alice", "pw");
        assertTrue(c.storeFile("a.bin", new ByteArrayInputStream(new byte[1234])));
        Await.until(WAIT, "the first action", () -> lines(log).size() == 1);
        assertTrue(c.makeDirectory("sub"));
        assertTrue(c.storeFile("sub/b b.txt", new ByteArrayInputStream("hello".getBytes(StandardCharsets.UTF_8))));
        assertTrue(c.deleteFile("a.bin")); // no --on-delete: nothing runs
        Await.until(WAIT, "the second action", () -> lines(log).size() == 2);
        String a = root.resolve("a.bin").toString();
        String b = root.resolve("sub/b b.txt").toString();
        assertEquals(List.of("upload|" + a + "|" + a + "|/a.bin|alice|127.0.0.1|1234",
                "upload|" + b + "|" + b + "|/sub/b b.txt|alice|127.0.0.1|5"), lines(log));
        c.logout();
        d.close(); // waits for queued actions: none may come late
        assertEquals(2, lines(log).size());
    }

    /**
     * SIGHUP re-reads the config file's --on-... lines for operations from
     * then on: a command added, changed, and a bad line refused with its
     * file:line while the previous commands stay. The command line's win.
     */
    @Test
    void aSighupReloadsTheActionsOfTheConfigFile() throws Exception {
        Path first = dir.resolve("first.log");
        Path second = dir.resolve("second.log");
        Path deleted = dir.resolve("deleted.log");
        Path config = dir.resolve("nioftpd.conf");
        Files.writeString(config, "on-delete = " + recorder(deleted) + "\n");
        Daemon d = start("--config", config.toString(), "--root", root().toString(), "--user", "alice:pw:rw");
        FTPClient c = login(d, "alice", "pw");
        assertTrue(c.storeFile("a.bin", new ByteArrayInputStream(new byte[10]))); // no on-upload yet

        Files.writeString(config, "on-upload = " + recorder(first) + "\n");
        assertTrue(d.reload());
        assertTrue(c.storeFile("b.bin", new ByteArrayInputStream(new byte[20])));
        Await.until(WAIT, "the added action", () -> lines(first).size() == 1);
        assertTrue(lines(first).get(0).startsWith("upload|"), lines(first).toString());
        assertTrue(c.deleteFile("a.bin")); // its line is gone from the file: nothing runs

        Files.writeString(config, "on-upload = " + recorder(second) + "\n");
        assertTrue(d.reload());
        assertTrue(c.storeFile("c.bin", new ByteArrayInputStream(new byte[30])));
        Await.until(WAIT, "the changed action", () -> lines(second).size() == 1);

        Files.writeString(config, "# a comment\non-upload = \n");
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        Logging.configure(Values.LogLevel.INFO, new PrintStream(logged, true, StandardCharsets.UTF_8));
        try {
            assertFalse(d.reload(), "an empty command is refused");
        } finally {
            Logging.configure(Values.LogLevel.INFO, System.err);
        }
        assertTrue(logged.toString(StandardCharsets.UTF_8).contains("actions not reloaded, the previous stay: "
                + config + ":2: on-upload"), logged.toString(StandardCharsets.UTF_8));
        assertTrue(c.storeFile("d.bin", new ByteArrayInputStream(new byte[40])));
        Await.until(WAIT, "the previous action, still in force", () -> lines(second).size() == 2);
        c.logout();
        d.close();
        assertEquals(1, lines(first).size());
        assertEquals(List.of(), lines(deleted));
    }

    @Test
    void neverForAnAbortedOrResetUpload() throws Exception {
        Path log = dir.resolve("actions.log");
        Daemon d = start("--root", root().toString(), "--user", "alice:pw:rw", "--on-upload", recorder(log),
                "--action-concurrency", "1");
        try (RawClient r = new RawClient(java.net.InetAddress.getLoopbackAddress(), d.server().port())) {
            r.greetAndLogin("alice", "pw");
            r.expect("TYPE I", 200);
            // ABOR in the middle of the upload
            try (Socket data = new Socket("127.0.0.1", r.pasv())) {
                String started = r.command("STOR aborted.bin");
                assertTrue(started.startsWith("1"), started);
                OutputStream out = data.getOutputStream();
                out.write(new byte[100_000]);
                out.flush();
                assertTrue(r.command("ABOR").startsWith("426 "));
                assertTrue(r.reply().startsWith("226 "));
            }
            // the data connection reset in the middle of the upload
            try (Socket data = new Socket("127.0.0.1", r.pasv())) {
                String started = r.command("STOR reset.bin");
                assertTrue(started.startsWith("1"), started);
                data.getOutputStream().write(new byte[100_000]);
                data.getOutputStream().flush();
                data.setSoLinger(true, 0); // close with RST: the upload did not end, it broke
            }
            String end = r.reply();
            assertFalse(end.startsWith("226 "), end);
            // a completed one after them: with one action at a time, theirs would have come first
            try (Socket data = new Socket("127.0.0.1", r.pasv())) {
                r.command("STOR done.bin");
                data.getOutputStream().write(new byte[10]);
            }
            assertTrue(r.reply().startsWith("226 "));
        }
        Await.until(WAIT, "the completed upload's action", () -> !lines(log).isEmpty());
        d.close();
        List<String> ran = lines(log);
        assertEquals(1, ran.size(), ran.toString());
        assertTrue(ran.get(0).startsWith("upload|") && ran.get(0).contains("|/done.bin|"), ran.toString());
    }

    @Test
    void aHangingCommandIsKilledWithItsChildrenAtTheTimeoutAndItsOutputIsLogged() throws Exception {
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        Logging.configure(Values.LogLevel.INFO, new PrintStream(logged, true, StandardCharsets.UTF_8));
        Path pids = dir.resolve("pids");
        Daemon d = start("--root", root().toString(), "--user", "alice:pw:rw", "--action-timeout", "1",
                "--on-upload", "echo started for $NIOFTPD_VIRTUAL_PATH; sleep 300 & echo $$ $! > " + pids + "; wait");
        FTPClient c = login(d, "alice", "pw");
        assertTrue(c.storeFile("x.txt", new ByteArrayInputStream(new byte[1])));
        Await.until(WAIT, "the script's pids", () -> lines(pids).size() == 1 && lines(pids).get(0).contains(" "));
        String[] p = lines(pids).get(0).trim().split(" ");
        Optional<ProcessHandle> shell = ProcessHandle.of(Long.parseLong(p[0]));
        Optional<ProcessHandle> child = ProcessHandle.of(Long.parseLong(p[1]));
        Await.until(WAIT, "the shell and its sleep killed",
                () -> shell.map(h -> !h.isAlive()).orElse(true) && child.map(h -> !h.isAlive()).orElse(true));
        Await.until(WAIT, "the kill logged", () -> logged.toString(StandardCharsets.UTF_8).contains("killed after 1 s"));
        String log = logged.toString(StandardCharsets.UTF_8);
        assertTrue(log.contains("started for /x.txt"), log);
        Await.until(WAIT, "the failure counted",
                () -> d.metrics().prometheus().contains("nioftpd_actions_failed_total 1"));
    }

    @Test
    void aFullQueueDropsWithALogLineAndACounter() throws Exception {
        ByteArrayOutputStream logged = new ByteArrayOutputStream();
        Logging.configure(Values.LogLevel.INFO, new PrintStream(logged, true, StandardCharsets.UTF_8));
        Path gate = dir.resolve("gate");
        Path log = dir.resolve("actions.log");
        Daemon d = start("--root", root().toString(), "--user", "alice:pw:rw", "--action-concurrency", "1",
                "--action-queue", "1", "--on-upload",
                "while [ ! -e " + gate + " ]; do sleep 0.05; done; echo \"$NIOFTPD_VIRTUAL_PATH\" >> " + log);
        FTPClient c = login(d, "alice", "pw");
        for (String name : List.of("1", "2", "3")) {
            assertTrue(c.storeFile(name, new ByteArrayInputStream(new byte[1])));
            if (name.equals("1")) {
                // the first is running (and waiting at the gate) before the next two come
                Await.until(WAIT, "the first action started",
                        () -> d.metrics().prometheus().contains("nioftpd_actions_started_total 1"));
            }
        }
        assertTrue(d.metrics().prometheus().contains("nioftpd_actions_dropped_total 1"), d.metrics().prometheus());
        assertTrue(logged.toString(StandardCharsets.UTF_8).contains("action for upload /3 dropped: queue full"),
                logged.toString(StandardCharsets.UTF_8));
        Files.createFile(gate);
        Await.until(WAIT, "the two actions kept", () -> lines(log).size() == 2);
        assertEquals(List.of("/1", "/2"), lines(log));
    }

    @Test
    void deleteRenameAndMkdirActionsWhenAskedFor() throws Exception {
        Path log = dir.resolve("actions.log");
        Path root = root();
        String rec = "echo \"$NIOFTPD_EVENT $NIOFTPD_VIRTUAL_PATH $NIOFTPD_TARGET_VIRTUAL_PATH $NIOFTPD_TARGET_PATH\""
                + " >> " + log;
        Daemon d = start("--root", root.toString(), "--user", "alice:pw:rw", "--action-concurrency", "1",
                "--on-delete", rec, "--on-rename", rec, "--on-mkdir", rec);
        FTPClient c = login(d, "alice", "pw");
        assertTrue(c.makeDirectory("d"));
        assertFalse(c.makeDirectory("d")); // failed: no action
        assertTrue(c.storeFile("d/f", new ByteArrayInputStream(new byte[1])));
        assertTrue(c.rename("d/f", "d/g"));
        assertTrue(c.deleteFile("d/g"));
        Await.until(WAIT, "three actions", () -> lines(log).size() == 3);
        d.close();
        assertEquals(List.of("mkdir /d  ", "rename /d/f /d/g " + root.resolve("d/g"), "delete /d/g  "), lines(log));
    }

    @Test
    void badActionOptionsAreRefusedWithWhereTheyCameFrom() throws Exception {
        Path conf = Files.write(dir.resolve("nioftpd.conf"), List.of("on-upload =", "root = " + dir));
        Options.UsageError e = org.junit.jupiter.api.Assertions.assertThrows(Options.UsageError.class,
                () -> Options.parse("--config", conf.toString()));
        assertTrue(e.getMessage().startsWith(conf + ":1: on-upload"), e.getMessage());
        Path conf2 = Files.write(dir.resolve("two.conf"), List.of("root = " + dir, "webhook = ftp://example/"));
        e = org.junit.jupiter.api.Assertions.assertThrows(Options.UsageError.class,
                () -> Options.parse("--config", conf2.toString()));
        assertEquals(conf2 + ":2: webhook: not an http:// or https:// URL: 'ftp://example/'", e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(Options.UsageError.class,
                () -> Options.parse("--root", dir.toString(), "--webhook-events", "upload,explode"));
        assertTrue(e.getMessage().startsWith("--webhook-events: unknown event 'explode'"), e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(Options.UsageError.class,
                () -> Options.parse("--root", dir.toString(), "--webhook-retries", "2"));
        assertEquals("--webhook-retries: needs --webhook", e.getMessage());
        e = org.junit.jupiter.api.Assertions.assertThrows(Options.UsageError.class,
                () -> Options.parse("--root", dir.toString(), "--action-timeout", "0"));
        assertTrue(e.getMessage().startsWith("--action-timeout: "), e.getMessage());
    }
}
