package org.nioftpd.session;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.nioftpd.reactor.EventLoop;
import org.nioftpd.reactor.EventLoopGroup;
import org.nioftpd.reactor.IoHandler;
import org.nioftpd.reactor.Timer;
import org.nioftpd.transport.SocketEndPoint;

/**
 * A listening control socket, on one loop. It accepts in batches and hands
 * each connection to the next loop of the group (round robin, see
 * {@link EventLoopGroup}), where its session lives from then on.
 *
 * <p>When {@code accept} fails (out of file descriptors: EMFILE, ENFILE), the
 * connection stays in the kernel's backlog and the listener stays ready: asking
 * again at once would spin the loop and flood the log (seen: a full core and
 * 210,000 lines a second). So, as nginx does, the acceptor stops asking
 * (OP_ACCEPT off) and tries again after a back-off, 10 ms doubling to 1 s, on
 * a loop timer; it logs one line per back-off period at most, with a count.
 * It keeps one descriptor in reserve (an open {@code /dev/null}) and, when out
 * of descriptors, gives it up for a moment to accept the waiting clients and
 * tell them {@code 421} rather than leave them with no answer at all.
 *
 * <p>Its {@link Gate} (the listener's address rules) is asked right after
 * {@code accept}, before the socket reaches a loop or a byte is sent: a refused
 * client gets no greeting, only a reset (SO_LINGER 0, so that a flood of refused
 * connections leaves no TIME_WAIT sockets behind on the server).
 */
