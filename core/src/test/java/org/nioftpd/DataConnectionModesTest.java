package org.nioftpd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.commons.net.ProtocolCommandEvent;
import org.apache.commons.net.ProtocolCommandListener;
import org.apache.commons.net.ftp.FTPClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/**
 * Binary upload, download and listing over each way of making a data
 * connection: PASV and PORT (RFC 959), EPSV and EPRT (RFC 2428).
 */
@Timeout(60)
class DataConnectionModesTest {

    enum Mode {
        PASV, EPSV, PORT;

        void apply(FTPClient c) {
            switch (this) {
                case PASV -> c.enterLocalPassiveMode();
                case EPSV -> {
                    c.enterLocalPassiveMode();
                    c.setUseEPSVwithIPv4(true);
                }
                case PORT -> c.enterLocalActiveMode();
            }
        }
    }

    @TempDir
    Path dir;
    TestServer server;
    final byte[] content = new byte[300_000];

    @BeforeEach
    void start() throws IOException {
        new Random(42).nextBytes(content);
        server = TestServer.start(dir);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    @ParameterizedTest
    @EnumSource(Mode.class)
    void uploadDownloadAndListWithCommonsNet(Mode mode) throws IOException {
        FTPClient c = server.client();
        mode.apply(c);
        List<String> sent = new ArrayList<>();
        c.addProtocolCommandListener(new ProtocolCommandListener() {
            @Override
            public void protocolCommandSent(ProtocolCommandEvent event) {
                sent.add(event.getCommand().toUpperCase(java.util.Locale.ROOT));
            }

            @Override
            public void protocolReplyReceived(ProtocolCommandEvent event) {
            }
        });
        assertTrue(c.storeFile("up.bin", new ByteArrayInputStream(content)), c.getReplyString());
        assertEquals(226, c.getReplyCode());
        assertArrayEquals(content, Files.readAllBytes(dir.resolve("up.bin")));

        ByteArrayOutputStream down = new ByteArrayOutputStream();
        assertTrue(c.retrieveFile("up.bin", down), c.getReplyString());
        assertArrayEquals(content, down.toByteArray());

        String[] names = c.listNames();
        assertEquals(Arrays.asList("up.bin"), Arrays.asList(names));
        c.logout();
        c.disconnect();
        assertEquals(3, sent.stream().filter(mode.name()::equals).count(), "each transfer used " + mode + ": " + sent);
    }

    @Test
    void eprtDownloadAndUpload() throws IOException {
        Files.write(dir.resolve("f.bin"), content);
        try (RawClient r = server.rawLoggedIn();
             ServerSocket listener = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            listener.setSoTimeout(20_000);
            r.expect("TYPE I", 200);
            r.expect("EPRT |1|127.0.0.1|" + listener.getLocalPort() + "|", 200);
            r.expect("RETR f.bin", 150);
            try (Socket data = listener.accept()) {
                assertEquals(InetAddress.getByName("127.0.0.1"), data.getInetAddress(), "from the control's address");
                assertArrayEquals(content, RawClient.readAll(data));
            }
            assertTrue(r.reply().startsWith("226 "));

            // any delimiter from 33 to 126 (RFC 2428 section 2)
            r.expect("EPRT !1!127.0.0.1!" + listener.getLocalPort() + "!", 200);
            r.expect("STOR g.bin", 150);
            try (Socket data = listener.accept(); OutputStream out = data.getOutputStream()) {
                out.write(content);
            }
            assertTrue(r.reply().startsWith("226 "));
            assertArrayEquals(content, Files.readAllBytes(dir.resolve("g.bin")));
        }
    }

    @Test
    void portDownloadRaw() throws IOException {
        Files.write(dir.resolve("f.bin"), content);
        try (RawClient r = server.rawLoggedIn();
             ServerSocket listener = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            listener.setSoTimeout(20_000);
            int p = listener.getLocalPort();
            r.expect("TYPE I", 200);
            r.expect("PORT 127,0,0,1," + (p >> 8) + "," + (p & 0xff), 200);
            r.expect("RETR f.bin", 150);
            try (Socket data = listener.accept()) {
                assertArrayEquals(content, RawClient.readAll(data));
            }
            assertTrue(r.reply().startsWith("226 "));
        }
    }

    @Test
    void epsvWithProtocolNumber() throws IOException {
        try (RawClient r = server.rawLoggedIn()) {
            assertTrue(r.command("EPSV 1").startsWith("229 "));
            assertTrue(r.command("EPSV 2").startsWith("522 "), "IPv6 on an IPv4 connection");
            assertTrue(r.command("EPRT |3|127.0.0.1|5000|").startsWith("522 "), "unknown protocol");
            assertTrue(r.command("EPRT |1|localhost|5000|").startsWith("501 "), "a name, not an address");
            assertTrue(r.command("PORT 1,2,3").startsWith("501 "));
            assertTrue(r.command("PORT 127,0,0,1,300,1").startsWith("501 "));
        }
    }

    @Test
    void epsvAllRefusesOtherSetups() throws IOException {
        try (RawClient r = server.rawLoggedIn()) {
            r.expect("EPSV ALL", 200);
            assertTrue(r.command("PASV").startsWith("503 "));
            assertTrue(r.command("PORT 127,0,0,1,200,1").startsWith("503 "));
            assertTrue(r.command("EPRT |1|127.0.0.1|50000|").startsWith("503 "));
            assertTrue(r.command("EPSV").startsWith("229 "));
        }
    }

    @Test
    void transferWithoutDataSetupIs425() throws IOException {
        Files.write(dir.resolve("f.bin"), content);
        try (RawClient r = server.rawLoggedIn()) {
            assertTrue(r.command("RETR f.bin").startsWith("425 "));
            assertTrue(r.command("LIST").startsWith("425 "));
            assertTrue(r.command("STOR x").startsWith("425 "));
            assertTrue(r.command("NOOP").startsWith("200 "));
        }
        assertTrue(Files.notExists(dir.resolve("x")));
    }

    @Test
    void eachDataSetupServesOneTransfer() throws IOException {
        Files.write(dir.resolve("f.bin"), content);
        try (RawClient r = server.rawLoggedIn()) {
            r.expect("TYPE I", 200);
            int port = r.pasv();
            try (Socket data = r.connectData(port)) {
                r.expect("RETR f.bin", 1);
                assertArrayEquals(content, RawClient.readAll(data));
            }
            assertTrue(r.reply().startsWith("226 "));
            assertTrue(r.command("RETR f.bin").startsWith("425 "), "a new PASV is needed");
        }
    }

    @Test
    void activeConnectToNobodyIs425() throws IOException {
        Files.write(dir.resolve("f.bin"), content);
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = s.getLocalPort();
        }
        try (RawClient r = server.rawLoggedIn()) {
            r.expect("EPRT |1|127.0.0.1|" + closedPort + "|", 200);
            r.expect("RETR f.bin", 150);
            String reply = r.reply();
            assertTrue(reply.startsWith("425 "), reply);
            assertTrue(r.command("NOOP").startsWith("200 "));
        }
    }
}
