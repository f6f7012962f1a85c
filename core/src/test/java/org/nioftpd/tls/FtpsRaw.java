package org.nioftpd.tls;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * A control connection spoken by hand, that can go TLS in the middle (AUTH
 * TLS) or from the start (implicit): for what no client library sends, such
 * as plaintext pipelined after AUTH TLS. Replies are read byte by byte, never
 * ahead, so that nothing meant for TLS is swallowed as text.
 */
final class FtpsRaw implements AutoCloseable {

    private final Socket plain;
    private Socket socket;
    private InputStream in;
    private OutputStream out;

    private FtpsRaw(Socket plain) throws IOException {
        this.plain = plain;
        use(plain);
    }

    /** A plaintext connection to {@code port} on 127.0.0.1. */
    static FtpsRaw connect(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        s.setSoTimeout(20_000);
        return new FtpsRaw(s);
    }

    /** A TLS connection from the first byte (implicit FTPS). */
    static FtpsRaw implicit(int port, SSLContext context) throws IOException {
        FtpsRaw r = connect(port);
        r.startTls(context);
        return r;
    }

    private void use(Socket s) throws IOException {
        socket = s;
        in = s.getInputStream();
        out = s.getOutputStream();
    }

    /** The TLS handshake on this connection, client side; from now on everything is TLS. */
    SSLSocket startTls(SSLContext context) throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(plain, "127.0.0.1", plain.getPort(), true);
        s.setUseClientMode(true);
        s.setSoTimeout(20_000);
        s.startHandshake();
        use(s);
        return s;
    }

    SSLSocket tls() {
        return (SSLSocket) socket;
    }

    FtpsRaw send(String line) throws IOException {
        return sendRaw((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    FtpsRaw sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) != -1) {
            if (c == '\n') {
                break;
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        if (c == -1 && b.size() == 0) {
            return null;
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    /** One whole reply, multi-line ones joined by '\n'; null at end of stream. */
    String reply() throws IOException {
        String first = line();
        if (first == null || first.length() < 4 || first.charAt(3) != '-') {
            return first;
        }
        StringBuilder sb = new StringBuilder(first);
        String end = first.substring(0, 3) + " ";
        String l;
        while ((l = line()) != null) {
            sb.append('\n').append(l);
            if (l.startsWith(end)) {
                break;
            }
        }
        return sb.toString();
    }

    String command(String line) throws IOException {
        send(line);
        return reply();
    }

    void login() throws IOException {
        expect("331", command("USER u"));
        expect("230", command("PASS p"));
    }

    /** EPSV: the passive port. */
    int epsv() throws IOException {
        String r = command("EPSV");
        expect("229", r);
        int bar = r.indexOf("|||");
        return Integer.parseInt(r.substring(bar + 3, r.indexOf('|', bar + 3)));
    }

    static void expect(String code, String reply) throws IOException {
        if (reply == null || !reply.startsWith(code)) {
            throw new IOException("expected " + code + ", got: " + reply);
        }
    }

    /** A plain TCP data connection to {@code port}. */
    static Socket dataPlain(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        s.setSoTimeout(20_000);
        return s;
    }

    /** TLS over {@code plain}, whose socket a test may close under it to cut TCP without close_notify. */
    static SSLSocket dataTls(Socket plain, SSLContext context) throws IOException {
        SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket(plain, "127.0.0.1", plain.getPort(), true);
        s.setUseClientMode(true);
        s.setSoTimeout(20_000);
        s.startHandshake();
        return s;
    }

    @Override
    public void close() throws IOException {
        socket.close();
        plain.close();
    }
}