public final class Acceptor implements IoHandler, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Acceptor.class.getName());
    /** Accepts per wakeup: a connect storm must not keep this loop from its sessions. */
    private static final int MAX_ACCEPTS_PER_WAKEUP = 64;
    /** The first pause after a failed accept; it doubles while accepts keep failing. */
    static final long FIRST_BACKOFF_MILLIS = 10;
    /** The longest pause: a server out of descriptors recovers within a second of their release. */
    static final long MAX_BACKOFF_MILLIS = 1000;
    private static final long LOG_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(1);
    private static final byte[] REFUSAL = "421 Server busy (out of resources), try again later.\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    /** How a connection is accepted: {@code channel::accept}; a seam for tests. */
    interface AcceptFunction {
        SocketChannel accept() throws IOException;
    }

    private final ServerSocketChannel channel;
    private final EventLoop loop;
    private final EventLoopGroup group;
    private final SessionFactory sessions;
    private final AcceptFunction accept;
    private final Gate gate;
    private SelectionKey key;
    /** The descriptor in reserve; null if it could not be opened (then no 421). */
    private FileChannel reserve;
    /** The current pause; 0 while accepts succeed. */
    private long backoffMillis;
    private Timer resume;
    private long failures;
    private long failuresUnlogged;
    /** Clients told 421 through the reserve since the last report. */
    private long refused;
    private long lastLogNanos;
    /** Pauses taken so far (for tests). */
    private long pauses;

    /**
     * Decides, at accept, whether a connection from {@code remote} may go on.
     * On the listener's loop: must be quick and must not block (it counts and
     * logs a refusal itself).
     */
    public interface Gate {
        /** Admits everyone. */
        Gate ALL = remote -> true;

        boolean admits(InetSocketAddress remote);
    }

    /** Creates sessions on a loop; implemented by the server. */
    public interface SessionFactory {
        /** Runs on {@code loop}, which will own the session. */
        void open(EventLoop loop, SocketEndPoint endPoint);
    }

    public Acceptor(ServerSocketChannel channel, EventLoop loop, EventLoopGroup group, SessionFactory sessions) {
        this(channel, loop, group, sessions, Gate.ALL);
    }

    public Acceptor(ServerSocketChannel channel, EventLoop loop, EventLoopGroup group, SessionFactory sessions,
                    Gate gate) {
        this(channel, loop, group, sessions, channel::accept, gate);
    }

    Acceptor(ServerSocketChannel channel, EventLoop loop, EventLoopGroup group, SessionFactory sessions,
             AcceptFunction accept) {
        this(channel, loop, group, sessions, accept, Gate.ALL);
    }

    private Acceptor(ServerSocketChannel channel, EventLoop loop, EventLoopGroup group, SessionFactory sessions,
                     AcceptFunction accept, Gate gate) {
        this.channel = channel;
        this.loop = loop;
        this.group = group;
        this.sessions = sessions;
        this.accept = accept;
        this.gate = gate;
    }

    /** Loop thread of {@code loop}. */
    public void register() throws IOException {
        channel.configureBlocking(false);
        key = loop.register(channel, SelectionKey.OP_ACCEPT, this);
        reserve = openReserve();
    }

    @Override
    public void onReady(SelectionKey k, int readyOps) throws IOException {
        for (int i = 0; i < MAX_ACCEPTS_PER_WAKEUP; i++) {
            SocketChannel ch;
            try {
                ch = accept.accept();
            } catch (IOException e) {
                acceptFailed(e);
                return;
            }
            if (ch == null) {
                return;
            }
            if (backoffMillis != 0) {
                recovered();
            }
            if (gate != Gate.ALL && !admitted(ch)) {
                continue;
            }
            handOff(ch);
        }
    }

    /**
     * Any failed accept pauses accepting (every cause seen in practice is one
     * that asking again at once would not cure); out of descriptors, the
     * reserve tells one waiting client 421 first. Loop thread.
     */
    private void acceptFailed(IOException e) {
        failures++;
        failuresUnlogged++;
        if (isOutOfDescriptors(e)) {
            refuseWaiting();
        }
        backoffMillis = backoffMillis == 0 ? FIRST_BACKOFF_MILLIS : Math.min(MAX_BACKOFF_MILLIS, backoffMillis * 2);
        long now = System.nanoTime();
        if (failures == failuresUnlogged || now - lastLogNanos >= LOG_INTERVAL_NANOS) {
            LOG.log(System.Logger.Level.WARNING, "accept failed " + failuresUnlogged + " time(s) ("
                    + e.getMessage() + "), " + refused + " client(s) told 421: pausing accepts for "
                    + backoffMillis + " ms");
            failuresUnlogged = 0;
            refused = 0;
            lastLogNanos = now;
        }
        if (key != null && key.isValid()) {
            key.interestOps(0);
        }
        pauses++;
        resume = loop.schedule(backoffMillis, TimeUnit.MILLISECONDS, () -> {
            resume = null;
            if (key != null && key.isValid()) {
                key.interestOps(SelectionKey.OP_ACCEPT);
            }
        });
    }

    /** An accept worked after failures: back to normal, and say so once. */
    private void recovered() {
        LOG.log(System.Logger.Level.INFO, "accepting again after " + failures + " failed accept(s)");
        backoffMillis = 0;
        failures = 0;
        failuresUnlogged = 0;
    }

    static boolean isOutOfDescriptors(IOException e) {
        String m = e.getMessage();
        return m != null && m.contains("Too many open files"); // EMFILE, and ENFILE ("... in system")
    }

    /**
     * Out of descriptors: frees the one in reserve and, with it, accepts each
     * waiting client in turn (at most one batch), tells it 421 (without
     * blocking: a few bytes into an empty socket buffer) and closes it, which
     * frees the descriptor for the next; then takes the reserve back.
     */
    private void refuseWaiting() {
        if (reserve == null) {
            reserve = openReserve(); // perhaps a descriptor came free since
            return;
        }
        closeQuietly(reserve);
        reserve = null;
        try {
            for (int i = 0; i < MAX_ACCEPTS_PER_WAKEUP; i++) {
                SocketChannel ch = accept.accept();
                if (ch == null) {
                    break;
                }
                refused++;
                try {
                    ch.configureBlocking(false);
                    ch.write(ByteBuffer.wrap(REFUSAL));
                } catch (IOException ignored) {
                    // the client is refused either way
                } finally {
                    closeQuietly(ch);
                }
            }
        } catch (IOException stillOut) {
            // another thread took the descriptor: nothing more to say to anyone
        } finally {
            reserve = openReserve();
        }
    }

    private static FileChannel openReserve() {
        try {
            return FileChannel.open(Path.of("/dev/null"));
        } catch (IOException | UnsupportedOperationException | java.nio.file.InvalidPathException e) {
            return null; // no /dev/null here (or no descriptor): no 421 when out, the rest still works
        }
    }

    /** Whether the descriptor is held in reserve (for tests: a real EMFILE leaves one free without it). */
    boolean reserveHeld() {
        return reserve != null;
    }

    /** Pauses taken so far (for tests). */
    long pauses() {
        return pauses;
    }

    /** Asks the gate; a refused connection is reset at once. Loop thread. */
    private boolean admitted(SocketChannel ch) {
        InetSocketAddress remote;
        try {
            remote = (InetSocketAddress) ch.getRemoteAddress(); // the address accept(2) returned: no system call
        } catch (IOException e) {
            remote = null;
        }
        if (remote == null) {
            closeQuietly(ch); // gone already
            return false;
        }
        if (gate.admits(remote)) {
            return true;
        }
        try {
            ch.setOption(StandardSocketOptions.SO_LINGER, 0); // RST: no TIME_WAIT per refused connection
        } catch (IOException | RuntimeException ignored) {
            // closed either way
        }
        closeQuietly(ch);
        return false;
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
            if (resume != null) {
                resume.cancel();
                resume = null;
            }
            if (reserve != null) {
                closeQuietly(reserve);
                reserve = null;
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
