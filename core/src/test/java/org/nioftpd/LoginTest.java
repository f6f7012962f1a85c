package org.nioftpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nioftpd.testing.Await;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/** RFC 959 4.1.1 and RFC 2577: the greeting, USER/PASS, what works before login, failures, anonymous, REIN. */
@Timeout(30)
class LoginTest {

    @TempDir
    Path dir;
    TestServer server;

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start(dir);
        Files.writeString(dir.resolve("f.txt"), "data\n");
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @Test
    void greetingIs220() throws IOException {
        try (RawClient r = server.raw()) {
            String greeting = r.reply();
            assertTrue(greeting.startsWith("220 "), greeting);
        }
    }

    @Test
    void userThenPassLogsIn() throws IOException {
        try (RawClient r = server.raw()) {
            r.reply();
            assertTrue(r.command("USER u").startsWith("331 "));
            assertTrue(r.command("PASS p").startsWith("230 "));
            assertTrue(r.command("PWD").startsWith("257 \"/\""));
        }
    }

    @Test
    void commonsNetLogsIn() throws IOException {
        FTPClient c = server.client();
        assertTrue(c.sendNoOp());
        c.logout();
        c.disconnect();
    }

    @Test
    void wrongPasswordAndUnknownUserGetTheSameReply() throws IOException {
        String wrongPassword;
        String unknownUser;
        try (RawClient r = server.raw()) {
            r.reply();
            assertTrue(r.command("USER u").startsWith("331 "));
            wrongPassword = r.command("PASS wrong");
        }
        try (RawClient r = server.raw()) {
            r.reply();
            String user = r.command("USER nobody");
            // USER must not tell a known name from an unknown one
            assertTrue(user.startsWith("331 "), user);
            unknownUser = r.command("PASS p");
        }
        assertTrue(wrongPassword.startsWith("530 "), wrongPassword);
        assertEquals(wrongPassword, unknownUser);
    }

    @Test
    void userRepliesAreTheSameForKnownAndUnknownNames() throws IOException {
        try (RawClient r = server.raw()) {
            r.reply();
            assertEquals(r.command("USER u"), r.command("USER nobody"));
        }
    }

    @Test
    void passWithoutUserIs503() throws IOException {
        try (RawClient r = server.raw()) {
            r.reply();
            assertTrue(r.command("PASS p").startsWith("503 "));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PWD", "XPWD", "CWD /", "CDUP", "LIST", "NLST", "MLSD", "MLST f.txt", "RETR f.txt",
            "STOR x", "APPE x", "DELE f.txt", "MKD d", "RMD d", "RNFR f.txt", "RNTO g", "SIZE f.txt",
            "MDTM f.txt", "PASV", "EPSV", "PORT 127,0,0,1,200,10", "EPRT |1|127.0.0.1|50000|", "TYPE I",
            "MODE S", "STRU F", "REST 0", "ABOR", "SITE HELP", "STAT /", "ALLO 10", "ACCT a", "CWD", "RETR"})
    void everyOtherCommandIs530BeforeLogin(String command) throws IOException {
        try (RawClient r = server.raw()) {
            r.reply();
            String reply = r.command(command);
            assertTrue(reply.startsWith("530 "), command + " -> " + reply);
        }
        assertEquals("data\n", Files.readString(dir.resolve("f.txt")), "nothing ran");
        assertFalse(Files.exists(dir.resolve("x")));
        assertFalse(Files.exists(dir.resolve("d")));
    }

    @Test
    void loginCommandsWorkBeforeLogin() throws IOException {
        try (RawClient r = server.raw()) {
            r.reply();
            assertTrue(r.command("FEAT").startsWith("211-"));
            assertEquals("215 UNIX Type: L8", r.command("SYST"));
            assertTrue(r.command("HELP").startsWith("214-"));
            assertTrue(r.command("NOOP").startsWith("200 "));
            assertTrue(r.command("STAT").startsWith("530 "), "STAT tells about the session: after login only");
            assertTrue(r.command("USER u").startsWith("331 "));
            assertTrue(r.command("PASS p").startsWith("230 "));
        }
        try (RawClient r = server.raw()) {
            r.reply();
            assertTrue(r.command("QUIT").startsWith("221 "));
            assertNull(r.reply(), "closed after 221");
        }
    }

