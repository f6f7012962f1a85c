package org.nioftpd.tls;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * A TLS client that sees records one by one, as the simplest clients do
 * (wput reads one record per SSL_read and gives up if it holds no data): a
 * JDK client engine over a blocking socket, reading exactly one record at a
 * time, and able to send all of its encrypted bytes or all but a few (a cut in
 * mid-record). For the tests of what the server sends after a handshake and
 * of how it takes a FIN without close_notify.
 */
final class RecordClient {

    private final Socket socket;
    private final SSLEngine engine;
    private final DataInputStream in;
    private final OutputStream out;
    private final ByteBuffer app;

    RecordClient(Socket socket, SSLContext context, String protocol) throws IOException {
        this.socket = socket;
        this.engine = context.createSSLEngine("127.0.0.1", socket.getPort());
        engine.setUseClientMode(true);
        if (protocol != null) {
            engine.setEnabledProtocols(new String[] {protocol});
        }
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        this.app = ByteBuffer.allocate(engine.getSession().getApplicationBufferSize() * 2);
        handshake();
    }

    SSLEngine engine() {
        return engine;
    }

    private void handshake() throws IOException {
        engine.beginHandshake();
        while (true) {
            HandshakeStatus hs = engine.getHandshakeStatus();
            switch (hs) {
                case NEED_WRAP -> out.write(wrap(ByteBuffer.allocate(0)));
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> unwrapOneRecord();
                case NEED_TASK -> {
                    for (Runnable t = engine.getDelegatedTask(); t != null; t = engine.getDelegatedTask()) {
                        t.run();
                    }
                }
                default -> {
                    return;
                }
            }
        }
    }

    /** Encrypts {@code plain} into whole records. */
    byte[] wrap(ByteBuffer plain) throws SSLException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ByteBuffer net = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        do {
            net.clear();
            SSLEngineResult r = engine.wrap(plain, net);
            bytes.write(net.array(), 0, net.position());
            if (r.getHandshakeStatus() == HandshakeStatus.NEED_TASK) {
                for (Runnable t = engine.getDelegatedTask(); t != null; t = engine.getDelegatedTask()) {
                    t.run();
                }
            }
            if (r.bytesProduced() == 0) {
                break;
            }
        } while (plain.hasRemaining() || engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP);
        return bytes.toByteArray();
    }

    /** Reads exactly one record from the socket and unwraps it: its plaintext, maybe empty (a handshake message). */
    byte[] unwrapOneRecord() throws IOException {
        byte[] header = new byte[5];
        in.readFully(header);
        int length = ((header[3] & 0xff) << 8) | (header[4] & 0xff);
        byte[] record = new byte[5 + length];
        System.arraycopy(header, 0, record, 0, 5);
        in.readFully(record, 5, length);
        app.clear();
        SSLEngineResult r = engine.unwrap(ByteBuffer.wrap(record), app);
        if (r.getStatus() != SSLEngineResult.Status.OK && r.getStatus() != SSLEngineResult.Status.CLOSED) {
            throw new SSLException("unwrap: " + r);
        }
        byte[] plain = new byte[app.position()];
        app.flip().get(plain);
        return plain;
    }

    /** Sends a command line in one record. */
    void send(String line) throws IOException {
        out.write(wrap(ByteBuffer.wrap((line + "\r\n").getBytes(StandardCharsets.US_ASCII))));
        out.flush();
    }

    /** Sends raw (already encrypted) bytes. */
    void sendRaw(byte[] bytes, int length) throws IOException {
        out.write(bytes, 0, length);
        out.flush();
    }

    InputStream rawIn() {
        return in;
    }

    /** TCP FIN, with no close_notify before it. */
    void finWithoutCloseNotify() throws IOException {
        socket.shutdownOutput();
    }
}
