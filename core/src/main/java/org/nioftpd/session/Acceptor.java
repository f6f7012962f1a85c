package org.nioftpd.session;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.nioftpd.reactor.EventLoop;
import org.nioftpd.reactor.EventLoopGroup;
import org.nioftpd.reactor.IoHandler;
import org.nioftpd.transport.SocketEndPoint;

/**
 * A listening control socket, on one loop. It accepts in batches and hands
 * each connection to the next loop of the group (round robin, see
 * {@link EventLoopGroup}), where its session lives from then on.
 */
public final class Acceptor implements IoHandler, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Acceptor.class.getName());
    /** Accepts per wakeup: a connect storm must not keep this loop from its sessions. */
    private static final int MAX_ACCEPTS_PER_WAKEUP = 64;

    private final ServerSocketChannel channel;
    private final EventLoop loop;
    private final EventLoopGroup group;
    private final SessionFactory sessions;
    private SelectionKey key;

    /** Creates sessions on a loop; implemented by the server. */
    public interface SessionFactory {
        /** Runs on {@code loop}, which will own the session. */
        void open(EventLoop loop, SocketEndPoint endPoint);
    }

    public Acceptor(ServerSocketChannel channel, EventLoop loop, EventLoopGroup group, SessionFactory sessions) {
        this.channel = channel;
        this.loop = loop;
        this.group = group;
        this.sessions = sessions;
    }

    /** Loop thread of {@code loop}. */
    public void register() throws IOException {
        channel.configureBlocking(false);
        key = loop.register(channel, SelectionKey.OP_ACCEPT, this);
    }

    @Override
    public void onReady(SelectionKey k, int readyOps) throws IOException {
        for (int i = 0; i < MAX_ACCEPTS_PER_WAKEUP; i++) {
            SocketChannel ch;
            try {
                ch = channel.accept();
            } catch (IOException e) {
                // EMFILE and friends: log and keep the listener; the loop goes on.
                LOG.log(System.Logger.Level.WARNING, "accept failed: " + e.getMessage());
                return;
            }
            if (ch == null) {
                return;
            }
            handOff(ch);
        }
    }

    private void handOff(SocketChannel ch) {
        try {
            ch.configureBlocking(false);
            // Without TCP_NODELAY a small transfer's final 226 waits for the client's delayed ACK.
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            ch.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
            // ABOR may come as Telnet "IP, Synch": the Synch's DM byte is sent as TCP urgent data
            // (RFC 959 4.1.3). Read inline, the decoder strips it; otherwise the kernel would
            // hold it apart and a client that sends the whole "ABOR\r\n" urgent would lose its LF.
            ch.socket().setOOBInline(true);
        } catch (IOException e) {
            closeQuietly(ch);
            return;
        }
        EventLoop target = group.next();
        target.run(() -> {
            try {
                sessions.open(target, new SocketEndPoint(target, ch));
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot start a session: " + e);
                closeQuietly(ch);
            }
        });
    }

    @Override
    public void onFailure(Throwable cause) {
        LOG.log(System.Logger.Level.ERROR, "listener failed", cause);
    }

    /** Stops accepting. Any thread: runs on the listener's loop. */
    @Override
    public void close() {
        loop.run(() -> {
            if (key != null) {
                key.cancel();
            }
            closeQuietly(channel);
        });
    }

    private static void closeQuietly(java.nio.channels.Channel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
