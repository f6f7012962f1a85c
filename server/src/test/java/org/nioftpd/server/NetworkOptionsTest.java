package org.nioftpd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.FtpServer;
import org.nioftpd.testing.Await;
import org.nioftpd.testing.RawClient;

/**
 * The network options (--allow-from, --deny-from, --passive-address rules,
 * --ban-exempt, --ban-mode, per listener with @LISTEN) from a config file and a
 * command line, on a real daemon; clients choose their source in 127.0.0.0/8.
 */
@Timeout(60)
class NetworkOptionsTest {

    @TempDir
    Path dir;

    private final List<Daemon> daemons = new ArrayList<>();

    @AfterEach
    void closeAll() {
        daemons.forEach(Daemon::close);
    }

    private FtpServer start(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--root", dir.toString(), "--loops", "1", "--user", "u:p"));
        Options options = Options.parse(all.toArray(String[]::new));
        options.builder().failedLoginDelay(Duration.ofMillis(50));
        Daemon daemon = Main.start(options);
        daemons.add(daemon);
        return daemon.server();
    }

    private static RawClient from(String source, InetSocketAddress server) throws IOException {
        Socket s = new Socket();
        try {
            s.bind(new InetSocketAddress(InetAddress.getByName(source), 0));
            s.connect(server, 10_000);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        return new RawClient(s);
    }

    /** Reset or closed before any reply: what a client refused by the address rules sees. */
    private static boolean refusedSilently(String source, InetSocketAddress server) throws IOException {
        RawClient c;
        try {
            c = from(source, server);
        } catch (java.net.SocketException reset) {
            return true;
        }
        try (c) {
            c.reply();
            return false;
        } catch (IOException closed) {
            return true;
        }
    }

    @Test
    void aConfigFileSetsRulesPassiveAddressesAndBanPolicy() throws Exception {
        Path conf = Files.writeString(dir.resolve("nioftpd.conf"), String.join("\n",
                "listen = 127.0.0.1:0",
                "deny-from = 127.0.0.2",
                "passive-address = 127.0.0.3/32=127.0.0.3,0.0.0.0/0=local",
                "ban = 2/600/900",
                "ban-exempt = 127.0.0.1",
                "ban-mode = address",
                "ban-ipv6-prefix = 56",
                ""));
        FtpServer server = start("--config", conf.toString());
        InetSocketAddress control = server.addresses().get(0);
        assertTrue(refusedSilently("127.0.0.2", control), "--deny-from: no greeting");
        try (RawClient c = from("127.0.0.3", control)) {
            assertTrue(c.reply().startsWith("220"));
            c.login("u", "p");
            assertTrue(c.command("PASV").matches("227 .*\\(127,0,0,3,\\d+,\\d+\\).*"));
        }
        try (RawClient c = from("127.0.0.1", control)) {
            c.reply();
            c.login("u", "p");
            assertTrue(c.command("PASV").matches("227 .*\\(127,0,0,1,\\d+,\\d+\\).*"));
        }
        try (RawClient c = from("127.0.0.1", control)) {
            c.reply();
            for (int i = 0; i < 2; i++) { // exempt: two failures ban nothing
                c.command("USER x");
                assertTrue(c.command("PASS y").startsWith("530"));
            }
        }
        try (RawClient c = from("127.0.0.1", control)) {
            assertTrue(c.reply().startsWith("220"), "--ban-exempt");
        }
        Await.until(Duration.ofSeconds(5), "the refusal counted", () -> server.stats().refusedConnections() == 1);
    }

    @Test
    void rulesForOneListenerLeaveTheOthersAlone() throws Exception {
        FtpServer server = start("--listen", "127.0.0.1:0", "--listen", "127.0.0.3:0",
                "--deny-from", "127.0.0.0/8@127.0.0.3:0", "--allow-from", "127.0.0.5@127.0.0.3:0",
                "--passive-address", "127.0.0.4@127.0.0.3:0");
        InetSocketAddress open = server.addresses().get(0);
        InetSocketAddress guarded = server.addresses().get(1);
        try (RawClient c = from("127.0.0.2", open)) {
            assertTrue(c.reply().startsWith("220"), "the first listener has no rule");
            c.login("u", "p");
            assertTrue(c.command("PASV").matches("227 .*\\(127,0,0,1,\\d+,\\d+\\).*"), "nor a passive address");
        }
        assertTrue(refusedSilently("127.0.0.2", guarded), "127.0.0.0/8 is denied on the second");
        try (RawClient c = from("127.0.0.5", guarded)) {
            assertTrue(c.reply().startsWith("220"), "the /32 allow beats the /8 deny");
            c.login("u", "p");
            assertTrue(c.command("PASV").matches("227 .*\\(127,0,0,4,\\d+,\\d+\\).*"));
        }
    }

    @Test
    void addressAndUserModeFromTheCommandLine() throws Exception {
        FtpServer server = start("--listen", "127.0.0.1:0", "--ban", "2/600/900", "--ban-mode", "address-and-user",
                "--user", "v:p");
        try (RawClient c = new RawClient(server.port())) {
            c.reply();
            for (int i = 0; i < 2; i++) {
                c.command("USER u");
                assertTrue(c.command("PASS wrong").startsWith("530"));
            }
        }
        try (RawClient c = new RawClient(server.port())) {
            assertTrue(c.reply().startsWith("220"), "the address is not banned");
            c.command("USER u");
            assertEquals("530 Too many failed logins for this user from your address; try again later.",
                    c.command("PASS p"));
            c.login("v", "p");
        }
    }
}
