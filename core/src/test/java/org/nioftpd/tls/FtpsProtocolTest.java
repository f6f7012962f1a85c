package org.nioftpd.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nioftpd.tls.FtpsRaw.expect;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.FtpServer;
import org.nioftpd.testing.Await;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/** RFC 4217 on the wire, by hand: the AUTH TLS switch, PBSZ/PROT, the policy options, close_notify, renegotiation. */
@Timeout(60)
class FtpsProtocolTest {

    private static final SSLContext CLIENT = TlsTesting.clientContext();

    @TempDir
    Path dir;

    // ------------------------------------------------------------ AUTH TLS switch

    @Test
    void plaintextPipelinedAfterAuthTlsIsDiscardedNeverRun() throws Exception {
        try (TestServer server = TlsTesting.server(dir); FtpsRaw c = FtpsRaw.connect(server.port())) {
            expect("220", c.reply());
            // One write, so the server reads both lines at once: a man in the middle appending a command.
            c.sendRaw("AUTH TLS\r\nUSER evil\r\n".getBytes(StandardCharsets.US_ASCII));
            expect("234", c.reply());
            c.startTls(CLIENT);
            // Had "USER evil" run, its 331 would come first, and PASS would be accepted as its password.
            assertEquals("503 Login with USER first.", c.command("PASS whatever"));
            assertEquals("200 NOOP ok.", c.command("NOOP"));
            c.login();
            assertTrue(c.command("PWD").startsWith("257"));
        }
    }

    @Test
    void aWholePipelinedLoginAfterAuthTlsIsNotRun() throws Exception {
        try (TestServer server = TlsTesting.server(dir); FtpsRaw c = FtpsRaw.connect(server.port())) {
            expect("220", c.reply());
            c.sendRaw("AUTH TLS\r\nUSER u\r\nPASS p\r\nDELE x\r\n".getBytes(StandardCharsets.US_ASCII));
            expect("234", c.reply());
            c.startTls(CLIENT);
            assertTrue(c.command("PWD").startsWith("530"), "not logged in: the pipelined login was dropped");
        }
    }

    @Test
    void userSentInPlaintextBeforeAuthMustBeSentAgainInsideTls() throws Exception {
        try (TestServer server = TlsTesting.server(dir); FtpsRaw c = FtpsRaw.connect(server.port())) {
            expect("220", c.reply());
            expect("331", c.command("USER u"));
            expect("234", c.command("AUTH TLS"));
            c.startTls(CLIENT);
            assertEquals("503 Login with USER first.", c.command("PASS p"));
        }
    }

    @Test
    void plaintextInjectedAfterThe234BreaksTheHandshakeNotTheServer() throws Exception {
        try (TestServer server = TlsTesting.server(dir); FtpsRaw c = FtpsRaw.connect(server.port())) {
            expect("220", c.reply());
            expect("234", c.command("AUTH TLS"));
            c.send("USER evil"); // lands where the ClientHello should: the TLS engine rejects it
            assertThrows(IOException.class, () -> c.startTls(CLIENT));
        }
        try (TestServer server = TlsTesting.server(dir); FtpsRaw c = FtpsRaw.connect(server.port())) {
            expect("220", c.reply()); // and the server is fine
        }
    }

    // ------------------------------------------------------- commands and FEAT

    @Test
    void featOffersTlsOnlyWhenTheServerHasACertificate() throws Exception {
        try (TestServer server = TlsTesting.server(dir); RawClient c = new RawClient(server.port())) {
            c.reply();
            String feat = c.command("FEAT");
            for (String line : new String[] {"\n AUTH TLS\n", "\n PBSZ\n", "\n PROT\n"}) {
                assertTrue(feat.contains(line), line.strip() + " missing from " + feat);
            }
            assertTrue(c.command("HELP").contains("CCC"));
        }
        try (TestServer plain = TestServer.start(dir.resolve("plain")); RawClient c = new RawClient(plain.port())) {
            c.reply();
            assertFalse(c.command("FEAT").contains("AUTH"));
            assertTrue(c.command("AUTH TLS").startsWith("500"), "no certificate, no AUTH command");
        }
    }

