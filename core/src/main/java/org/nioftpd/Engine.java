package org.nioftpd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.nioftpd.command.Commands;
import org.nioftpd.data.DataPolicy;
import org.nioftpd.data.PassiveAddresses;
import org.nioftpd.data.PassiveListeners;
import org.nioftpd.data.Upload;
import org.nioftpd.event.FtpEvents;
import org.nioftpd.fs.NamePolicy;
import org.nioftpd.protocol.Cidr;
import org.nioftpd.protocol.Reply;
import org.nioftpd.reactor.EventLoop;
import org.nioftpd.reactor.EventLoopGroup;
import org.nioftpd.session.Acceptor;
import org.nioftpd.session.AddressRules;
import org.nioftpd.session.Admission;
import org.nioftpd.session.ChecksumLimits;
import org.nioftpd.session.CommandTable;
import org.nioftpd.session.ServerContext;
import org.nioftpd.session.Session;
import org.nioftpd.session.UserLimits;
import org.nioftpd.transport.EndPoint;
import org.nioftpd.transport.SocketEndPoint;
import org.nioftpd.tls.TlsEndPoint;

/**
 * The composition root: everything {@link FtpServer}'s API drives, wired
 * together. It builds the loops, the two worker lanes (interactive and bulk) and the
 * {@link ServerContext} from the builder, binds the listeners, and turns
 * each accepted socket into a session: PROXY header, admission, implicit TLS,
 * then a {@link Session} on the loop that owns the socket. It also keeps the
 * set of live sessions, for the graceful drain. Package-private: nothing here
 * is API.
 *
 * <p>Thread use: {@link #start}, {@link #stopAccepting}, {@link #drain} and
 * {@link #close} are called by the embedding program's threads, under
 * {@link FtpServer}'s lock; {@link #openSession} and everything it calls run
 * on the loop that accepted the connection.
 */
final class Engine {

    private static final System.Logger LOG = System.getLogger(Engine.class.getName());

    private final FtpServer.Builder config;
    final ServerContext context;
    final EventLoopGroup loops;
    private final ExecutorService workers;
    private final ExecutorService bulkWorkers;
    private final ExecutorService storage;
    private final CommandTable commands;
    private final List<Acceptor> acceptors = new ArrayList<>();
    final List<InetSocketAddress> bound = new ArrayList<>();
    final List<InetSocketAddress> boundImplicitTls = new ArrayList<>();
    /**
     * The live sessions: the registry behind {@link #drain}, {@link #snapshot}
     * and {@link #kick}. A session leaves it in its close, so it holds no
     * ended session. Touched from every loop (add, remove) and read by
     * monitoring threads, which only ever reach a session through its loop.
     */
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.atomic.AtomicLong sessionIds = new java.util.concurrent.atomic.AtomicLong();
    /** Set by a graceful shutdown, counted down when the last session has closed. */
    private volatile CountDownLatch drainedLatch;
    private boolean started;

