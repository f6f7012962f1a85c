package org.nioftpd.transport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import org.nioftpd.reactor.EventLoop;
import org.nioftpd.reactor.IoHandler;

/**
 * A plain TCP {@link EndPoint}: a non-blocking {@link SocketChannel}
 * registered on one loop. It keeps its interest ops honest: OP_READ only while
 * the protocol wants input, OP_WRITE only while output is waiting, because a
 * key interested in something that is always true (a writable socket) makes
 * select return at once, forever, and spins the CPU.
 */
public final class SocketEndPoint implements EndPoint, IoHandler {

    private final EventLoop loop;
    private final SocketChannel channel;
    private final InetSocketAddress remote;
    private final InetSocketAddress local;
    private SelectionKey key;
    private Handler handler;
    private int interest;

    /** Loop thread only: registers {@code channel} (already connected, non-blocking) with {@code loop}. */
    public SocketEndPoint(EventLoop loop, SocketChannel channel) throws IOException {
        this.loop = loop;
        this.channel = channel;
        this.remote = (InetSocketAddress) channel.getRemoteAddress();
        this.local = (InetSocketAddress) channel.getLocalAddress();
        this.key = loop.register(channel, 0, this);
    }

    @Override
    public EventLoop loop() {
        return loop;
    }

    @Override
    public void handler(Handler handler) {
        this.handler = handler;
    }

    public SocketChannel channel() {
        return channel;
    }

    @Override
    public void onReady(SelectionKey k, int readyOps) throws IOException {
        // Write first: draining output may free the protocol to read more.
        if ((readyOps & SelectionKey.OP_WRITE) != 0 && key.isValid()) {
            handler.onWritable();
        }
        if ((readyOps & SelectionKey.OP_READ) != 0 && key.isValid()) {
            handler.onReadable();
        }
    }

    @Override
    public void onFailure(Throwable cause) {
        close();
        if (handler != null) {
            handler.onFailure(cause);
        }
    }

    @Override
    public int fill(ByteBuffer dst) throws IOException {
        return channel.read(dst);
    }

    @Override
    public int flush(ByteBuffer src) throws IOException {
        return channel.write(src);
    }

    @Override
    public long transferFrom(FileChannel file, long position, long count) throws IOException {
        return file.transferTo(position, count, channel);
    }

    @Override
    public void readInterest(boolean on) {
        setInterest(SelectionKey.OP_READ, on);
    }

    @Override
    public void writeInterest(boolean on) {
        setInterest(SelectionKey.OP_WRITE, on);
    }

    private void setInterest(int op, boolean on) {
        int next = on ? interest | op : interest & ~op;
        if (next != interest && key.isValid()) {
            interest = next;
            key.interestOps(next);
        }
    }

    @Override
    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
    }

    @Override
    public boolean isOpen() {
        return channel.isOpen();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    @Override
    public InetSocketAddress localAddress() {
        return local;
    }

    @Override
    public void close() {
        key.cancel();
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing left to do with a channel that fails to close
        }
    }
}
