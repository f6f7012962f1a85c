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
import org.nioftpd.data.PassiveListeners;
import org.nioftpd.data.Upload;
import org.nioftpd.event.FtpEvents;
import org.nioftpd.fs.NamePolicy;
import org.nioftpd.protocol.Reply;
import org.nioftpd.reactor.EventLoop;
import org.nioftpd.reactor.EventLoopGroup;
import org.nioftpd.session.Acceptor;
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
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    /** Set by a graceful shutdown, counted down when the last session has closed. */
    private volatile CountDownLatch drainedLatch;
    private boolean started;

    Engine(FtpServer.Builder b, FtpEvents events, EventLoop.DeathHandler onLoopDeath) {
        this.config = b;
        this.commands = Commands.table(b.tlsConfig != null);
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
        this.context = new ServerContext(b.authenticator(), workers, b.passiveAddress,
                new ServerContext.ControlPolicy(b.idleTimeout, b.maxLineBytes, b.banner),
                new ServerContext.LoginPolicy(b.loginTimeout, b.failedLoginDelay, b.maxLoginFailures),
                new DataPolicy(b.passiveLow, b.passiveHigh, b.acceptTimeout, b.dataTimeout, b.allowForeignData,
                        new PassiveListeners(b.maxPassivePerAddress)),
                new Admission(b.maxSessions, b.maxSessionsPerAddress, b.banAfterFailures,
                        b.banWindow.toNanos(), b.banDuration.toNanos()),
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
            Acceptor acceptor = new Acceptor(channels.get(i), loop, loops,
                    (l, endPoint) -> openSession(endPoint, implicitTls));
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

    /** A new connection, on the loop that will own it. */
    private void openSession(SocketEndPoint endPoint, boolean implicitTls) {
        if (config.proxyProtocol) {
            // The PROXY header comes first, in plaintext, even before an implicit TLS handshake.
            Session.awaitProxyHeader(endPoint, 10_000,
                    (client, initial) -> admit(endPoint, client, initial, implicitTls));
        } else {
            admit(endPoint, endPoint.remoteAddress(), null, implicitTls);
        }
    }

    private void admit(SocketEndPoint endPoint, InetSocketAddress client, ByteBuffer initial, boolean implicitTls) {
        String refusal = context.admission().admit(client.getAddress());
        if (refusal != null) {
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
                control = TlsEndPoint.forControl(endPoint, context.tls().newEngine(), context.workers(), initial);
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot start TLS for " + client + ": " + e);
                context.admission().release(client.getAddress());
                endPoint.close();
                return;
            }
            initial = null; // the TLS engine has them
        }
        Session[] holder = new Session[1];
        Session session = new Session(context, commands, control, client, initial, () -> {
            if (sessions.remove(holder[0])) {
                context.admission().release(client.getAddress());
                CountDownLatch drained = drainedLatch;
                if (drained != null && sessions.isEmpty()) {
                    drained.countDown(); // wakes the graceful shutdown waiting for the last session
                }
            }
        });
        holder[0] = session;
        sessions.add(session);
        if (implicitTls) {
            session.implicitTls(); // PBSZ 0 and PROT P assumed, as implicit FTPS clients expect
        }
        session.start(); // on implicit TLS the 220 waits for the handshake, and goes inside it
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