    Engine(FtpServer.Builder b, FtpEvents events, EventLoop.DeathHandler onLoopDeath) {
        this.config = b;
        this.commands = Commands.table(b.tlsConfig != null, b.extraCommands, b.extraSiteCommands, b.hooks);
        this.loops = new EventLoopGroup(b.loops, "nioftpd-loop", onLoopDeath);
        // Two lanes (issue 19): a checksum of a 4 GiB file holds a thread for seconds, and 50 of
        // them in one shared queue pushed logins past their timeout and a 1 KiB STOR's commit
        // past a minute. Short work a client waits on gets a pool the checksums cannot reach.
        this.workers = lane(b.workerThreads, 10_000, "nioftpd-worker-");
        // The bulk queue is bounded by the per-address cap times the addresses; 10,000 more
        // are answered 450 at once rather than held.
        this.bulkWorkers = b.bulkLaneForTests != null ? b.bulkLaneForTests
                : lane(b.checksumThreads, 10_000, "nioftpd-checksum-");
        // Calls to a store other than the local disk (issue 13): fixed threads, a bounded queue,
        // overflow answered 450 by the session. Idle servers keep no storage threads.
        this.storage = lane(b.storageThreads, b.storageQueue, "nioftpd-storage-");
        this.context = new ServerContext(b.authenticator(), workers, b.passiveAddresses,
                new ServerContext.ControlPolicy(b.idleTimeout, b.maxLineBytes, b.banner),
                new ServerContext.LoginPolicy(b.loginTimeout, b.failedLoginDelay, b.maxLoginFailures),
                new DataPolicy(b.passiveLow, b.passiveHigh, b.acceptTimeout, b.dataTimeout, b.allowForeignData,
                        new PassiveListeners(b.maxPassivePerAddress)),
                new Admission(b.maxSessions, b.maxSessionsPerAddress, new Admission.BanPolicy(b.banAfterFailures,
                        b.banWindow, b.banDuration, b.banExempt, b.banIpv6Prefix, b.banMode)),
                events, new UserLimits(b.downloadRate, b.uploadRate), b.tlsConfig, b.guards.forServer(),
                NamePolicy.of(b.dotFiles, b.hide, b.deny), bulkWorkers,
                new ChecksumLimits(b.maxChecksumsPerAddress, b.maxHashBytes), storage);
    }