    @Test
    void securityCommandsAnswerAsRfc4217Says() throws Exception {
        try (TestServer server = TlsTesting.server(dir); FtpsRaw c = FtpsRaw.connect(server.port())) {
            expect("220", c.reply());
            expect("503", c.command("PBSZ 0"));      // before AUTH
            expect("503", c.command("PROT P"));
            expect("533", c.command("CCC"));
            expect("504", c.command("AUTH GSSAPI"));  // unknown mechanism
            expect("501", c.command("AUTH"));
            expect("234", c.command("AUTH tls"));
            c.startTls(CLIENT);
            expect("503", c.command("AUTH TLS"));     // already
            expect("503", c.command("PROT P"));      // before PBSZ
            expect("501", c.command("PBSZ x"));
            assertEquals("200 PBSZ=0", c.command("PBSZ 0"));
            assertEquals("200 PBSZ=0", c.command("PBSZ 1024")); // TLS has no buffer: always 0
            expect("536", c.command("PROT S"));
            expect("536", c.command("PROT E"));
            expect("504", c.command("PROT Q"));
            expect("200", c.command("PROT C"));
            expect("200", c.command("PROT P"));
            expect("534", c.command("CCC"));          // refused by design
            c.login();
            String stat = c.command("STAT");
            assertTrue(stat.contains("Control connection: TLSv1.3") && stat.contains("PROT P"), stat);
            assertEquals("221 Goodbye.", c.command("QUIT"));
            assertEquals(null, c.reply(), "closed after QUIT, with close_notify");
        }
    }

    @Test
    void authSslImpliesProtP() throws Exception {
        try (TestServer server = TlsTesting.server(dir); FtpsRaw c = FtpsRaw.connect(server.port())) {
            expect("220", c.reply());
            expect("234", c.command("AUTH SSL"));
            c.startTls(CLIENT);
            c.login();
            assertTrue(c.command("STAT").contains("private (PROT P)"));
        }
    }

    // --------------------------------------------------------- data connections

    @Test
    void protPDataConnectionsAreTlsAndPlaintextOnesAreRefusedWith522() throws Exception {
        Files.writeString(dir.resolve("f.txt"), "secret");
        try (TestServer server = TlsTesting.server(dir); FtpsRaw c = FtpsRaw.connect(server.port())) {
            expect("220", c.reply());
            expect("234", c.command("AUTH TLS"));
            c.startTls(CLIENT);
            c.login();
            expect("200", c.command("PBSZ 0"));
            expect("200", c.command("PROT P"));
            expect("200", c.command("TYPE I"));

            int port = c.epsv();
            try (Socket data = FtpsRaw.dataPlain(port)) {
                expect("1", c.command("RETR f.txt"));
                data.getOutputStream().write("not a ClientHello\r\n".getBytes(StandardCharsets.US_ASCII));
                String got = new String(readAll(data.getInputStream()), StandardCharsets.ISO_8859_1);
                assertFalse(got.contains("secret"), "no plaintext comes out");
                expect("522", c.reply());
            }

            port = c.epsv();
            try (Socket plain = FtpsRaw.dataPlain(port)) {
                expect("1", c.command("RETR f.txt"));
                SSLSocket data = FtpsRaw.dataTls(plain, CLIENT);
                assertEquals("secret", new String(readAll(data.getInputStream()), StandardCharsets.UTF_8));
                expect("226", c.reply());
            }
        }
    }

    @Test
    void protCDataConnectionsStayPlainUnderATlsControlConnection() throws Exception {
        Files.writeString(dir.resolve("f.txt"), "public");
        try (TestServer server = TlsTesting.server(dir); FtpsRaw c = FtpsRaw.connect(server.port())) {
            expect("220", c.reply());
            expect("234", c.command("AUTH TLS"));
            c.startTls(CLIENT);
            c.login();
            expect("200", c.command("PBSZ 0"));
            expect("200", c.command("PROT C"));
            int port = c.epsv();
            try (Socket data = FtpsRaw.dataPlain(port)) {
                expect("1", c.command("RETR f.txt"));
                assertEquals("public", new String(readAll(data.getInputStream()), StandardCharsets.UTF_8));
                expect("226", c.reply());
            }
        }
    }

