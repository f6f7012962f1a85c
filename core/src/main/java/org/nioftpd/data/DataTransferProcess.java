package org.nioftpd.data;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.nioftpd.reactor.EventLoop;
import org.nioftpd.reactor.IdleTimer;
import org.nioftpd.reactor.IoHandler;
import org.nioftpd.reactor.Timer;
import org.nioftpd.transport.EndPoint;
import org.nioftpd.transport.SocketEndPoint;

/**
 * RFC 959 §2.3's data transfer process (DTP) of one session: the passive
 * listener (PASV, EPSV) or the active target (PORT, EPRT), the data
 * connection, and the transfer on it, as one state machine. Everything lives
 * on the session's loop; nothing here is locked.
 *
 * <pre>
 *            listen()              accepted (before the transfer command)
 *   IDLE ───────────────► PASSIVE ───────────────────────► CONNECTED_EARLY
 *    │  activeTarget()      │ open(t)                          │ open(t): 125
 *    └──────────────► ACTIVE│ 150                              │
 *                       │   ▼                                  ▼
 *                       └► AWAITING ── accepted / connected ─► TRANSFERRING
 *                  open(t): 150   │                                │
 *                                 └─ timeout, failure ─► IDLE ◄────┘ ended, aborted
 * </pre>
 * Any state goes back to IDLE on {@link #reset} (a new PASV or PORT, REIN,
 * ABOR, the session's end) and on the accept timeout. One data connection
 * serves one transfer: after it the client sends PASV or PORT again.
 * {@link #enter} is the only place the state changes, and it refuses a
 * transition the diagram does not have.
 *
 * <p>A data connection may arrive before or after the command that uses it
 * (RFC 959 leaves it open): a passive connection that comes first waits in
 * CONNECTED_EARLY, reading nothing, and its transfer gets 125; one that comes
 * later starts the transfer that waits in AWAITING (which got 150). Either
 * way the wait is bounded by the accept timeout.
 *
 * <p><b>Callbacks go one way.</b> The DTP never replies to the client: it
 * reports each transfer's end once, as a typed {@link Outcome}, to its
 * {@link Owner}, the protocol interpreter, which alone picks the reply code.
 */
public final class DataTransferProcess {

    /** The states; see the class comment for the diagram. */
    public enum State {
        /** Nothing set up. */
        IDLE,
        /** A passive listener waits for the client; no transfer yet. */
        PASSIVE,
        /** An active target is known; no transfer yet. */
        ACTIVE,
        /** The client connected to the listener before its transfer command. */
        CONNECTED_EARLY,
        /** A transfer waits for its connection: the listener's accept or the active connect. */
        AWAITING,
        /** A transfer owns the data connection. */
        TRANSFERRING
    }

    private static final Map<State, Set<State>> LEGAL = new EnumMap<>(State.class);

    static {
        LEGAL.put(State.IDLE, EnumSet.of(State.PASSIVE, State.ACTIVE));
        LEGAL.put(State.PASSIVE, EnumSet.of(State.IDLE, State.CONNECTED_EARLY, State.AWAITING));
        LEGAL.put(State.ACTIVE, EnumSet.of(State.IDLE, State.AWAITING));
        LEGAL.put(State.CONNECTED_EARLY, EnumSet.of(State.IDLE, State.TRANSFERRING));
        LEGAL.put(State.AWAITING, EnumSet.of(State.IDLE, State.TRANSFERRING));
        LEGAL.put(State.TRANSFERRING, EnumSet.of(State.IDLE));
    }

    /** What the DTP needs of its session, and how it reports back: the protocol interpreter. Loop thread. */
    public interface Owner {
        /** The control connection's local address: passive listeners bind there, active connects leave from it. */
        InetSocketAddress controlLocalAddress();

        /** The client's address as admission counts it (behind a PROXY header, the real client's): passive listeners are counted per address. */
        InetAddress clientAddress();

        /** Whether {@code peer} is this session's client (or the proxy in front of it): data theft otherwise. */
        boolean isClient(InetAddress peer);

