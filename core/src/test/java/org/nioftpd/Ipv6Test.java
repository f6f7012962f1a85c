package org.nioftpd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.commons.net.ProtocolCommandEvent;
import org.apache.commons.net.ProtocolCommandListener;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/** RFC 2428 over IPv6 on [::1]: EPSV and EPRT work, PASV (IPv4 only) is refused with 425. Skipped without ::1. */
@Timeout(30)
class Ipv6Test {

    static final InetAddress V6 = v6();

    @TempDir
    Path dir;
    TestServer server;
    final byte[] content = new byte[123_456];

    static InetAddress v6() {
        try {
            return InetAddress.getByName("::1");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @BeforeEach
    void start() throws IOException {
        try (ServerSocket probe = new ServerSocket(0, 1, V6)) {
            assertTrue(probe.getLocalPort() > 0);
        } catch (IOException e) {
            Assumptions.abort("no ::1 on this machine: " + e);
        }
        new Random(6).nextBytes(content);
        server = TestServer.start(dir, new InetSocketAddress(V6, 0), b -> { });
        Files.write(dir.resolve("f.bin"), content);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private List<String> record(FTPClient c) {
        List<String> sent = new ArrayList<>();
        c.addProtocolCommandListener(new ProtocolCommandListener() {
            @Override
            public void protocolCommandSent(ProtocolCommandEvent event) {
                sent.add(event.getCommand());
            }

            @Override
            public void protocolReplyReceived(ProtocolCommandEvent event) {
            }
        });
        return sent;
    }

    @Test
    void listensOnV6() {
        assertEquals(V6, server.server().addresses().get(0).getAddress());
    }

    @Test
    void commonsNetPassiveUsesEpsv() throws IOException {
        FTPClient c = server.client(V6, TestServer.USER, TestServer.PASSWORD);
        List<String> sent = record(c);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(c.retrieveFile("f.bin", out), c.getReplyString());
        assertArrayEquals(content, out.toByteArray());
        assertTrue(c.storeFile("g.bin", new ByteArrayInputStream(content)), c.getReplyString());
        assertArrayEquals(content, Files.readAllBytes(dir.resolve("g.bin")));
        assertEquals(2, sent.stream().filter("EPSV"::equals).count(), sent.toString());
        c.disconnect();
    }

    @Test
    void commonsNetActiveUsesEprt() throws IOException {
        FTPClient c = server.client(V6, TestServer.USER, TestServer.PASSWORD);
        c.enterLocalActiveMode();
        List<String> sent = record(c);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(c.retrieveFile("f.bin", out), c.getReplyString());
        assertArrayEquals(content, out.toByteArray());
        assertEquals(List.of("EPRT", "RETR"), sent);
        c.disconnect();
    }

    @Test
    void rawEpsv() throws IOException {
        try (RawClient r = new RawClient(V6, server.port()).greetAndLogin("u", "p")) {
            r.expect("TYPE I", 200);
            int port = r.epsv();
            try (Socket data = r.connectData(port)) {
                r.expect("RETR f.bin", 1);
                assertArrayEquals(content, RawClient.readAll(data));
            }
            assertTrue(r.reply().startsWith("226 "));
            assertTrue(r.command("EPSV 2").startsWith("229 "));
            assertTrue(r.command("EPSV 1").startsWith("522 "), "IPv4 on an IPv6 connection");
        }
    }

    @Test
    void rawEprt() throws IOException {
        try (RawClient r = new RawClient(V6, server.port()).greetAndLogin("u", "p");
             ServerSocket listener = new ServerSocket(0, 1, V6)) {
            listener.setSoTimeout(20_000);
            r.expect("TYPE I", 200);
            r.expect("EPRT |2|::1|" + listener.getLocalPort() + "|", 200);
            r.expect("RETR f.bin", 150);
            try (Socket data = listener.accept()) {
                assertEquals(V6, data.getInetAddress());
                assertArrayEquals(content, RawClient.readAll(data));
            }
            assertTrue(r.reply().startsWith("226 "));
            assertTrue(r.command("EPRT |2|0:0:0:0:0:0:0:1|" + listener.getLocalPort() + "|").startsWith("200 "),
                    "another spelling of ::1");
        }
    }

    @Test
    void pasvIsRefusedWith425() throws IOException {
        try (RawClient r = new RawClient(V6, server.port()).greetAndLogin("u", "p")) {
            assertTrue(r.command("PASV").startsWith("425 "));
            assertTrue(r.command("NOOP").startsWith("200 "));
        }
    }

    @Test
    void ipv4TargetsAreAnotherHost() throws IOException {
        try (RawClient r = new RawClient(V6, server.port()).greetAndLogin("u", "p")) {
            assertTrue(r.command("PORT 127,0,0,1,200,1").startsWith("504 "));
            assertTrue(r.command("EPRT |1|127.0.0.1|50000|").startsWith("504 "));
            assertTrue(r.command("EPRT |2|::1|21|").startsWith("504 "), "privileged port");
        }
    }
}