    @Test
    void threeFailuresAre421AndClose() throws IOException {
        try (RawClient r = server.raw()) {
            r.reply();
            for (int i = 1; i <= 3; i++) {
                assertTrue(r.command("USER u").startsWith("331 "));
                assertTrue(r.command("PASS wrong" + i).startsWith("530 "), "failure " + i);
            }
            String last = r.reply();
            assertTrue(last.startsWith("421 "), last);
            assertClosed(r);
        }
        Await.until(Duration.ofSeconds(10), "the session to be gone", () -> server.server().sessionCount() == 0);
    }

    @Test
    void aSuccessfulLoginResetsTheFailureCount() throws IOException {
        try (RawClient r = server.raw()) {
            r.reply();
            for (int i = 0; i < 2; i++) {
                r.command("USER u");
                assertTrue(r.command("PASS wrong").startsWith("530 "));
            }
            r.login("u", "p");
            assertTrue(r.command("REIN").startsWith("220 "));
            for (int i = 0; i < 2; i++) {
                r.command("USER u");
                assertTrue(r.command("PASS wrong").startsWith("530 "));
            }
            r.login("u", "p");
            assertTrue(r.command("NOOP").startsWith("200 "));
        }
    }

    @Test
    void anonymousIsReadOnly() throws IOException {
        FTPClient c = server.client("anonymous", "me@example.org");
        assertEquals("data\n", new String(c.retrieveFileStream("f.txt").readAllBytes()));
        assertTrue(c.completePendingCommand());
        assertFalse(c.storeFile("new.txt", new ByteArrayInputStream(new byte[] {1})));
        assertEquals(550, c.getReplyCode());
        assertFalse(c.appendFile("f.txt", new ByteArrayInputStream(new byte[] {1})));
        assertEquals(550, c.getReplyCode());
        assertFalse(c.deleteFile("f.txt"));
        assertEquals(550, c.getReplyCode());
        assertFalse(c.makeDirectory("d"));
        assertEquals(550, c.getReplyCode());
        assertFalse(c.rename("f.txt", "g.txt"));
        assertEquals(550, c.getReplyCode());
        c.logout();
        c.disconnect();
        assertFalse(Files.exists(dir.resolve("new.txt")));
        assertFalse(Files.exists(dir.resolve("d")));
        assertEquals("data\n", Files.readString(dir.resolve("f.txt")));
    }

    @Test
    void ftpIsAnAnonymousNameToo() throws IOException {
        try (RawClient r = server.raw()) {
            r.reply();
            r.login("ftp", "x");
            assertTrue(r.command("DELE f.txt").startsWith("550 "));
        }
        assertTrue(Files.exists(dir.resolve("f.txt")));
    }

    @Test
    void readOnlyUserCannotWrite() throws IOException {
        try (RawClient r = server.raw()) {
            r.reply();
            r.login("ro", "p");
            assertTrue(r.command("MKD d").startsWith("550 "));
            assertTrue(r.command("DELE f.txt").startsWith("550 "));
        }
        assertTrue(Files.exists(dir.resolve("f.txt")));
        assertFalse(Files.exists(dir.resolve("d")));
    }

    @Test
    void reinLogsOut() throws IOException {
        try (RawClient r = server.rawLoggedIn()) {
            assertTrue(r.command("CWD /").startsWith("250 "));
            assertTrue(r.command("TYPE I").startsWith("200 "));
            assertTrue(r.command("REIN").startsWith("220 "));
            assertTrue(r.command("PWD").startsWith("530 "), "logged out");
            r.login("ro", "p");
            assertTrue(r.command("MKD d").startsWith("550 "), "now the read-only user");
            assertTrue(r.command("STAT").contains("TYPE: ASCII"), "TYPE back to its default");
        }
    }

    @Test
    void userWhileLoggedInIsRefused() throws IOException {
        try (RawClient r = server.rawLoggedIn()) {
            assertTrue(r.command("USER ro").startsWith("530 "));
            assertTrue(r.command("MKD d").startsWith("257 "), "still u, who may write");
        }
    }

    static void assertClosed(RawClient r) throws IOException {
        try {
            assertNull(r.reply(), "the server closes the connection");
        } catch (SocketException reset) {
            // a reset is a close too
        }
    }
}
