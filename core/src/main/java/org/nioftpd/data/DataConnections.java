package org.nioftpd.data;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.nioftpd.reactor.IoHandler;
import org.nioftpd.reactor.Timer;
import org.nioftpd.session.Session;
import org.nioftpd.transport.EndPoint;
import org.nioftpd.transport.SocketEndPoint;

/**
 * The data side of one session: the passive listener (PASV, EPSV) or the
 * active target (PORT, EPRT), the data connection, and the transfer on it.
 * All of it lives on the session's loop.
 *
 * <p>A data connection may arrive before or after the command that uses it.
 * Passive: the listener accepts whenever the client connects; a connection
 * that came first waits (its transfer will get 125), one that comes later
 * starts the waiting transfer (which got 150). Active: the connect starts
 * with the transfer command. Either way the wait is bounded by the accept
 * timeout, and one data connection serves one transfer: after it the mode is
 * reset and the client sends PASV or PORT again.
 */
public final class DataConnections {

    private final Session session;
    private ServerSocketChannel listener;
    private SelectionKey listenerKey;
    private InetSocketAddress activeTarget;
    private SocketChannel connecting;
    private EndPoint connected;
    private Transfer waiting;
    private Timer waitTimer;
    private Timer stallTimer;

    public DataConnections(Session session) {
        this.session = session;
    }

    public boolean isConfigured() {
        return listener != null || activeTarget != null || connected != null;
    }

    public boolean isConnected() {
        return connected != null;
    }

    // ------------------------------------------------------------- passive

    /**
     * Opens a passive listener on the control connection's local address, on
     * a random free port of the configured range (any port if none), and
     * returns its address. Replaces any earlier data setup.
     *
     * <p>The new port is bound before an earlier listener is closed, because
     * closing does not free the port at once: a channel registered with a
     * selector keeps its socket until the loop next selects. Closing first
     * and binding at once made a second PASV in a range whose other ports
     * were all taken fail with 425 every other time, its own port still
     * looking busy. So when no other port is free, the session's own idle
     * listener is offered again: still one listener per session.
     */
    public InetSocketAddress listen() throws IOException {
        InetAddress bindAddress = session.localAddress().getAddress();
        int low = session.settings().passiveLow();
        int high = session.settings().passiveHigh();
        ServerSocketChannel ch;
        try {
            ch = bind(bindAddress, low, high);
            ch.configureBlocking(false);
        } catch (PassivePortsExhaustedException full) {
            if (listener != null) {
                armWaitTimer();
                return (InetSocketAddress) listener.getLocalAddress();
            }
            reset();
            throw full;
        }
        reset();
        try {
            listenerKey = session.loop().register(ch, SelectionKey.OP_ACCEPT, new Acceptor());
        } catch (IOException e) {
            ch.close();
            throw e;
        }
        listener = ch;
        armWaitTimer();
        return (InetSocketAddress) ch.getLocalAddress();
    }

    /** Tries every port of [low, high] once, from a random start: predictable ports help data theft. */
    /**
     * A listener on a port of [low, high], tried from a random start, each
     * port once: predictable ports help data theft. Each attempt gets a fresh
     * channel: the JDK's bind is bind(2) then listen(2), and when listen fails
     * (another socket with SO_REUSEADDR listens there) the descriptor stays
     * bound, so a second bind on the same channel fails with EINVAL (seen by
     * the bench as "451 Local error: Invalid argument").
     */
    private static ServerSocketChannel bind(InetAddress address, int low, int high) throws IOException {
        int span = high - low + 1;
        int start = ThreadLocalRandom.current().nextInt(span);
        for (int i = 0; i < span; i++) {
            int port = low + (start + i) % span;
            ServerSocketChannel ch = ServerSocketChannel.open();
            try {
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                ch.bind(new InetSocketAddress(address, port), 1);
                return ch;
            } catch (java.net.BindException inUse) {
                ch.close(); // taken: try the next one
            } catch (IOException | RuntimeException e) {
                ch.close();
                throw e;
            }
        }
        throw new PassivePortsExhaustedException(low, high);
    }

    /** Thrown when every port of the passive range is in use. */
    public static final class PassivePortsExhaustedException extends IOException {
        private static final long serialVersionUID = 1L;

        PassivePortsExhaustedException(int low, int high) {
            super("no free passive port in " + low + "-" + high);
        }
    }

