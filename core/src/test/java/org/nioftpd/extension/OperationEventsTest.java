package org.nioftpd.extension;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.event.FtpEvents;
import org.nioftpd.event.Operation;
import org.nioftpd.event.Operation.Kind;
import org.nioftpd.testing.Await;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/** FtpEvents.operation: every operation once, with its final reply code, bytes, user and paths. */
@Timeout(30)
class OperationEventsTest {

    @TempDir
    Path dir;
    TestServer server;
    final List<Operation> ops = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start(dir, b -> b.events(new FtpEvents() {
            @Override
            public void operation(Operation op) {
                ops.add(op);
            }
        }));
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private Operation await(Kind kind, int nth) {
        Await.until(Duration.ofSeconds(5), nth + 1 + " " + kind + " in " + ops,
                () -> ops.stream().filter(o -> o.kind() == kind).count() > nth);
        return ops.stream().filter(o -> o.kind() == kind).skip(nth).findFirst().orElseThrow();
    }

    @Test
    void aSessionOfEveryKindIsReportedWithOutcomes() throws IOException {
        Files.writeString(dir.resolve("down.txt"), "0123456789");
        FTPClient c = server.client();
        c.setFileType(FTP.BINARY_FILE_TYPE);
        assertTrue(c.storeFile("up.bin", new ByteArrayInputStream(new byte[1000])));
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        assertTrue(c.retrieveFile("down.txt", got));
        assertTrue(c.listNames() != null);
        assertTrue(c.makeDirectory("d"));
        assertTrue(c.rename("up.bin", "d/moved.bin"));
        assertTrue(c.sendSiteCommand("CHMOD 600 d/moved.bin"));
        assertTrue(c.setModificationTime("d/moved.bin", "20200102030405"));
        assertTrue(c.deleteFile("d/moved.bin"));
        assertFalse(c.deleteFile("d/moved.bin"));
        assertTrue(c.removeDirectory("d"));
        assertTrue(c.sendSiteCommand("HELP"));
        c.logout();
        c.disconnect();

        Operation login = await(Kind.LOGIN, 0);
        assertEquals(230, login.replyCode());
        assertEquals("u", login.user());
        assertEquals("127.0.0.1", login.client().getAddress().getHostAddress());

        Operation up = await(Kind.UPLOAD, 0);
        assertEquals(226, up.replyCode());
        assertTrue(up.ok());
        assertEquals(1000, up.bytes());
        assertEquals("/up.bin", up.path());
        assertEquals(dir.resolve("up.bin").toString(), up.file());
        assertEquals("STOR", up.verb());

        Operation down = await(Kind.DOWNLOAD, 0);
        assertEquals(10, down.bytes());
        assertEquals("/down.txt", down.path());

        Operation list = await(Kind.LIST, 0);
        assertEquals(226, list.replyCode());
        assertTrue(list.bytes() > 0);

        assertEquals("/d", await(Kind.MKDIR, 0).path());
        Operation rename = await(Kind.RENAME, 0);
        assertEquals("/up.bin", rename.path());
        assertEquals("/d/moved.bin", rename.targetPath());
        assertTrue(rename.ok());
        Operation chmod = await(Kind.CHMOD, 0);
        assertEquals("/d/moved.bin", chmod.path());
        assertEquals(200, chmod.replyCode());
        assertEquals(213, await(Kind.MFMT, 0).replyCode());
        assertTrue(await(Kind.DELETE, 0).ok());
        Operation refused = await(Kind.DELETE, 1);
        assertEquals(550, refused.replyCode());
        assertFalse(refused.ok());
        assertEquals("/d", await(Kind.RMDIR, 0).path());
        Operation site = await(Kind.SITE, 0);
        assertEquals(214, site.replyCode());
        assertNull(site.path());
        Operation logout = await(Kind.LOGOUT, 0);
        assertEquals(221, logout.replyCode());
        assertEquals("u", logout.user());
        // Each once, in the order they happened.
        List<Kind> kinds = ops.stream().map(Operation::kind).toList();
        assertEquals(List.of(Kind.LOGIN, Kind.UPLOAD, Kind.DOWNLOAD, Kind.LIST, Kind.MKDIR, Kind.RENAME, Kind.CHMOD,
                Kind.MFMT, Kind.DELETE, Kind.DELETE, Kind.RMDIR, Kind.SITE, Kind.LOGOUT), kinds);
    }

    @Test
    void aFailedLoginAndADroppedConnectionAreReported() throws IOException {
        try (RawClient r = server.raw()) {
            r.reply();
            r.command("USER u");
            assertTrue(r.command("PASS wrong").startsWith("530 "));
        }
        Operation failed = await(Kind.LOGIN, 0);
        assertEquals(530, failed.replyCode());
        assertEquals("u", failed.user());
        assertTrue(ops.stream().noneMatch(o -> o.kind() == Kind.LOGOUT), "nobody was logged in: " + ops);

        try (RawClient r = server.rawLoggedIn()) {
            r.expect("REIN", 220);
            r.login("u", "p");
        }
        Operation rein = await(Kind.LOGOUT, 0);
        assertEquals(220, rein.replyCode());
        assertEquals("REIN", rein.verb());
        assertEquals("u", rein.user());
        Operation gone = await(Kind.LOGOUT, 1);
        assertEquals(0, gone.replyCode(), "closed without QUIT");
        assertEquals("u", gone.user());
    }

    @Test
    void anAbortedUploadIsReportedOnceAsFailedAndStatDuringItIsNotItsEnd() throws Exception {
        try (RawClient r = server.rawLoggedIn()) {
            r.expect("TYPE I", 200);
            int port = r.pasv();
            try (Socket data = new Socket("127.0.0.1", port)) {
                String started = r.command("STOR big.bin");
                assertTrue(started.startsWith("150 ") || started.startsWith("125 "), started);
                OutputStream out = data.getOutputStream();
                out.write(new byte[64 * 1024]);
                out.flush();
                r.expect("STAT", 211);
                assertTrue(r.command("ABOR").startsWith("426 "));
                assertTrue(r.reply().startsWith("226 "));
            }
            r.expect("NOOP", 200);
        }
        Operation up = await(Kind.UPLOAD, 0);
        assertEquals(426, up.replyCode());
        assertFalse(up.ok());
        assertEquals("/big.bin", up.path());
        await(Kind.LOGOUT, 0);
        assertEquals(1, ops.stream().filter(o -> o.kind() == Kind.UPLOAD).count(), ops.toString());
    }

    @Test
    void aRefusedCommandIsAFailedOperation() throws IOException {
        try (RawClient r = server.rawLoggedIn()) {
            assertTrue(r.command("MKD").startsWith("501 "));
            assertTrue(r.command("RMD /no/such").startsWith("550 "));
        }
        assertEquals(501, await(Kind.MKDIR, 0).replyCode());
        Operation rmd = await(Kind.RMDIR, 0);
        assertEquals(550, rmd.replyCode());
        assertEquals("/no/such", rmd.path());
    }
}
