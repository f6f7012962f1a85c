package org.nioftpd.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.nioftpd.tls.FtpsRaw.expect;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.testing.TestServer;

/**
 * The mechanism behind rclone's failed uploads (issue 16), without rclone: a
 * TLS 1.3 client that never reads its upload connection, writes the file,
 * sends close_notify and closes. Anything the server sent on that connection
 * (its NewSessionTicket, once sent right after the handshake) is then unread
 * in the client's socket, so the client's kernel resets the connection
 * instead of closing it, and the server loses the upload it had not read yet.
 */
@Timeout(60)
class FtpsUploadCloseTest {

    private static final SSLContext CLIENT = TlsTesting.clientContext("TLSv1.3");

    @TempDir
    Path dir;

    @RepeatedTest(10) // before the fix, about half the runs failed: the reset races the server's reads
    void anUploadFromAClientThatNeverReadsTheDataConnectionIsComplete() throws Exception {
        byte[] data = TlsTesting.randomBytes(4 * 1024 * 1024 + 1, 16);
        try (TestServer server = TlsTesting.server(dir); FtpsRaw c = FtpsRaw.connect(server.port())) {
            expect("220", c.reply());
            expect("234", c.command("AUTH TLS"));
            c.startTls(CLIENT);
            c.login();
            expect("200", c.command("PBSZ 0"));
            expect("200", c.command("PROT P"));
            expect("200", c.command("TYPE I"));
            int port = c.epsv();
            Socket plain = FtpsRaw.dataPlain(port);
            try {
                expect("1", c.command("STOR up.bin"));
                SSLSocket tls = FtpsRaw.dataTls(plain, CLIENT);
                OutputStream out = tls.getOutputStream();
                out.write(data);
                out.flush();
                // close_notify, then close the socket without a read, as Go's crypto/tls
                // does (the JDK's SSLSocket.close would first drain what is readable)
                tls.shutdownOutput();
            } finally {
                plain.close();
            }
            expect("226", c.reply());
            assertEquals(TlsTesting.sha256(data), TlsTesting.sha256(dir.resolve("up.bin")));
        }
    }
}
