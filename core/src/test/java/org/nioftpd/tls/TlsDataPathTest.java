package org.nioftpd.tls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.nioftpd.tls.FtpsRaw.expect;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.testing.TestServer;

/**
 * The TLS data path's batching, byte for byte: an upload's records are
 * decrypted several at a time straight into the upload's buffer, a download's
 * file is read several records at a time and its records leave in batches
 * (the last batch at the next OP_WRITE). Sizes around the record (16 KiB) and
 * batch (4 and 8 records) boundaries, under TLS 1.2 and 1.3, and the refusal
 * of a renegotiation in the middle of an upload.
 */
@Timeout(120)
class TlsDataPathTest {

    private static final int RECORD = 16 * 1024;
    private static final int[] SIZES = {
        0, 1, RECORD - 1, RECORD, RECORD + 1, 4 * RECORD, 4 * RECORD + 1, 8 * RECORD - 1, 8 * RECORD,
        8 * RECORD + 1, 48 * 1024 + 7, 3_000_017,
    };

    @TempDir
    Path dir;

    @Test
    void everySizeGoesUpAndComesBackWholeUnderTls12And13() throws Exception {
        for (String protocol : new String[] {"TLSv1.3", "TLSv1.2"}) {
            SSLContext client = TlsTesting.clientContext(protocol);
            try (TestServer server = TlsTesting.server(dir); FtpsRaw c = loggedInProtP(server, client)) {
                for (int size : SIZES) {
                    String name = protocol + "-" + size + ".bin";
                    byte[] bytes = TlsTesting.randomBytes(size, size);
                    upload(c, client, name, bytes, 64 * 1024);
                    assertArrayEquals(bytes, Files.readAllBytes(dir.resolve(name)), protocol + " STOR " + size);
                    assertArrayEquals(bytes, download(c, client, name), protocol + " RETR " + size);
                }
            }
        }
    }

    /** Thousands of tiny records: many in one socket read, each decrypted into what room the buffer has left. */
    @Test
    void anUploadOfTinyRecordsArrivesWhole() throws Exception {
        SSLContext client = TlsTesting.clientContext();
        try (TestServer server = TlsTesting.server(dir); FtpsRaw c = loggedInProtP(server, client)) {
            byte[] bytes = TlsTesting.randomBytes(200_003, 7);
            upload(c, client, "tiny.bin", bytes, 13); // one TLS record per 13-byte write
            assertArrayEquals(bytes, Files.readAllBytes(dir.resolve("tiny.bin")));
        }
    }

    @Test
    void aTls12RenegotiationInTheMiddleOfAnUploadFailsItAndTheServerGoesOn() throws Exception {
        SSLContext client = TlsTesting.clientContext("TLSv1.2");
        try (TestServer server = TlsTesting.server(dir); FtpsRaw c = loggedInProtP(server, client)) {
            int port = c.epsv();
            try (Socket plain = FtpsRaw.dataPlain(port)) {
                expect("1", c.command("STOR reneg.bin"));
                SSLSocket data = FtpsRaw.dataTls(plain, client);
                OutputStream out = data.getOutputStream();
                out.write(TlsTesting.randomBytes(300_000, 8));
                out.flush();
                try {
                    data.startHandshake(); // the client's new ClientHello, behind the data records
                    out.write(TlsTesting.randomBytes(100_000, 9));
                    out.flush();
                } catch (IOException expected) {
                    // the server may already have closed the connection: what matters is its reply
                }
                String reply = c.reply();
                assertTrue(reply != null && reply.startsWith("4"), "a refused renegotiation fails the upload: " + reply);
            }
            assertFalse(Files.exists(dir.resolve("reneg.bin")), "a failed upload is not committed");
            byte[] after = TlsTesting.randomBytes(70_000, 10);
            upload(c, client, "after.bin", after, 64 * 1024);
            assertArrayEquals(after, Files.readAllBytes(dir.resolve("after.bin")), "the session goes on");
        }
    }

    private static void upload(FtpsRaw c, SSLContext client, String name, byte[] bytes, int writeSize) throws IOException {
        int port = c.epsv();
        try (Socket plain = FtpsRaw.dataPlain(port)) {
            expect("1", c.command("STOR " + name));
            try (SSLSocket data = FtpsRaw.dataTls(plain, client)) {
                OutputStream out = data.getOutputStream();
                for (int off = 0; off < bytes.length; off += writeSize) {
                    out.write(bytes, off, Math.min(writeSize, bytes.length - off));
                }
                out.flush();
            } // close_notify, then FIN
            expect("226", c.reply());
        }
    }

    private static byte[] download(FtpsRaw c, SSLContext client, String name) throws IOException {
        int port = c.epsv();
        try (Socket plain = FtpsRaw.dataPlain(port)) {
            expect("1", c.command("RETR " + name));
            SSLSocket data = FtpsRaw.dataTls(plain, client);
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            InputStream in = data.getInputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) != -1) { // an SSLException if the FIN came without close_notify
                b.write(buf, 0, n);
            }
            expect("226", c.reply());
            data.close();
            return b.toByteArray();
        }
    }

    private static FtpsRaw loggedInProtP(TestServer server, SSLContext client) throws IOException {
        FtpsRaw c = FtpsRaw.connect(server.port());
        expect("220", c.reply());
        expect("234", c.command("AUTH TLS"));
        c.startTls(client);
        c.login();
        expect("200", c.command("PBSZ 0"));
        expect("200", c.command("PROT P"));
        expect("200", c.command("TYPE I"));
        assertEquals(client.getProtocol().equals("TLS") ? "TLSv1.3" : client.getProtocol(),
                c.tls().getSession().getProtocol());
        return c;
    }
}
