package org.nioftpd.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.session.Command;
import org.nioftpd.session.CommandTable;
import org.nioftpd.command.Commands;
import org.nioftpd.testing.Await;
import org.nioftpd.testing.TestServer;
import org.nioftpd.tls.TlsTesting;

/**
 * Issue 4, item 2: authentication (RFC 2577 section 5 and what vsftpd does).
 * Before login only the commands that must work do; USER never tells a name
 * apart; both kinds of wrong login get the same 530, after the same delay;
 * three failures close the session; an address that keeps failing is banned
 * for a while, and then let in again.
 */
@Timeout(60)
class AuthenticationTest {

    /**
     * What works before login. AUTH, PBSZ and PROT are the RFC 4217 exchange
     * that comes before USER (and CCC its undoing); they are in the table only
     * when the server has a certificate, and without a TLS control connection
     * PBSZ, PROT and CCC refuse (503, 533) anyway.
     */
    private static final Set<String> BEFORE_LOGIN = Set.of(
            "USER", "PASS", "AUTH", "PBSZ", "PROT", "CCC", "FEAT", "SYST", "HELP", "NOOP", "QUIT", "OPTS");

    @TempDir
    Path dir;

    /**
     * Every verb of the command table, aliases too, sent before login: 530
     * unless it is one of the few that must work. Driven by the table, so a
     * command added later as ANYONE by mistake fails here. Without the
     * dispatcher's access check, PWD would answer 257, STOR would create a
     * file, and so on. Without a certificate AUTH is not in the table: 500.
     */
    @Test
    void beforeLoginOnlyTheLoginCommandsWork() throws Exception {
        try (TestServer server = TestServer.start(dir)) {
            Set<String> open = beforeLogin(server, Commands.table());
            assertEquals(new TreeSet<>(List.of("USER", "PASS", "FEAT", "SYST", "HELP", "NOOP", "QUIT", "OPTS")), open);
            try (Ctl c = Ctl.open(server.port())) {
                Ctl.expect("220", c.reply());
                Ctl.expect("500", c.command("AUTH TLS"));
            }
        }
        try (var list = Files.list(dir)) {
            assertEquals(0, list.count(), "nothing sent before login touched the disk");
        }
    }

    /** The same with a certificate: the FTPS commands work before login, nothing else more. */
    @Test
    void beforeLoginWithTlsOnlyTheLoginAndTlsCommandsWork() throws Exception {
        try (TestServer server = TlsTesting.server(dir)) {
            Set<String> open = beforeLogin(server, Commands.table(true));
            assertTrue(open.containsAll(List.of("AUTH", "PBSZ", "PROT", "CCC")), open.toString());
            try (Ctl c = Ctl.open(server.port())) {
                Ctl.expect("220", c.reply());
                Ctl.expect("503", c.command("PBSZ 0"));  // needs TLS first
                Ctl.expect("503", c.command("PROT P"));
                Ctl.expect("533", c.command("CCC"));
                Ctl.expect("234", c.command("AUTH TLS")); // the handshake would follow
            }
        }
    }

    /** Sends every verb of {@code table} before login; returns the names of the commands open to anyone. */
    private static Set<String> beforeLogin(TestServer server, CommandTable table) throws Exception {
        List<String> refused = new ArrayList<>();
        Set<String> open = new TreeSet<>();
        try (Ctl c = Ctl.open(server.port())) {
            Ctl.expect("220", c.reply());
            for (Command command : table.all()) {
                List<String> verbs = new ArrayList<>(List.of(command.name()));
                verbs.addAll(command.aliases());
                if (command.access() == Command.Access.ANYONE) {
                    assertTrue(BEFORE_LOGIN.contains(command.name()),
                            command.name() + " works before login but is not on the list");
                    open.add(command.name());
                    continue;
                }
                for (String verb : verbs) {
                    // With an argument (none checks it before access) and without.
                    assertEquals("530 Please login with USER and PASS.", c.command(verb + " /etc/passwd"), verb);
                    assertEquals("530 Please login with USER and PASS.", c.command(verb), verb);
                    refused.add(verb);
                }
            }
            // The open ones answer, and not with 530.
            Ctl.expect("211", c.command("FEAT"));
            Ctl.expect("215", c.command("SYST"));
            Ctl.expect("214", c.command("HELP"));
            Ctl.expect("200", c.command("NOOP"));
            Ctl.expect("200", c.command("OPTS UTF8 ON"));
            Ctl.expect("503", c.command("PASS x"));                  // no USER yet
            Ctl.expect("221", c.command("QUIT"));
        }
        assertTrue(refused.size() > 40, "refused: " + refused);
        return open;
    }

    /** USER never says whether a name exists (RFC 2577 section 5). */
    @Test
    void userAlwaysGets331() throws Exception {
        try (TestServer server = TestServer.start(dir); Ctl c = Ctl.open(server.port())) {
            Ctl.expect("220", c.reply());
            String known = c.command("USER u");
            String unknown = c.command("USER nobody-by-that-name");
            String root = c.command("USER root");
            assertEquals("331 Please specify the password.", known);
            assertEquals(known, unknown);
            assertEquals(known, root);
            Ctl.expect("331", c.command("USER anonymous"));
        }
    }

