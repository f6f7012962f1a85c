package org.nioftpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.auth.Authenticator;
import org.nioftpd.auth.LoginRequest;
import org.nioftpd.auth.LoginResult;
import org.nioftpd.auth.PasswordHash;
import org.nioftpd.auth.UserAccount;
import org.nioftpd.auth.UsersFile;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/**
 * Logins with context (issue 15): per-user networks from the users file, and
 * the difference between a refusal that counts toward the failure limit and
 * bans and one that does not.
 */
@Timeout(60)
class LoginContextTest {

    @TempDir
    Path root;

    private UsersFile users() throws IOException {
        String h = PasswordHash.create("pw".toCharArray(), 1000);
        Path home = Files.createDirectories(root.resolve("home"));
        Path f = root.resolve("users");
        Files.writeString(f, String.join("\n",
                "far:" + h + ":" + home + ":rw:allow=10.0.0.0/8,2001:db8::/32",
                "near:" + h + ":" + home + ":rw:allow=10.0.0.0/8,127.0.0.0/8,::1/128",
                "denied:" + h + ":" + home + ":rw:deny=127.0.0.1/32",
                "both:" + h + ":" + home + ":rw:allow=127.0.0.0/8:deny=127.0.0.1",
                ""));
        return new UsersFile(f);
    }

    @Test
    void allowAndDenyListsDecideByTheClientsAddress() throws IOException {
        UsersFile u = users();
        try (TestServer server = TestServer.start(root, b -> b.authenticator(u))) {
            try (RawClient c = server.raw()) {
                c.reply();
                c.expect("USER far", 331);
                assertEquals("530 Login incorrect.", c.command("PASS pw"), "127.0.0.1 is not in far's allow list");
                c.expect("USER near", 331);
                c.expect("PASS pw", 230);
            }
            try (RawClient c = server.raw()) {
                c.reply();
                c.expect("USER denied", 331);
                assertEquals("530 Login incorrect.", c.command("PASS pw"));
                c.expect("USER both", 331);
                assertEquals("530 Login incorrect.", c.command("PASS pw"), "deny wins over allow");
            }
        }
    }

    @Test
    void networkRefusalsDoNotCountButWrongPasswordsDo() throws IOException {
        UsersFile u = users();
        try (TestServer server = TestServer.start(root, b -> b.authenticator(u).maxLoginFailures(2)
                .banFailedLogins(3, Duration.ofMinutes(10), Duration.ofMinutes(10)))) {
            try (RawClient c = server.raw()) {
                c.reply();
                for (int i = 0; i < 5; i++) {
                    c.expect("USER far", 331);
                    assertEquals("530 Login incorrect.", c.command("PASS pw"));
                }
                c.expect("USER near", 331);
                c.expect("PASS pw", 230); // five refusals, neither disconnected nor banned
            }
            try (RawClient c = server.raw()) {
                c.reply();
                c.expect("USER near", 331);
                assertEquals("530 Login incorrect.", c.command("PASS wrong"));
                c.expect("USER near", 331);
                String r = c.command("PASS wrong");
                assertTrue(r.startsWith("530"), r);
                assertTrue(c.reply().startsWith("421"), "the second counted failure closes");
            }
        }
    }

    @Test
    void anAuthenticatorChoosesWhetherARefusalCounts() throws IOException {
        Path home = Files.createDirectories(root.resolve("h"));
        Authenticator auth = new Authenticator() {
            @Override
            public UserAccount authenticate(String user, String password) {
                return null;
            }

            @Override
            public LoginResult login(LoginRequest r) {
                return switch (r.password()) {
                    case "ok" -> LoginResult.accept(new UserAccount(r.user(), home, false));
                    case "policy" -> LoginResult.reject("maintenance window");
                    default -> LoginResult.rejectCounted("wrong password");
                };
            }

            @Override
            public boolean isCheap() {
                return true; // on the loop: the same verdicts, without the worker hop
            }
        };
        try (TestServer server = TestServer.start(root, b -> b.authenticator(auth).maxLoginFailures(1));
             RawClient c = server.raw()) {
            c.reply();
            for (int i = 0; i < 3; i++) {
                c.expect("USER x", 331);
                assertEquals("530 Login incorrect.", c.command("PASS policy"));
            }
            c.expect("USER x", 331);
            c.expect("PASS ok", 230);
            c.expect("REIN", 220);
            c.expect("USER x", 331);
            assertTrue(c.command("PASS bad").startsWith("530"));
            assertTrue(c.reply().startsWith("421"));
        }
    }

    @Test
    void aLambdaOfTheOldShapeStillWorks() throws IOException {
        Path home = Files.createDirectories(root.resolve("l"));
        Authenticator old = (user, password) -> password.equals("pw") ? new UserAccount(user, home, true) : null;
        try (TestServer server = TestServer.start(root, b -> b.authenticator(old)); RawClient c = server.raw()) {
            c.reply();
            c.expect("USER a", 331);
            assertTrue(c.command("PASS no").startsWith("530"));
            c.expect("USER a", 331);
            c.expect("PASS pw", 230);
        }
    }
}