    @Test
    void implicitTlsGreetsInsideTlsAndAssumesProtP() throws Exception {
        Files.writeString(dir.resolve("f.txt"), "implicit");
        try (TestServer server = TlsTesting.server(dir);
             FtpsRaw c = FtpsRaw.implicit(server.server().implicitTlsPort(), CLIENT)) {
            expect("220", c.reply());
            expect("503", c.command("AUTH TLS")); // already TLS
            c.login();
            int port = c.epsv();
            try (Socket plain = FtpsRaw.dataPlain(port)) {
                expect("1", c.command("RETR f.txt"));
                SSLSocket data = FtpsRaw.dataTls(plain, CLIENT); // no PBSZ, no PROT: P is assumed
                assertEquals("implicit", new String(readAll(data.getInputStream()), StandardCharsets.UTF_8));
                expect("226", c.reply());
            }
        }
    }

    @Test
    void implicitListenerRefusesPlaintextClients() throws Exception {
        try (TestServer server = TlsTesting.server(dir);
             Socket s = FtpsRaw.dataPlain(server.server().implicitTlsPort())) {
            s.getOutputStream().write("USER u\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] got = readAll(s.getInputStream());
            assertFalse(new String(got, StandardCharsets.ISO_8859_1).contains("220"), "no plaintext greeting");
            Await.until(Duration.ofSeconds(10), "session gone", () -> server.server().sessionCount() == 0);
        }
    }

    @Test
    void aPortProbeOnTheImplicitListenerIsADisconnectNotAnError() throws Exception {
        java.util.List<String> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.atomic.AtomicInteger disconnects = new java.util.concurrent.atomic.AtomicInteger();
        org.nioftpd.event.FtpEvents events = new org.nioftpd.event.FtpEvents() {
            @Override
            public void error(java.net.InetSocketAddress client, String what) {
                errors.add(what);
            }

            @Override
            public void disconnected(java.net.InetSocketAddress client, String user) {
                disconnects.incrementAndGet();
            }
        };
        try (TestServer server = TlsTesting.server(dir, b -> b.events(events))) {
            FtpsRaw.dataPlain(server.server().implicitTlsPort()).close(); // connect, say nothing, leave
            Await.until(Duration.ofSeconds(10), "the session ends", () -> disconnects.get() == 1);
            assertEquals(java.util.List.of(), errors);
            try (Socket s = FtpsRaw.dataPlain(server.server().implicitTlsPort())) {
                s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                readAll(s.getInputStream());
            }
            Await.until(Duration.ofSeconds(10), "the second session ends", () -> disconnects.get() == 2);
            assertEquals(1, errors.size(), "a failed handshake is an error: " + errors);
        }
    }

    @Test
    void implicitTlsBehindProxyProtocolTakesTheClientHelloThatCameWithTheHeader() throws Exception {
        try (TestServer server = TlsTesting.server(dir, b -> b.proxyProtocol(true))) {
            byte[] header = "PROXY TCP4 127.0.0.7 127.0.0.1 40000 990\r\n".getBytes(StandardCharsets.US_ASCII);
            // The header and the ClientHello leave in one write: the server reads both at once and must
            // hand the bytes after the header to the TLS engine, not wait for the socket to be readable again.
            Socket plain = new PrefixingSocket(header);
            plain.connect(new java.net.InetSocketAddress("127.0.0.1", server.server().implicitTlsPort()), 10_000);
            try (SSLSocket tls = FtpsRaw.dataTls(plain, CLIENT)) {
                java.io.BufferedReader r = new java.io.BufferedReader(
                        new java.io.InputStreamReader(tls.getInputStream(), StandardCharsets.US_ASCII));
                assertTrue(r.readLine().startsWith("220"));
                tls.getOutputStream().write("USER u\r\nPASS p\r\nSTAT\r\n".getBytes(StandardCharsets.US_ASCII));
                assertTrue(r.readLine().startsWith("331"));
                assertTrue(r.readLine().startsWith("230"));
                assertEquals("211-nioftpd status:", r.readLine());
                assertEquals(" Connected to 127.0.0.7", r.readLine());
            }
        }
    }

    /** A socket whose first write carries {@code prefix} in front, in the same write. */
    private static final class PrefixingSocket extends Socket {
        private final byte[] prefix;
        private boolean sent;

        PrefixingSocket(byte[] prefix) {
            this.prefix = prefix;
        }

        @Override
        public OutputStream getOutputStream() throws IOException {
            OutputStream out = super.getOutputStream();
            return new java.io.FilterOutputStream(out) {
                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    if (!sent) {
                        sent = true;
                        byte[] all = new byte[prefix.length + len];
                        System.arraycopy(prefix, 0, all, 0, prefix.length);
                        System.arraycopy(b, off, all, prefix.length, len);
                        out.write(all);
                    } else {
                        out.write(b, off, len);
                    }
                }
            };
        }
    }