    private final class Acceptor implements IoHandler {
        @Override
        public void onReady(SelectionKey key, int readyOps) throws IOException {
            SocketChannel ch;
            while ((ch = listener.accept()) != null) {
                if (!acceptable(ch)) {
                    ch.close(); // someone else's connection: keep waiting for the client's
                    continue;
                }
                closeListener(); // one connection per PASV: stop listening at once
                ch.configureBlocking(false);
                connected(ch);
                return;
            }
        }

        @Override
        public void onFailure(Throwable cause) {
            closeListener();
            failWaiting("passive listener failed: " + cause.getMessage());
        }
    }

    /** A passive connection from another address than the control connection's is data theft (RFC 2577). */
    private boolean acceptable(SocketChannel ch) throws IOException {
        if (session.settings().allowForeignData()) {
            return true;
        }
        InetAddress peer = ((InetSocketAddress) ch.getRemoteAddress()).getAddress();
        // Behind a PROXY-protocol load balancer the data connection may come through it too.
        return sameHost(peer, session.remoteAddress().getAddress())
                || sameHost(peer, session.socketPeerAddress().getAddress());
    }

    // -------------------------------------------------------------- active

    /** PORT / EPRT: remembers where to connect when a transfer starts. Replaces any earlier data setup. */
    public void activeTarget(InetSocketAddress target) {
        reset();
        activeTarget = target;
    }

    private void connect() throws IOException {
        SocketChannel ch = SocketChannel.open();
        try {
            ch.configureBlocking(false);
            // From the address the client talks to: the client's firewall expects it.
            ch.bind(new InetSocketAddress(session.localAddress().getAddress(), 0));
            if (ch.connect(activeTarget)) {
                connected(ch);
                return;
            }
            connecting = ch;
            session.loop().register(ch, SelectionKey.OP_CONNECT, new Connector(ch));
        } catch (IOException e) {
            ch.close();
            throw e;
        }
    }

    private final class Connector implements IoHandler {
        private final SocketChannel ch;

        Connector(SocketChannel ch) {
            this.ch = ch;
        }

        @Override
        public void onReady(SelectionKey key, int readyOps) throws IOException {
            key.interestOps(0); // drop OP_CONNECT first: left on, it would fire forever
            if (ch.finishConnect()) {
                connecting = null;
                connected(ch);
            } else {
                key.interestOps(SelectionKey.OP_CONNECT); // not yet after all: wait for the next readiness
            }
        }

        @Override
        public void onFailure(Throwable cause) {
            try {
                ch.close();
            } catch (IOException ignored) {
                // failing anyway
            }
            connecting = null;
            failWaiting("can't connect to " + activeTarget + ": " + cause.getMessage());
        }
    }

    // ------------------------------------------------------------ transfer

    private void connected(SocketChannel ch) throws IOException {
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        connected = new SocketEndPoint(session.loop(), ch);
        if (waiting != null) {
            Transfer t = waiting;
            waiting = null;
            begin(t);
        } else {
            // Came before its command: wait, reading nothing, until a transfer claims it.
            connected.handler(new IdleDataHandler());
        }
    }

    /** The session has sent 125 or 150; start {@code t} now or when connected. */
    public void open(Transfer t) {
        if (connected != null) {
            begin(t);
            return;
        }
        waiting = t;
        if (waitTimer == null) {
            armWaitTimer();
        }
        if (activeTarget != null && connecting == null) {
            try {
                connect();
            } catch (IOException e) {
                failWaiting("can't connect to " + activeTarget + ": " + e.getMessage());
            }
        }
    }

    private void begin(Transfer t) {
        cancelWaitTimer();
        EndPoint ep = connected;
        connected = null; // the transfer owns it now, and closes it when it ends
        if (session.dataProtected()) {
            // PROT P (RFC 4217): the server side of a TLS handshake on the data
            // socket, on this loop, decided now rather than at connect time so that a
            // connection made before PROT P still follows it. The transfer reads and
            // writes plaintext; the handshake happens under it.
            try {
                ep = session.tlsDataEndPoint(ep);
            } catch (IOException e) {
                ep.close();
                t.release();
                reset();
                session.transferDone(t, 522, "Data connection TLS failed: " + e.getMessage());
                return;
            }
        }
        armStallTimer(t);
        t.start(ep, (done, failure) -> {
            cancelStallTimer();
            reset();
            if (failure == null) {
                session.transferDone(done, 226, "Transfer complete.");
            } else if (failure instanceof LocalFileException local) {
                if (local.isOverQuota()) {
                    session.transferDone(done, 552, "Exceeded storage allocation: " + local.getMessage());
                } else if (local.isNoSpace()) {
                    session.transferDone(done, 452, "Insufficient storage space: " + local.getMessage());
                } else {
                    session.transferDone(done, 451, "Local error: " + local.getMessage());
                }
            } else if (failure instanceof javax.net.ssl.SSLHandshakeException) {
                // RFC 4217: 522, the data connection's TLS negotiation failed or was
                // unacceptable (here also: it did not resume the control session when required).
                session.transferDone(done, 522, "Data connection refused: " + failure.getMessage());
            } else {
                session.transferDone(done, 426, "Connection closed; transfer aborted: " + failure.getMessage());
            }
        });
    }

