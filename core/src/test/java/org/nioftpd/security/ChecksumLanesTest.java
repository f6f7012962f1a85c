package org.nioftpd.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.auth.Authenticator;
import org.nioftpd.auth.InMemoryAuthenticator;
import org.nioftpd.auth.UserAccount;
import org.nioftpd.testing.Await;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/**
 * Issue 19, item 3: checksums cannot take the worker pool from logins, and
 * one address cannot ask for unbounded checksum work. The "big" file is a
 * 1 TiB sparse file: hashing it holds a bulk thread far longer than any test
 * runs (the server's close interrupts it), so "still running" is a count of
 * replies (none), not a time. Checked against the server before the lanes:
 * the login's 230 never came (its check queued behind the checksums), no
 * checksum was refused with 450, and the byte cap did not exist.
 */
@Timeout(60)
class ChecksumLanesTest {

    @TempDir
    Path dir;

    private Path big() throws Exception {
        Path big = dir.resolve("big.iso");
        try (RandomAccessFile f = new RandomAccessFile(big.toFile(), "rw")) {
            f.setLength(1L << 40);
        }
        return big;
    }

    /** Not cheap, so its checks run on the interactive lane; counts them. */
    private static final class SlowAuthenticator implements Authenticator {
        final InMemoryAuthenticator users = new InMemoryAuthenticator();
        final AtomicInteger checks = new AtomicInteger();

        @Override
        public UserAccount authenticate(String user, String password) {
            checks.incrementAndGet();
            return users.authenticate(user, password);
        }
    }

    @Test
    void aLoginIsNotDelayedByChecksumsHoldingEveryBulkThread() throws Exception {
        big();
        SlowAuthenticator auth = new SlowAuthenticator();
        auth.users.addUser(TestServer.USER, TestServer.PASSWORD, dir, true);
        try (TestServer server = TestServer.start(dir, b -> b.authenticator(auth)
                .workerThreads(1).checksumThreads(1).maxChecksumsPerAddress(0).maxHashBytes(0))) {
            List<RawClient> hashing = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    hashing.add(server.raw().greetAndLogin(TestServer.USER, TestServer.PASSWORD));
                }
                for (RawClient c : hashing) { // one runs, two wait: the bulk lane is full
                    c.send("XCRC big.iso");
                }
                int before = auth.checks.get();
                try (RawClient login = server.raw()) {
                    login.greetAndLogin(TestServer.USER, TestServer.PASSWORD); // fails unless 230
                    assertEquals(before + 1, auth.checks.get(), "the login was checked by the authenticator");
                    assertTrue(login.command("PWD").startsWith("257 "));
                }
                for (RawClient c : hashing) {
                    assertFalse(c.replyWaiting(), "the checksums are still running or queued");
                }
            } finally {
                for (RawClient c : hashing) {
                    c.close();
                }
            }
        }
    }

    @Test
    void checksumsBeyondTheAddressLimitAreRefusedWith450() throws Exception {
        big();
        try (TestServer server = TestServer.start(dir, b -> b.maxChecksumsPerAddress(2).maxHashBytes(0))) {
            List<RawClient> hashing = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    RawClient c = server.rawLoggedIn();
                    hashing.add(c);
                    c.send("XSHA256 big.iso");
                }
                Await.until(Duration.ofSeconds(20), "a reply to one of three checksums", () ->
                        hashing.stream().anyMatch(ChecksumLanesTest::replyWaiting));
                List<String> replies = new ArrayList<>();
                RawClient refused = null;
                for (RawClient c : hashing) {
                    if (c.replyWaiting()) {
                        replies.add(c.reply());
                        refused = c;
                    }
                }
                assertEquals(List.of("450 Too many checksums running for your address; try again later."), replies);
                assertTrue(refused.command("NOOP").startsWith("200"), "the refused session goes on");
            } finally {
                for (RawClient c : hashing) {
                    c.close();
                }
            }
        }
    }

    @Test
    void finishedChecksumsGiveTheirPlaceBack() throws Exception {
        Files.writeString(dir.resolve("small.txt"), "hello");
        try (TestServer server = TestServer.start(dir, b -> b.maxChecksumsPerAddress(1));
             RawClient a = server.rawLoggedIn();
             RawClient b = server.rawLoggedIn()) {
            for (int i = 0; i < 5; i++) {
                assertEquals("250 3610A686", a.command("XCRC small.txt"));
                assertTrue(b.command("XSHA256 small.txt").startsWith("250 2cf24dba"));
            }
        }
    }

    @Test
    void aRequestLargerThanTheByteCapIsRefusedWith504() throws Exception {
        Files.write(dir.resolve("f.bin"), new byte[2048]);
        try (TestServer server = TestServer.start(dir, b -> b.maxHashBytes(1024));
             RawClient c = server.rawLoggedIn()) {
            String refusal = "504 Refusing to hash more than 1024 bytes in one request;"
                    + " ask for a range (XSHA256 path start end).";
            assertEquals(refusal, c.command("HASH f.bin"));
            assertEquals(refusal, c.command("XCRC f.bin"));
            assertEquals(refusal, c.command("XSHA256 f.bin 0 1025"));
            assertTrue(c.command("XSHA256 f.bin 0 1024").startsWith("250 "));
            assertTrue(c.command("XCRC f.bin 1024 2048").startsWith("250 "));
        }
    }

    private static boolean replyWaiting(RawClient c) {
        try {
            return c.replyWaiting();
        } catch (java.io.IOException e) {
            return true; // a closed connection is an answer too: the assertion says which
        }
    }
}