    // ------------------------------------------------------------------ close_notify

    @Test
    void withStrictUploadEofAnUploadCutWithoutCloseNotifyIsAFailureNotAFile() throws Exception {
        try (TestServer server = TlsTesting.server(dir, b -> b.tlsStrictUploadEof(true)); FtpsRaw c = loggedInProtP(server)) {
            int port = c.epsv();
            Socket plain = FtpsRaw.dataPlain(port);
            expect("1", c.command("STOR cut.bin"));
            SSLSocket data = FtpsRaw.dataTls(plain, CLIENT);
            data.getOutputStream().write(TlsTesting.randomBytes(100_000, 1));
            data.getOutputStream().flush();
            plain.close(); // TCP FIN with no close_notify: a truncation attack, or a crash, looks the same
            expect("426", c.reply());
            assertFalse(Files.exists(dir.resolve("cut.bin")), "a truncated upload is not committed");
            try (var files = Files.list(dir)) {
                assertEquals(0, files.count(), "and its temporary file is gone");
            }

            port = c.epsv();
            plain = FtpsRaw.dataPlain(port);
            expect("1", c.command("STOR whole.bin"));
            data = FtpsRaw.dataTls(plain, CLIENT);
            byte[] bytes = TlsTesting.randomBytes(100_000, 2);
            data.getOutputStream().write(bytes);
            data.close(); // close_notify, then FIN
            expect("226", c.reply());
            assertEquals(TlsTesting.sha256(bytes), TlsTesting.sha256(dir.resolve("whole.bin")));
        }
    }

    @Test
    void aDownloadEndsWithCloseNotify() throws Exception {
        byte[] bytes = TlsTesting.randomBytes(300_000, 3);
        Files.write(dir.resolve("d.bin"), bytes);
        try (TestServer server = TlsTesting.server(dir); FtpsRaw c = loggedInProtP(server)) {
            expect("200", c.command("TYPE I"));
            int port = c.epsv();
            try (Socket plain = FtpsRaw.dataPlain(port)) {
                expect("1", c.command("RETR d.bin"));
                SSLSocket data = FtpsRaw.dataTls(plain, CLIENT);
                // SSLSocket reports a FIN without close_notify as an SSLException: -1 means close_notify came.
                assertEquals(TlsTesting.sha256(bytes), TlsTesting.sha256(readAll(data.getInputStream())));
                expect("226", c.reply());
            }
        }
    }

    @Test
    void aborDuringAProtectedDownloadGives426Then226() throws Exception {
        Files.write(dir.resolve("big.bin"), TlsTesting.randomBytes(20 * 1024 * 1024, 4));
        try (TestServer server = TlsTesting.server(dir); FtpsRaw c = loggedInProtP(server)) {
            int port = c.epsv();
            try (Socket plain = FtpsRaw.dataPlain(port)) {
                expect("1", c.command("RETR big.bin"));
                SSLSocket data = FtpsRaw.dataTls(plain, CLIENT);
                data.getInputStream().read(new byte[1]); // bytes flow; then the client stops reading
                expect("426", c.command("ABOR"));
                expect("226", c.reply());
            }
            assertEquals("200 NOOP ok.", c.command("NOOP"));
        }
    }

    // ---------------------------------------------------------------- policy