    /** ABOR or session end: stops {@code t} wherever it is, without a reply of its own. */
    public void abort(Transfer t) {
        if (waiting == t) {
            waiting = null;
            t.release();
        } else {
            t.cancel();
        }
        cancelStallTimer();
        reset();
    }

    private void failWaiting(String why) {
        Transfer t = waiting;
        waiting = null;
        reset();
        if (t != null) {
            t.release();
            session.transferDone(t, 425, "Can't open data connection: " + why);
        }
    }

    // -------------------------------------------------------------- timers

    /** A listener or a connect that nothing comes to is closed after the accept timeout. */
    private void armWaitTimer() {
        cancelWaitTimer();
        long ms = session.settings().acceptTimeout().toMillis();
        waitTimer = session.loop().schedule(ms, TimeUnit.MILLISECONDS, () -> {
            waitTimer = null;
            if (waiting != null) {
                failWaiting("timed out");
            } else {
                reset();
            }
        });
    }

    private void cancelWaitTimer() {
        if (waitTimer != null) {
            waitTimer.cancel();
            waitTimer = null;
        }
    }

    /** A transfer that moves no byte for the data timeout is ended (like vsftpd's data_connection_timeout). */
    private void armStallTimer(Transfer t) {
        long timeout = session.settings().dataTimeout().toNanos();
        stallTimer = session.loop().schedule(timeout, TimeUnit.NANOSECONDS, () -> checkStall(t, timeout));
    }

    private void checkStall(Transfer t, long timeout) {
        if (t.isEnded()) {
            return;
        }
        long left = t.lastProgressNanos() + timeout - System.nanoTime();
        if (left > 0) {
            stallTimer = session.loop().schedule(left, TimeUnit.NANOSECONDS, () -> checkStall(t, timeout));
        } else {
            t.onFailure(new IOException("data connection stalled"));
        }
    }

    private void cancelStallTimer() {
        if (stallTimer != null) {
            stallTimer.cancel();
            stallTimer = null;
        }
    }

    // ------------------------------------------------------------- cleanup

    /** Closes whatever data setup there is; the next transfer needs a new PASV or PORT. */
    public void reset() {
        cancelWaitTimer();
        closeListener();
        activeTarget = null;
        if (connecting != null) {
            try {
                connecting.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            connecting = null;
        }
        if (connected != null) {
            connected.close();
            connected = null;
        }
    }

    private void closeListener() {
        if (listener != null) {
            listenerKey.cancel();
            try {
                listener.close();
            } catch (IOException ignored) {
                // closing anyway
            }
            listener = null;
            listenerKey = null;
        }
    }

    /** Before a transfer claims it, an early data connection only watches for the client closing it. */
    private final class IdleDataHandler implements EndPoint.Handler {
        @Override
        public void onReadable() {
            // interest is off: never called
        }

        @Override
        public void onWritable() {
            // interest is off: never called
        }

        @Override
        public void onFailure(Throwable cause) {
            connected = null;
        }
    }

    // ------------------------------------------------------------- helpers

    /** Same host, an IPv4 address and its IPv4-mapped IPv6 form counting as one. */
    public static boolean sameHost(InetAddress a, InetAddress b) {
        return unmap(a).equals(unmap(b));
    }

    private static InetAddress unmap(InetAddress a) {
        if (a instanceof Inet6Address) {
            byte[] b = a.getAddress();
            boolean mapped = true;
            for (int i = 0; i < 10 && mapped; i++) {
                mapped = b[i] == 0;
            }
            if (mapped && (b[10] & 0xff) == 0xff && (b[11] & 0xff) == 0xff) {
                try {
                    return InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]});
                } catch (java.net.UnknownHostException impossible) {
                    return a;
                }
            }
        }
        return a;
    }
}
