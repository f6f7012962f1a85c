package org.nioftpd.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import org.nioftpd.reactor.EventLoop;

/**
 * Moves bytes for one connection, and nothing else: it does not know FTP.
 * The protocol on top (a control connection, a transfer) calls it and is
 * called back through {@link Handler}. A TLS codec is another EndPoint that
 * wraps a plain one, so the protocol never knows whether its bytes are
 * encrypted.
 *
 * <p>Every method is called on the loop thread of {@link #loop()}; so are the
 * handler's callbacks.
 */
public interface EndPoint extends AutoCloseable {

    /** What the endpoint tells the protocol above it. Loop thread only. */
    interface Handler {
        /** Bytes may be available: call {@link EndPoint#fill} until it returns 0 or -1. */
        void onReadable() throws IOException;

        /** The endpoint can take more bytes: call {@link EndPoint#flush} or {@link EndPoint#transferFrom}. */
        void onWritable() throws IOException;

        /** Something failed under the endpoint; it is already closed. */
        void onFailure(Throwable cause);
    }

    EventLoop loop();

    void handler(Handler handler);

    /** Reads what is available into {@code dst}: bytes read, 0 for none now, -1 at end of stream. */
    int fill(ByteBuffer dst) throws IOException;

    /** Writes what the socket takes now from {@code src}; returns the bytes consumed (maybe 0). */
    int flush(ByteBuffer src) throws IOException;

    /**
     * Sends up to {@code count} bytes of {@code file} from {@code position}, zero-copy
     * ({@code sendfile}) where the endpoint allows it. Returns the bytes sent, maybe 0.
     */
    long transferFrom(FileChannel file, long position, long count) throws IOException;

    /** True while bytes accepted by {@link #flush} have not reached the socket yet (TLS records). */
    default boolean hasPendingOutput() {
        return false;
    }

    /** Ask for (or stop asking for) {@link Handler#onReadable} calls. */
    void readInterest(boolean on);

    /** Ask for (or stop asking for) {@link Handler#onWritable} calls: only while output is waiting. */
    void writeInterest(boolean on);

    /** Half-close: no more bytes from us (FIN); reading goes on. */
    void shutdownOutput() throws IOException;

    boolean isOpen();

    InetSocketAddress remoteAddress();

    InetSocketAddress localAddress();

    /** Closes the connection now. Idempotent, never throws. */
    @Override
    void close();
}