        /** The data connection as the transfer will use it: TLS over {@code raw} under PROT P, else {@code raw}. */
        EndPoint protect(EndPoint raw) throws IOException;

        /** {@code t}, started by {@link #open}, has ended; its connection is closed. Once per transfer, never after {@link #abort}. */
        void transferEnded(Transfer t, Outcome outcome);
    }

    /** Thrown when every port of the passive range is in use. */
    public static final class PassivePortsExhaustedException extends IOException {
        private static final long serialVersionUID = 1L;

        PassivePortsExhaustedException(int low, int high) {
            super("no free passive port in " + low + "-" + high);
        }
    }

    /** Thrown when the client's address holds as many passive listeners as it may ({@link PassiveListeners}). */
    public static final class PassiveListenerLimitException extends IOException {
        private static final long serialVersionUID = 1L;
        private final int limit;

        PassiveListenerLimitException(int limit) {
            super("too many passive listeners for the client's address (" + limit + ")");
            this.limit = limit;
        }

        /** The most passive listeners one client address may hold. */
        public int limit() {
            return limit;
        }
    }

    private final EventLoop loop;
    private final DataPolicy policy;
    private final Owner owner;
    private State state = State.IDLE;
    private ServerSocketChannel listener;
    private SelectionKey listenerKey;
    /**
     * The address whose count in {@link PassiveListeners} includes this DTP's
     * listener; null when none is counted. Set with the listener and cleared,
     * with exactly one {@link PassiveListeners#closed}, where it closes
     * ({@link #closeListener}): accepted, timed out, failed, replaced, reset,
     * aborted with the session.
     */
    private InetAddress counted;
    private InetSocketAddress activeTarget;
    private SocketChannel connecting;
    /** CONNECTED_EARLY: the connection that came first. */
    private EndPoint early;
    /** AWAITING and TRANSFERRING: the transfer. */
    private Transfer transfer;
    /** PASSIVE, ACTIVE, CONNECTED_EARLY, AWAITING: the accept timeout. */
    private Timer waitTimer;
    /** TRANSFERRING: the data timeout. */
    private IdleTimer stallTimer;

    public DataTransferProcess(EventLoop loop, DataPolicy policy, Owner owner) {
        this.loop = loop;
        this.policy = policy;
        this.owner = owner;
    }

    public State state() {
        return state;
    }

    /** True once PASV, EPSV, PORT or EPRT has set up a data connection that a transfer may use. */
    public boolean isConfigured() {
        return state == State.PASSIVE || state == State.ACTIVE || state == State.CONNECTED_EARLY;
    }

    /** True if the data connection is already open: the transfer gets 125 rather than 150. */
    public boolean isConnected() {
        return state == State.CONNECTED_EARLY;
    }

    /** The one place the state changes. */
    private void enter(State next) {
        if (!LEGAL.get(state).contains(next)) {
            throw new IllegalStateException("data connection: " + state + " -> " + next);
        }
        state = next;
    }

    // ------------------------------------------------------------- passive

    /**
     * Opens a passive listener on the control connection's local address, on
     * a random free port of the range, and returns its address. Replaces any
     * earlier data setup.
     *
     * <p>The new port is bound before an earlier listener is closed, because
     * closing does not free the port at once: a channel registered with a
     * selector keeps its socket until the loop next selects. Closing first
     * and binding at once made a second PASV in a range whose other ports
     * were all taken fail with 425 every other time, its own port still
     * looking busy. So when no other port is free, the session's own idle
     * listener is offered again: still one listener per session.
     *
     * <p>Each listener counts against the client address's cap
     * ({@link PassiveListeners}), checked before anything is bound: over it,
     * {@link PassiveListenerLimitException} and no port taken. A listener that
     * replaces this session's own takes over its count, so a second PASV is
     * never refused for the first one's sake.
     */
    public InetSocketAddress listen() throws IOException {
        return listen(owner.controlLocalAddress().getAddress());
    }