    @Test
    void tlsRequiredRefusesPlaintextLoginsAndClearData() throws Exception {
        Files.writeString(dir.resolve("f.txt"), "x");
        try (TestServer server = TlsTesting.server(dir, b -> b.tlsRequired(true))) {
            try (FtpsRaw c = FtpsRaw.connect(server.port())) {
                expect("220", c.reply());
                assertEquals("530 TLS required: send AUTH TLS before USER.", c.command("USER u"));
                expect("503", c.command("PASS p"));
                expect("530", c.command("PWD"));
                expect("234", c.command("AUTH TLS"));
                c.startTls(CLIENT);
                c.login();
                c.epsv();
                assertTrue(c.command("LIST").startsWith("521"), "no PROT P yet");
                expect("200", c.command("PBSZ 0"));
                expect("534", c.command("PROT C"));
                expect("200", c.command("PROT P"));
                int port = c.epsv();
                try (Socket plain = FtpsRaw.dataPlain(port)) {
                    expect("1", c.command("RETR f.txt"));
                    assertEquals("x", new String(readAll(FtpsRaw.dataTls(plain, CLIENT).getInputStream()),
                            StandardCharsets.UTF_8));
                    expect("226", c.reply());
                }
            }
            try (FtpsRaw c = FtpsRaw.implicit(server.server().implicitTlsPort(), CLIENT)) {
                expect("220", c.reply());
                c.login(); // implicit TLS satisfies the policy as it is
                int port = c.epsv();
                try (Socket plain = FtpsRaw.dataPlain(port)) {
                    expect("1", c.command("NLST"));
                    assertEquals("f.txt\r\n", new String(readAll(FtpsRaw.dataTls(plain, CLIENT).getInputStream()),
                            StandardCharsets.UTF_8));
                    expect("226", c.reply());
                }
            }
        }
    }

    @Test
    void sessionReuseRequiredRefusesAJavaClientThatDoesNotResume() throws Exception {
        // Commons Net (JSSE) does not resume the control session on data connections: 522.
        try (TestServer server = TlsTesting.server(dir, b -> b.tlsRequireSessionReuse(true))) {
            var c = TlsTesting.login(server, false);
            assertEquals(null, c.listNames());
            assertEquals(522, c.getReplyCode(), c.getReplyString());
            assertTrue(c.sendNoOp(), "the session goes on");
            c.disconnect();
        }
    }

    // ----------------------------------------------------------- renegotiation

    @Test
    void tls12ClientRenegotiationIsRefused() throws Exception {
        try (TestServer server = TlsTesting.server(dir)) {
            SSLContext tls12 = TlsTesting.clientContext("TLSv1.2");
            try (FtpsRaw c = FtpsRaw.implicit(server.server().implicitTlsPort(), tls12)) {
                expect("220", c.reply());
                assertEquals("TLSv1.2", c.tls().getSession().getProtocol());
                c.tls().startHandshake(); // a new ClientHello on the established connection
                IOException closed = assertThrows(IOException.class, () -> {
                    String r = c.command("NOOP");
                    if (r == null) {
                        throw new java.io.EOFException("closed");
                    }
                });
                assertTrue(closed instanceof SSLException || closed instanceof java.io.EOFException
                        || closed instanceof java.net.SocketException, closed.toString());
            }
            try (FtpsRaw c = FtpsRaw.implicit(server.server().implicitTlsPort(), tls12)) {
                expect("220", c.reply()); // the server goes on
            }
        }
    }

    // ------------------------------------------------------------------- loop

    @Test
    void idleTlsSessionsDoNotSpinTheLoop() throws Exception {
        try (TestServer server = TlsTesting.server(dir, b -> b.loops(1));
             FtpsRaw c = loggedInProtP(server);
             FtpsRaw i = FtpsRaw.implicit(server.server().implicitTlsPort(), CLIENT)) {
            expect("220", i.reply());
            FtpServer s = server.server();
            long before = s.loopStats().get(0).handledEvents();
            // Wait 300 ms for a reply that never comes: a loop spinning on a TLS key would count thousands of events.
            c.tls().setSoTimeout(300);
            assertThrows(SocketTimeoutException.class, c::reply);
            long events = s.loopStats().get(0).handledEvents() - before;
            assertTrue(events < 20, events + " loop events while two TLS sessions were idle");
        }
    }

    // ---------------------------------------------------------------- helpers

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

    private static byte[] readAll(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        try {
            int n;
            while ((n = in.read(buf)) != -1) {
                b.write(buf, 0, n);
            }
        } catch (java.net.SocketException e) {
            // reset by the server after a refused handshake: what came before is what counts
        }
        return b.toByteArray();
    }

    @SuppressWarnings("unused")
    private static void write(OutputStream out, byte[] b) throws IOException {
        out.write(b);
        out.flush();
    }
}
