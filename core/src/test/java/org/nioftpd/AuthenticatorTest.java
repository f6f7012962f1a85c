package org.nioftpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.auth.Authenticator;
import org.nioftpd.auth.UserAccount;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/**
 * A costly authenticator (say PBKDF2) runs on the worker pool, never on the
 * event loop: while one login is being checked, the other sessions of the
 * same loop are served, and the checked session's later commands wait in order.
 */
@Timeout(30)
class AuthenticatorTest {

    @TempDir
    Path dir;

    /** Blocks every check until released; records the thread it ran on. */
    static final class SlowAuthenticator implements Authenticator {
        final CountDownLatch release = new CountDownLatch(1);
        final CountDownLatch entered = new CountDownLatch(1);
        final AtomicReference<String> thread = new AtomicReference<>();
        final Path home;

        SlowAuthenticator(Path home) {
            this.home = home;
        }

        @Override
        public UserAccount authenticate(String user, String password) {
            thread.set(Thread.currentThread().getName());
            entered.countDown();
            try {
                if (!release.await(20, TimeUnit.SECONDS)) {
                    return null;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return null;
            }
            return user.equals("slow") && password.equals("pw") ? new UserAccount("slow", home, true) : null;
        }
    }

    @Test
    void slowCheckRunsOffTheLoopAndTheLoopGoesOn() throws Exception {
        SlowAuthenticator auth = new SlowAuthenticator(dir);
        // one loop: the two sessions surely share it
        try (TestServer server = TestServer.start(dir, b -> b.authenticator(auth).loops(1));
             RawClient slow = server.raw();
             RawClient other = server.raw()) {
            slow.reply();
            other.reply();
            assertTrue(slow.command("USER slow").startsWith("331 "));
            slow.send("PASS pw");
            slow.send("PWD"); // pipelined: must wait for the verdict, and come after it
            assertTrue(auth.entered.await(10, TimeUnit.SECONDS), "the check started");

            assertEquals("215 UNIX Type: L8", other.command("SYST"), "the loop serves others meanwhile");
            assertTrue(other.command("NOOP").startsWith("200 "));
            assertTrue(!slow.replyWaiting(), "no reply before the verdict");

            auth.release.countDown();
            assertTrue(slow.reply().startsWith("230 "));
            assertTrue(slow.reply().startsWith("257 \"/\""), "the held PWD ran after the login");
            assertNotEquals(null, auth.thread.get());
            assertTrue(auth.thread.get().startsWith("nioftpd-worker-"), auth.thread.get());
        }
    }

    @Test
    void anAuthenticatorThatThrowsIsAFailedLogin() throws IOException {
        Authenticator broken = (user, password) -> {
            throw new IllegalStateException("directory unreachable");
        };
        try (TestServer server = TestServer.start(dir, b -> b.authenticator(broken));
             RawClient r = server.raw()) {
            r.reply();
            r.command("USER u");
            String reply = r.command("PASS p");
            assertTrue(reply.startsWith("530 "), reply);
            assertTrue(r.command("NOOP").startsWith("200 "));
        }
    }

    @Test
    void anAccountWhoseHomeIsMissingCannotLogIn() throws IOException {
        Authenticator homeless = (user, password) -> new UserAccount(user, dir.resolve("missing"), true);
        try (TestServer server = TestServer.start(dir, b -> b.authenticator(homeless));
             RawClient r = server.raw()) {
            r.reply();
            r.command("USER u");
            assertTrue(r.command("PASS p").startsWith("530 "));
            assertTrue(r.command("PWD").startsWith("530 "), "not logged in");
        }
    }
}
