package org.nioftpd.extension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.FtpServer;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/** CommandHook vetoes, where hooks and extension commands run, and the table they join. */
@Timeout(30)
class CommandHooksTest {

    @TempDir
    Path dir;
    TestServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private void start(Consumer<FtpServer.Builder> customize) throws IOException {
        server = TestServer.start(dir, customize);
    }

    @Test
    void aHookSeesUserAddressVerbArgumentAndResolvedPathAndRunsOnAWorker() throws IOException {
        List<CommandContext> seen = new CopyOnWriteArrayList<>();
        List<String> threads = new CopyOnWriteArrayList<>();
        start(b -> b.hook(ctx -> {
            seen.add(ctx);
            threads.add(Thread.currentThread().getName());
            return ctx.verb().equals("MKD") && ctx.fileName().startsWith("tmp")
                    ? Veto.of(550, "No tmp directories.") : Veto.ALLOW;
        }));
        try (RawClient r = server.rawLoggedIn()) {
            r.expect("MKD a", 257);
            r.expect("CWD a", 250);
            assertEquals("550 No tmp directories.", r.command("MKD ../b/tmp1"));
            assertFalse(Files.exists(dir.resolve("b")));
            r.expect("NOOP", 200);
        }
        CommandContext pass = seen.stream().filter(c -> c.verb().equals("PASS")).findFirst().orElseThrow();
        assertEquals("****", pass.argument(), "a password never reaches a hook");
        CommandContext mkd = seen.stream().filter(c -> c.argument().equals("../b/tmp1")).findFirst().orElseThrow();
        assertEquals("u", mkd.user());
        assertEquals("127.0.0.1", mkd.client().getAddress().getHostAddress());
        assertEquals("/b/tmp1", mkd.path());
        assertEquals(dir.resolve("b/tmp1"), mkd.file());
        assertTrue(seen.stream().noneMatch(c -> c.verb().equals("NOOP")), "NOOP must work during transfers");
        assertTrue(threads.stream().allMatch(t -> t.startsWith("nioftpd-worker-")), threads.toString());
    }

    @Test
    void aBlockingHookHoldsOnlyItsSessionAndPipelinedCommandsKeepTheirOrder() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        start(b -> b.hook(ctx -> {
            if (ctx.verb().equals("SIZE")) {
                release.await(10, TimeUnit.SECONDS);
            }
            return Veto.ALLOW;
        }));
        Files.writeString(dir.resolve("f"), "12345");
        try (RawClient slow = server.rawLoggedIn(); RawClient other = server.rawLoggedIn()) {
            slow.send("SIZE f").send("PWD").send("SIZE f");
            // Another session on the same loops answers while the hook blocks.
            other.expect("PWD", 257);
            release.countDown();
            assertEquals("213 5", slow.reply());
            assertTrue(slow.reply().startsWith("257 "));
            assertEquals("213 5", slow.reply());
        }
    }

    @Test
    void transfersWorkBehindAWorkerHook() throws IOException {
        List<String> verbs = new CopyOnWriteArrayList<>();
        start(b -> b.hook(ctx -> {
            verbs.add(ctx.verb());
            return Veto.ALLOW;
        }));
        org.apache.commons.net.ftp.FTPClient c = server.client();
        c.setFileType(org.apache.commons.net.ftp.FTP.BINARY_FILE_TYPE);
        byte[] data = new byte[300_000];
        new java.util.Random(7).nextBytes(data);
        assertTrue(c.storeFile("f.bin", new java.io.ByteArrayInputStream(data)));
        java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
        assertTrue(c.retrieveFile("f.bin", got));
        org.junit.jupiter.api.Assertions.assertArrayEquals(data, got.toByteArray());
        assertEquals(1, c.listNames().length);
        c.logout();
        c.disconnect();
        assertTrue(verbs.containsAll(List.of("STOR", "RETR", "NLST", "PASV")), verbs.toString());
    }

    @Test
    void aCheapHookRunsOnTheLoopAndAThrowingHookRefusesWith451() throws IOException {
        List<String> threads = new CopyOnWriteArrayList<>();
        start(b -> b.hook(CommandHook.cheap(ctx -> {
            threads.add(Thread.currentThread().getName());
            if (ctx.verb().equals("SYST")) {
                throw new IllegalStateException("boom");
            }
            return Veto.ALLOW;
        })));
        try (RawClient r = server.rawLoggedIn()) {
            assertTrue(r.command("SYST").startsWith("451 "));
            r.expect("PWD", 257);
        }
        assertTrue(threads.stream().allMatch(t -> t.startsWith("nioftpd-loop")), threads.toString());
    }

    @Test
    void extensionCommandsJoinTheTableFeatAndHelp() throws IOException {
        start(b -> b
                .command(ExtensionCommand.of("XWHO", "XWHO", ctx -> Response.of(200, "You are " + ctx.user() + ".")))
                .command(ExtensionCommand.of("XTAG", "XTAG <sp> pathname", ctx ->
                        Response.of(250, "Tagged", ctx.path(), "done.")).requiringArgument().withPathArgument()
                        .withFeat("XTAG").asCheap())
                .command(ExtensionCommand.of("XPING", "XPING", ctx -> Response.of(200, "pong"))
                        .allowedBeforeLogin())
                .command(ExtensionCommand.of("XFAIL", "XFAIL", ctx -> {
                    throw new IOException("down");
                })));
        try (RawClient r = server.raw()) {
            r.reply();
            assertEquals("200 pong", r.command("XPING"));
            assertTrue(r.command("XWHO").startsWith("530 "));
            String feat = r.command("FEAT");
            assertTrue(feat.contains("\n XTAG"), feat);
            String help = r.command("HELP");
            assertTrue(help.contains("XWHO") && help.contains("XTAG"), help);
            assertEquals("214 Syntax: XTAG <sp> pathname", r.command("HELP XTAG"));
            r.login("u", "p");
            assertEquals("200 You are u.", r.command("xwho"));
            assertTrue(r.command("XTAG").startsWith("501 "));
            assertEquals("250-Tagged\n /dir/x\n250 done.", r.command("XTAG /dir/../dir/x"));
            assertTrue(r.command("XFAIL").startsWith("451 "));
            r.expect("NOOP", 200);
        }
    }

    @Test
    void aBuiltInVerbCannotBeReplacedAndVetoesAreChecked() {
        assertThrows(IllegalArgumentException.class, () -> FtpServer.builder().root(dir)
                .command(ExtensionCommand.of("RETR", "RETR", ctx -> Response.of(200, "no"))).build());
        assertThrows(IllegalArgumentException.class, () -> Veto.of(200, "fine"));
        assertThrows(IllegalArgumentException.class, () -> Veto.of(550, "two\r\nlines"));
        assertThrows(IllegalArgumentException.class, () -> ExtensionCommand.of("NO SPACE", "x",
                ctx -> Response.of(200, "x")));
        assertTrue(Veto.ALLOW.allowed());
        assertNull(new CommandContext(null, null, "PWD", "", null, null).fileName());
    }
}