    /** As {@link #listen()}, bound on {@code bindAddress} (an address of this host that PASV announces). */
    public InetSocketAddress listen(InetAddress bindAddress) throws IOException {
        boolean fresh = counted == null;
        if (fresh) {
            InetAddress client = owner.clientAddress();
            if (!policy.passiveListeners().tryOpen(client)) {
                reset();
                throw new PassiveListenerLimitException(policy.passiveListeners().maxPerAddress());
            }
            counted = client; // reset() below, or closeListener() on any failure, gives it back
        }
        ServerSocketChannel ch;
        try {
            ch = bind(bindAddress, policy.passiveLow(), policy.passiveHigh());
            ch.configureBlocking(false);
        } catch (PassivePortsExhaustedException full) {
            if (state == State.PASSIVE) {
                armWaitTimer();
                return (InetSocketAddress) listener.getLocalAddress();
            }
            reset();
            throw full;
        } catch (IOException | RuntimeException e) {
            if (fresh) { // no listener holds it: the earlier setup, if any, stays as it was
                policy.passiveListeners().closed(counted);
                counted = null;
            }
            throw e;
        }
        InetAddress carried = counted;
        counted = null; // the old listener, closed by reset(), hands its count to the new one
        reset();
        try {
            listenerKey = loop.register(ch, SelectionKey.OP_ACCEPT, new PassiveAcceptor());
        } catch (IOException e) {
            ch.close();
            policy.passiveListeners().closed(carried);
            throw e;
        }
        listener = ch;
        counted = carried;
        enter(State.PASSIVE);
        armWaitTimer();
        return (InetSocketAddress) ch.getLocalAddress();
    }

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

