package org.nioftpd.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nioftpd.tls.FtpsRaw.expect;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.testing.TestServer;

/**
 * The two mechanisms behind wput's failures (issue 16), without wput
 * (WputFtpsTest drives the real one): a client that reads one record at a
 * time and gives up on one without data must get the reply first, not a TLS
 * 1.3 NewSessionTicket; and an upload that ends with a FIN at a record
 * boundary but no close_notify is complete, unless the server is strict, while
 * one cut in mid-record is refused either way.
 */
@Timeout(60)
class TlsClientQuirksTest {

    private static final SSLContext CLIENT = TlsTesting.clientContext();

    @TempDir
    Path dir;

    /** Plain connect, 220, AUTH TLS, 234, then a record-by-record TLS client; returns the first record after USER. */
    private static byte[] firstRecordAfterUser(TestServer server, String protocol) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", server.port()), 10_000);
            s.setSoTimeout(20_000);
            var in = s.getInputStream();
            readLine(in); // 220
            s.getOutputStream().write("AUTH TLS\r\n".getBytes(StandardCharsets.US_ASCII));
            assertTrue(readLine(in).startsWith("234"));
            RecordClient tls = new RecordClient(s, CLIENT, protocol);
            assertEquals(protocol, tls.engine().getSession().getProtocol());
            tls.send("USER " + TestServer.USER);
            return tls.unwrapOneRecord();
        }
    }

    private static String readLine(java.io.InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int b; (b = in.read()) != '\n'; ) {
            if (b < 0) {
                throw new IOException("end of stream after " + sb);
            }
            sb.append((char) b);
        }
        return sb.toString();
    }

    @Test
    void underTls13TheFirstRecordAfterTheHandshakeIsTheReplyNotASessionTicket() throws Exception {
        try (TestServer server = TlsTesting.server(dir)) {
            String first = new String(firstRecordAfterUser(server, "TLSv1.3"), StandardCharsets.US_ASCII);
            assertTrue(first.startsWith("331"), "first record: \"" + first + "\"");
        }
    }

    @Test
    void underTls12TooTheReplyComesFirst() throws Exception {
        try (TestServer server = TlsTesting.server(dir)) {
            String first = new String(firstRecordAfterUser(server, "TLSv1.2"), StandardCharsets.US_ASCII);
            assertTrue(first.startsWith("331"), "first record: \"" + first + "\"");
        }
    }

    @Test
    void whenDataMustResumeTheControlSessionItsTicketIsSentFirst() throws Exception {
        // The trade-off, written down: resumption under TLS 1.3 needs the ticket, so the
        // server sends it (in front of the first reply) and wput-like clients cannot use it.
        try (TestServer server = TlsTesting.server(dir, b -> b.tlsRequireSessionReuse(true))) {
            assertEquals(0, firstRecordAfterUser(server, "TLSv1.3").length, "a record without data: the ticket");
        }
    }

    // --------------------------------------------------------- end of an upload

    private FtpsRaw loggedInProtP(TestServer server) throws IOException {
        FtpsRaw c = FtpsRaw.connect(server.port());
        expect("220", c.reply());
        expect("234", c.command("AUTH TLS"));
        c.startTls(CLIENT);
        c.login();
        expect("200", c.command("PBSZ 0"));
        expect("200", c.command("PROT P"));
        expect("200", c.command("TYPE I"));
        return c;
    }

    /** STOR of {@code bytes} through a record client, then a FIN without close_notify after all but {@code cut} encrypted bytes. */
    private String uploadEndingWithFin(FtpsRaw c, String name, byte[] bytes, int cut) throws IOException {
        int port = c.epsv();
        try (Socket plain = FtpsRaw.dataPlain(port)) {
            expect("1", c.command("STOR " + name));
            RecordClient data = new RecordClient(plain, CLIENT, null);
            byte[] records = data.wrap(ByteBuffer.wrap(bytes));
            data.sendRaw(records, records.length - cut);
            data.finWithoutCloseNotify();
            return c.reply();
        }
    }

    @Test
    void byDefaultAnUploadEndingWithAFinAtARecordBoundaryIsComplete() throws Exception {
        byte[] bytes = TlsTesting.randomBytes(200_000, 7);
        try (TestServer server = TlsTesting.server(dir); FtpsRaw c = loggedInProtP(server)) {
            expect("226", uploadEndingWithFin(c, "whole.bin", bytes, 0));
            assertArrayEquals(bytes, Files.readAllBytes(dir.resolve("whole.bin")));
        }
    }

    @Test
    void anUploadCutInMidRecordIsRefusedEvenByDefault() throws Exception {
        try (TestServer server = TlsTesting.server(dir); FtpsRaw c = loggedInProtP(server)) {
            expect("426", uploadEndingWithFin(c, "cut.bin", TlsTesting.randomBytes(200_000, 8), 9));
            assertFalse(Files.exists(dir.resolve("cut.bin")), "a truncated upload is not committed");
        }
    }

    @Test
    void aStrictServerRefusesAnUploadWithoutCloseNotify() throws Exception {
        try (TestServer server = TlsTesting.server(dir, b -> b.tlsStrictUploadEof(true)); FtpsRaw c = loggedInProtP(server)) {
            expect("426", uploadEndingWithFin(c, "strict.bin", TlsTesting.randomBytes(200_000, 9), 0));
            assertFalse(Files.exists(dir.resolve("strict.bin")));
        }
    }
}