    private static ExecutorService lane(int threads, int queue, String name) {
        AtomicInteger n = new AtomicInteger();
        // core = max: a ThreadPoolExecutor adds threads beyond its core size only when the
        // queue is full, so with core 1 every job of the lane ran on one thread.
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads,
                30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(queue), r -> {
                    Thread t = new Thread(r, name + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true); // idle servers keep no worker threads
        return pool;
    }

    /** Binds every listen address and starts the loops. Fails (and releases everything) if any bind fails. */
    void start() throws IOException {
        List<ServerSocketChannel> channels = new ArrayList<>();
        int explicit = config.listen.size();
        List<InetSocketAddress> all = new ArrayList<>(config.listen);
        all.addAll(config.implicitTlsListen);
        for (int i = 0; i < all.size(); i++) {
            InetSocketAddress address = all.get(i);
            try {
                ServerSocketChannel ch = ServerSocketChannel.open();
                channels.add(ch);
                ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
                ch.bind(address, 1024);
                (i < explicit ? bound : boundImplicitTls).add((InetSocketAddress) ch.getLocalAddress());
            } catch (IOException e) {
                for (ServerSocketChannel ch : channels) {
                    ch.close();
                }
                bound.clear();
                boundImplicitTls.clear();
                throw new IOException("cannot listen on " + address + ": " + e.getMessage(), e);
            }
        }
        started = true;
        loops.start();
        for (int i = 0; i < channels.size(); i++) {
            EventLoop loop = loops.get(i);
            boolean implicitTls = i >= explicit;
            // Each listener: the global address rules plus its own, and its own passive addresses if it has any.
            AddressRules rules = config.allRules.plus(config.listenerRules.getOrDefault(all.get(i), AddressRules.NONE));
            PassiveAddresses passive = config.listenerPassive.getOrDefault(all.get(i), config.passiveAddresses);
            passive.prime(workers); // host names are looked up on the worker pool, never on a loop
            ServerContext ctx = passive == context.passiveAddresses() ? context : context.withPassiveAddresses(passive);
            // Behind PROXY the socket's peer is the proxy: the rules are asked after the header instead.
            Acceptor.Gate gate = rules.isEmpty() || config.proxyProtocol ? Acceptor.Gate.ALL
                    : remote -> permitted(rules, remote);
            Acceptor acceptor = new Acceptor(channels.get(i), loop, loops,
                    (l, endPoint) -> openSession(endPoint, implicitTls, ctx, rules), gate);
            acceptors.add(acceptor);
            CountDownLatch registered = new CountDownLatch(1);
            loop.execute(() -> {
                try {
                    acceptor.register();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } finally {
                    registered.countDown();
                }
            });
            awaitUninterruptibly(registered);
        }
        if (boundImplicitTls.isEmpty()) {
            LOG.log(System.Logger.Level.INFO, "listening on {0} with {1} loops", bound, loops.size());
        } else {
            LOG.log(System.Logger.Level.INFO, "listening on {0}, implicit TLS on {1}, with {2} loops",
                    bound, boundImplicitTls, loops.size());
        }
    }

    /**
     * The address rules' verdict on {@code client}; a refusal is counted
     * (every one) and logged (once per address per minute). On a loop.
     */
    private boolean permitted(AddressRules rules, InetSocketAddress client) {
        if (rules.permits(client.getAddress())) {
            return true;
        }
        context.events().refused(client, "address rules");
        if (context.admission().logRefusal(client.getAddress())) {
            LOG.log(System.Logger.Level.WARNING, "refused " + client.getAddress().getHostAddress()
                    + " by the address rules (" + rules + "); further refusals of it are not logged for a minute");
        }
        return false;
    }

    /** A new connection, on the loop that will own it. */
    private void openSession(SocketEndPoint endPoint, boolean implicitTls, ServerContext ctx, AddressRules rules) {
        if (config.proxyProtocol) {
            // The PROXY header comes first, in plaintext, even before an implicit TLS handshake.
            Session.awaitProxyHeader(endPoint, 10_000, (client, initial) -> {
                if (!rules.isEmpty() && !permitted(rules, client)) {
                    endPoint.close(); // no greeting: the rules refuse before any byte
                    return;
                }
                admit(endPoint, client, initial, implicitTls, ctx);
            });
        } else {
            admit(endPoint, endPoint.remoteAddress(), null, implicitTls, ctx);
        }
    }

    private void admit(SocketEndPoint endPoint, InetSocketAddress client, ByteBuffer initial, boolean implicitTls,
                       ServerContext ctx) {
        String refusal = ctx.admission().admit(client.getAddress());
        if (refusal != null) {
            ctx.events().refused(client, refusal);
            if (!implicitTls) { // on implicit TLS a plaintext 421 would only garble the client's handshake
                try {
                    endPoint.flush(ByteBuffer.wrap(Reply.encode(421, refusal)));
                } catch (IOException ignored) {
                    // it is closed next anyway
                }
            }
            endPoint.close();
            return;
        }
        EndPoint control = endPoint;
        if (implicitTls) {
            try {
                control = TlsEndPoint.forControl(endPoint, ctx.tls().newControlEngine(endPoint.localAddress()),
                        ctx.workers(), initial, ctx.tls().controlSessionTicket());
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot start TLS for " + client + ": " + e);
                ctx.admission().release(client.getAddress());
                endPoint.close();
                return;
            }
            initial = null; // the TLS engine has them
        }
        Session[] holder = new Session[1];
        Session session = new Session(ctx, commands, control, client, initial, () -> {
            if (sessions.remove(holder[0])) {
                ctx.admission().release(client.getAddress());
                CountDownLatch drained = drainedLatch;
                if (drained != null && sessions.isEmpty()) {
                    drained.countDown(); // wakes the graceful shutdown waiting for the last session
                }
            }
        });
        holder[0] = session;
        session.id(Long.toString(sessionIds.incrementAndGet()));
        sessions.add(session);
        if (implicitTls) {
            session.implicitTls(); // PBSZ 0 and PROT P assumed, as implicit FTPS clients expect
        }
        session.start(); // on implicit TLS the 220 waits for the handshake, and goes inside it
    }

    /**
     * A snapshot of every live session, each taken on its own loop: one task
     * per loop (a loop is never locked or waited on by another loop), and the
     * calling thread waits for the answers up to {@code timeout}. A loop that
     * does not answer in time (it is stuck) leaves its sessions out.
     * Not from a loop thread: a loop must not wait.
     */
    List<SessionInfo> snapshot(Duration timeout) {
        java.util.Map<EventLoop, List<Session>> byLoop = byLoop();
        List<java.util.concurrent.CompletableFuture<List<SessionInfo>>> answers = new ArrayList<>();
        for (java.util.Map.Entry<EventLoop, List<Session>> e : byLoop.entrySet()) {
            java.util.concurrent.CompletableFuture<List<SessionInfo>> answer =
                    new java.util.concurrent.CompletableFuture<>();
            answers.add(answer);
            List<Session> mine = e.getValue();
            e.getKey().execute(() -> {
                List<SessionInfo> infos = new ArrayList<>(mine.size());
                for (Session s : mine) {
                    if (!s.isClosed()) {
                        infos.add(info(s));
                    }
                }
                answer.complete(infos);
            });
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        List<SessionInfo> all = new ArrayList<>();
        for (java.util.concurrent.CompletableFuture<List<SessionInfo>> answer : answers) {
            try {
                all.addAll(answer.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
            } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
                LOG.log(System.Logger.Level.WARNING, "a loop did not answer for its sessions: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        all.sort(java.util.Comparator.comparingLong(i -> Long.parseLong(i.id())));
        return List.copyOf(all);
    }

    /**
     * Ends every live session that {@code target} names: its id, its user
     * name, or its client's address (an IP literal, or IP:port); each on its
     * own loop. Returns the ids kicked, once their loops have answered (or the
     * timeout passed). Not from a loop thread.
     */
    List<String> kick(String target, Duration timeout) {
        String t = target.strip();
        java.net.InetAddress ip = ipLiteral(t);
        java.util.concurrent.ConcurrentLinkedQueue<String> kicked = new java.util.concurrent.ConcurrentLinkedQueue<>();
        java.util.Map<EventLoop, List<Session>> byLoop = byLoop();
        CountDownLatch done = new CountDownLatch(byLoop.size());
        for (java.util.Map.Entry<EventLoop, List<Session>> e : byLoop.entrySet()) {
            List<Session> mine = e.getValue();
            e.getKey().execute(() -> {
                try {
                    for (Session s : mine) {
                        if (!s.isClosed() && matches(s, t, ip)) {
                            kicked.add(s.id());
                            s.kick();
                        }
                    }
                } finally {
                    done.countDown();
                }
            });
        }
        try {
            if (!done.await(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "a loop did not answer a kick within " + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        List<String> ids = new ArrayList<>(kicked);
        ids.sort(java.util.Comparator.comparingLong(Long::parseLong));
        return ids;
    }

    /**
     * On the session's loop: does {@code target} name it (id, user, client
     * address, or address:port)? {@code targetIp} is the target read as an IP
     * literal beforehand, off the loop, or null.
     */
    private static boolean matches(Session s, String target, java.net.InetAddress targetIp) {
        if (s.id().equals(target)) {
            return true;
        }
        if (s.user() != null && s.user().name().equals(target)) {
            return true;
        }
        InetSocketAddress client = s.remoteAddress();
        if (targetIp != null && targetIp.equals(client.getAddress())) {
            return true;
        }
        String host = client.getAddress().getHostAddress();
        int zone = host.indexOf('%');
        if (zone >= 0) {
            host = host.substring(0, zone);
        }
        return target.equals((host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + client.getPort());
    }

    /**
     * {@code target} as an IP literal (192.0.2.7, ::1, [::1]), or null. Never
     * a name lookup: {@link org.nioftpd.protocol.IpLiteral}, the project's one
     * parser, lets only digits, hex, dots and colons through.
     */
    static java.net.InetAddress ipLiteral(String target) {
        String t = target.startsWith("[") && target.endsWith("]") ? target.substring(1, target.length() - 1)
                : target;
        try {
            return org.nioftpd.protocol.IpLiteral.parse(t); // the one parser: never a name lookup
        } catch (NumberFormatException | java.net.UnknownHostException e) {
            return null;
        }
    }

    private java.util.Map<EventLoop, List<Session>> byLoop() {
        java.util.Map<EventLoop, List<Session>> byLoop = new java.util.LinkedHashMap<>();
        for (Session s : sessions) {
            byLoop.computeIfAbsent(s.loop(), l -> new ArrayList<>()).add(s);
        }
        return byLoop;
    }

    /** On the session's loop. */
    private static SessionInfo info(Session s) {
        org.nioftpd.data.Transfer t = s.transfer();
        SessionInfo.Transfer transfer = null;
        if (t != null && t.logEntry() != null) {
            long now = System.currentTimeMillis();
            boolean moving = t.isMoving();
            long elapsed = now - t.startMillis();
            transfer = new SessionInfo.Transfer(t.logEntry().virtualPath(), t.logEntry().incoming(), t.bytes(),
                    t.expectedBytes(), moving ? java.time.Instant.ofEpochMilli(t.startMillis()) : null,
                    moving && elapsed > 0 ? t.bytes() * 1000.0 / elapsed : 0);
        }
        String line = s.lastCommandLine();
        return new SessionInfo(s.id(), s.user() != null ? s.user().name() : null, s.remoteAddress(),
                s.localAddress(), java.time.Instant.ofEpochMilli(s.sinceMillis()),
                Duration.ofNanos(Math.max(0, s.idleNanos())),
                line == null ? null : org.nioftpd.protocol.Printable.forLog(line, 200), s.controlSecure(), transfer);
    }

    /**
     * A manual ban: refuses new connections from {@code network} (in
     * {@link Admission}) and ends the sessions already open from it, each with
     * a 421. Any thread: each session is closed on its own loop.
     */
    void ban(Cidr network, Duration duration, String reason) {
        context.admission().ban(network, duration, reason);
        for (Session s : sessions) {
            if (network.contains(s.remoteAddress().getAddress())) {
                s.loop().execute(() -> {
                    if (!s.isClosed()) {
                        s.reply(421, "Your address has been banned; closing control connection.");
                        s.closeAfterReplies();
                    }
                });
            }
        }
    }

    void stopAccepting() {
        acceptors.forEach(Acceptor::close);
        acceptors.clear();
    }

    /** Asks every session to end gracefully; true if the last one closed within {@code grace}. */
    boolean drain(Duration grace) {
        CountDownLatch latch = new CountDownLatch(1);
        drainedLatch = latch;
        for (Session s : sessions) {
            s.loop().execute(s::shutdown);
        }
        if (sessions.isEmpty()) {
            return true;
        }
        try {
            return latch.await(grace.toNanos(), TimeUnit.NANOSECONDS) || sessions.isEmpty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return sessions.isEmpty();
        }
    }

    /** Calls ever given to the storage pool (tests: the local disk must give none). */
    long storageCalls() {
        return ((ThreadPoolExecutor) storage).getTaskCount();
    }

    void close() {
        stopAccepting();
        for (Session s : sessions) {
            s.loop().execute(() -> s.close("server shutting down"));
        }
        loops.shutdown();
        bulkWorkers.shutdownNow(); // checksums are abandoned: their replies would go nowhere
        storage.shutdown(); // queued store calls finish (an upload's close lands it); new ones are refused
        for (Runnable queued : workers.shutdownNow()) {
            if (queued instanceof Upload.Commit commit) {
                commit.run(); // an upload that fully arrived still lands (its 226 is lost with the loop)
            }
        }
        try {
            if (started && !loops.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.log(System.Logger.Level.WARNING, "event loops did not stop within 10 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        boolean interrupted = false;
        while (true) {
            try {
                latch.await();
                break;
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