    /**
     * An unknown user and a wrong password get the same 530, each after at
     * least the configured delay (a lower bound measured around the reply,
     * not a speed assertion). With the delay off the replies would come back
     * in well under 400 ms; with different texts, the assertEquals fails.
     */
    @Test
    void bothWrongLoginsGetTheSame530AfterTheDelay() throws Exception {
        Duration delay = Duration.ofMillis(400);
        try (TestServer server = TestServer.start(dir, b -> b.failedLoginDelay(delay).maxLoginFailures(10));
             Ctl c = Ctl.open(server.port())) {
            Ctl.expect("220", c.reply());
            List<String> replies = new ArrayList<>();
            for (String user : List.of("nobody", "u", "ro", "nobody", "u")) {
                Ctl.expect("331", c.command("USER " + user));
                long start = System.nanoTime();
                String r = c.command("PASS wrong-password");
                long took = System.nanoTime() - start;
                assertTrue(took >= delay.toNanos(), user + ": 530 came after " + took / 1_000_000 + " ms");
                replies.add(r);
            }
            for (String r : replies) {
                assertEquals("530 Login incorrect.", r);
            }
            c.login("u", "p"); // the right password still works after failures
        }
    }

    /** The third failure is answered with 530 and then 421, and the connection closes. */
    @Test
    void threeFailuresClose() throws Exception {
        try (TestServer server = TestServer.start(dir, b -> b.failedLoginDelay(Duration.ofMillis(10)));
             Ctl c = Ctl.open(server.port())) {
            Ctl.expect("220", c.reply());
            for (int i = 1; i <= 2; i++) {
                Ctl.expect("331", c.command("USER u"));
                Ctl.expect("530", c.command("PASS wrong"));
            }
            Ctl.expect("331", c.command("USER u"));
            c.send("PASS wrong");
            List<String> last = c.repliesUntilClosed(Duration.ofSeconds(5));
            assertEquals(List.of("530 Login incorrect.", "421 Too many failed logins, closing control connection."),
                    last);
        }
    }

    /**
     * Failures count per address across sessions: two sessions of two
     * failures each reach the threshold of four; then a new connection from
     * that address gets 421 at once, while another address is still let in;
     * after the ban's duration the address is let in again. Without
     * Admission's ban the third connection would get 220.
     */
    @Test
    void repeatedFailuresBanTheAddressForAWhile() throws Exception {
        Duration ban = Duration.ofMillis(1500);
        try (TestServer server = TestServer.start(dir, b -> b
                .failedLoginDelay(Duration.ofMillis(10))
                .maxLoginFailures(2)
                .banFailedLogins(4, Duration.ofMinutes(1), ban))) {
            long bannedAt = 0;
            for (int session = 0; session < 2; session++) {
                try (Ctl c = Ctl.open(server.port())) {
                    Ctl.expect("220", c.reply());
                    Ctl.expect("331", c.command("USER u"));
                    Ctl.expect("530", c.command("PASS wrong"));
                    Ctl.expect("331", c.command("USER nobody"));
                    bannedAt = System.nanoTime(); // no later than the ban starts
                    c.send("PASS wrong");
                    List<String> r = c.repliesUntilClosed(Duration.ofSeconds(5));
                    assertEquals("530 Login incorrect.", r.get(0));
                    Ctl.expect("421", r.get(1));
                }
            }
            try (Ctl c = Ctl.open(server.port())) {
                List<String> r = c.repliesUntilClosed(Duration.ofSeconds(5));
                assertEquals(List.of("421 Too many failed logins from your address; try again later."), r);
            }
            try (Ctl fromElsewhere = Ctl.open(server.port(), Ctl.OTHER)) {
                Ctl.expect("220", fromElsewhere.reply());
                fromElsewhere.login("u", "p");
            }
            Await.until(Duration.ofSeconds(20), "the ban to end", () -> {
                try (Ctl c = Ctl.open(server.port())) {
                    return c.reply().startsWith("220");
                } catch (Exception e) {
                    return false;
                }
            });
            assertTrue(System.nanoTime() - bannedAt >= ban.toNanos(), "the ban ended too early");
            try (Ctl c = Ctl.login(server.port(), "u", "p")) {
                Ctl.expect("257", c.command("PWD"));
            }
        }
    }

    /** banFailedLogins(0, ...) turns banning off: the fifth session is still let in. */
    @Test
    void banningCanBeTurnedOff() throws Exception {
        try (TestServer server = TestServer.start(dir, b -> b
                .failedLoginDelay(Duration.ZERO)
                .maxLoginFailures(1)
                .banFailedLogins(0, Duration.ofMinutes(1), Duration.ofMinutes(1)))) {
            for (int i = 0; i < 5; i++) {
                try (Ctl c = Ctl.open(server.port())) {
                    Ctl.expect("220", c.reply());
                    Ctl.expect("331", c.command("USER u"));
                    c.send("PASS wrong");
                    assertEquals(2, c.repliesUntilClosed(Duration.ofSeconds(5)).size());
                }
            }
            try (Ctl c = Ctl.open(server.port())) {
                Ctl.expect("220", c.reply());
            }
        }
    }

    /** A session closed for failures sends nothing more and reads nothing more. */
    @Test
    void nothingRunsAfterTheClosing421() throws Exception {
        try (TestServer server = TestServer.start(dir, b -> b.failedLoginDelay(Duration.ofMillis(10)).maxLoginFailures(1));
             Ctl c = Ctl.open(server.port())) {
            Ctl.expect("220", c.reply());
            Ctl.expect("331", c.command("USER u"));
            // Pipelined after the failing PASS: must never run.
            c.sendRaw("PASS wrong\r\nUSER u\r\nPASS p\r\nMKD pipelined\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            List<String> r = c.repliesUntilClosed(Duration.ofSeconds(5));
            assertEquals(2, r.size(), r.toString());
            Ctl.expect("421", r.get(1));
            assertNull(c.reply());
        }
        assertTrue(Files.notExists(dir.resolve("pipelined")));
    }
}