    private final class PassiveAcceptor implements IoHandler {
        @Override
        public void onReady(SelectionKey key, int readyOps) throws IOException {
            SocketChannel ch;
            while ((ch = listener.accept()) != null) {
                if (!policy.allowForeignData()
                        && !owner.isClient(((InetSocketAddress) ch.getRemoteAddress()).getAddress())) {
                    ch.close(); // data theft (RFC 2577): keep waiting for the client's own connection
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
            fail("passive listener failed: " + cause.getMessage());
        }
    }

    // -------------------------------------------------------------- active

    /** PORT / EPRT: remembers where to connect when a transfer starts. Replaces any earlier data setup. */
    public void activeTarget(InetSocketAddress target) {
        reset();
        activeTarget = target;
        enter(State.ACTIVE);
    }

    private void connect() throws IOException {
        SocketChannel ch = SocketChannel.open();
        try {
            ch.configureBlocking(false);
            // From the address the client talks to: the client's firewall expects it.
            ch.bind(new InetSocketAddress(owner.controlLocalAddress().getAddress(), 0));
            if (ch.connect(activeTarget)) {
                connected(ch);
                return;
            }
            connecting = ch;
            loop.register(ch, SelectionKey.OP_CONNECT, new Connector(ch));
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
            closeQuietly(ch);
            connecting = null;
            fail("can't connect to " + activeTarget + ": " + cause.getMessage());
        }
    }

    // ------------------------------------------------------------ transfer

    /** The data connection is up: start the waiting transfer, or wait for one. */
    private void connected(SocketChannel ch) throws IOException {
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        SocketEndPoint ep = new SocketEndPoint(loop, ch);
        if (state == State.PASSIVE) {
            // Came before its command: wait, reading nothing, until a transfer claims it.
            early = ep;
            ep.handler(new EarlyConnection(ep));
            enter(State.CONNECTED_EARLY);
            return;
        }
        begin(ep);
    }

    /**
     * The interpreter has sent 125 or 150: start {@code t} now if connected,
     * else when the connection comes (passive) or is made (active).
     * {@link #isConfigured} must be true.
     */
    public void open(Transfer t) {
        transfer = t;
        if (state == State.CONNECTED_EARLY) {
            EndPoint ep = early;
            early = null;
            begin(ep);
            return;
        }
        boolean active = state == State.ACTIVE;
        enter(State.AWAITING);
        if (waitTimer == null) {
            armWaitTimer(); // active: the connect's wait starts now; passive: it runs since PASV
        }
        if (active) {
            try {
                connect();
            } catch (IOException e) {
                fail("can't connect to " + activeTarget + ": " + e.getMessage());
            }
        }
    }

    private void begin(EndPoint raw) {
        cancelWaitTimer();
        enter(State.TRANSFERRING);
        Transfer t = transfer;
        EndPoint ep;
        try {
            // PROT P (RFC 4217): the server side of a TLS handshake on the data
            // socket, on this loop, decided now rather than at connect time so that a
            // connection made before PROT P still follows it. The transfer reads and
            // writes plaintext; the handshake happens under it.
            ep = owner.protect(raw);
        } catch (IOException | RuntimeException e) {
            raw.close();
            ended(t, Outcome.of(Outcome.Kind.TLS_FAILED, "TLS could not start: " + e.getMessage()));
            return;
        }
        stallTimer = new IdleTimer(loop, policy.dataTimeout().toNanos(), t::lastProgressNanos,
                () -> t.onFailure(new IOException("data connection stalled")));
        t.start(ep, (done, failure) -> ended(done, Outcome.of(failure)));
    }

    /** A transfer ended: back to IDLE, then the owner is told (it may start the next command at once). */
    private void ended(Transfer t, Outcome outcome) {
        if (t != transfer) {
            return; // aborted already: the owner has replied
        }
        t.release();
        reset();
        owner.transferEnded(t, outcome);
    }

    /** ABOR or the session's end: stops the transfer wherever it is, without telling the owner (it has replied). */
    public void abort() {
        Transfer t = transfer;
        transfer = null;
        if (t != null) {
            if (state == State.TRANSFERRING) {
                t.cancel();
            } else {
                t.release();
            }
        }
        reset();
    }

    /** The wait for a connection failed: a waiting transfer ends with NO_CONNECTION; setup alone is dropped. */
    private void fail(String why) {
        Transfer t = state == State.AWAITING ? transfer : null;
        if (t != null) {
            ended(t, Outcome.of(Outcome.Kind.NO_CONNECTION, why));
        } else {
            reset();
        }
    }

    // -------------------------------------------------------------- timers

    /** A listener, an early connection or a connect that nothing comes to is closed after the accept timeout. */
    private void armWaitTimer() {
        cancelWaitTimer();
        waitTimer = loop.schedule(policy.acceptTimeout().toMillis(), TimeUnit.MILLISECONDS, () -> {
            waitTimer = null;
            fail("timed out");
        });
    }

    private void cancelWaitTimer() {
        if (waitTimer != null) {
            waitTimer.cancel();
            waitTimer = null;
        }
    }

    // ------------------------------------------------------------- cleanup

    /**
     * Back to IDLE: closes the listener, any connection and any connect in
     * flight, cancels both timers. The transfer, if any, is the caller's to
     * end. The next transfer needs a new PASV or PORT.
     */
    public void reset() {
        cancelWaitTimer();
        if (stallTimer != null) {
            stallTimer.cancel();
            stallTimer = null;
        }
        closeListener();
        activeTarget = null;
        if (connecting != null) {
            closeQuietly(connecting);
            connecting = null;
        }
        if (early != null) {
            early.close();
            early = null;
        }
        transfer = null;
        if (state != State.IDLE) {
            enter(State.IDLE);
        }
    }

    /** Closes the listener, if any, and gives back its count: the one place a passive listener ends. */
    private void closeListener() {
        if (listener != null) {
            listenerKey.cancel();
            closeQuietly(listener);
            listener = null;
            listenerKey = null;
        }
        if (counted != null) {
            policy.passiveListeners().closed(counted);
            counted = null;
        }
    }

    private static void closeQuietly(java.nio.channels.Channel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /**
     * An early connection reads nothing until a transfer claims it, so it
     * cannot see the client close it: a failure of the socket is all that
     * reaches it, and the next transfer then finds no connection.
     */
    private final class EarlyConnection implements EndPoint.Handler {
        private final EndPoint ep;

        EarlyConnection(EndPoint ep) {
            this.ep = ep;
        }

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
            if (early == ep) {
                reset();
            }
        }
    }
}
