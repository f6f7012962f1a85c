package org.nioftpd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.nioftpd.auth.Authenticator;
import org.nioftpd.auth.InMemoryAuthenticator;
import org.nioftpd.command.CommandTable;
import org.nioftpd.command.Commands;
import org.nioftpd.fs.NamePolicy;
import org.nioftpd.reactor.EventLoop;
import org.nioftpd.reactor.EventLoopGroup;
import java.nio.charset.StandardCharsets;
import org.nioftpd.session.Acceptor;
import org.nioftpd.session.Admission;
import org.nioftpd.session.Session;
import org.nioftpd.session.Settings;
import org.nioftpd.session.UserRegistry;
import org.nioftpd.tls.KeyMaterial;
import org.nioftpd.tls.TlsConfig;
import org.nioftpd.transport.EndPoint;
import org.nioftpd.transport.SocketEndPoint;
import org.nioftpd.transport.TlsEndPoint;

/**
 * An FTP server: listeners, a group of event loops, and the sessions on them.
 * The one class a program (or a test) needs to embed nioftpd:
 * <pre>{@code
 * try (FtpServer server = FtpServer.builder()
 *         .listen(new InetSocketAddress("127.0.0.1", 0))
 *         .root(Path.of("/srv/ftp"))
 *         .user("alice", "secret", true)
 *         .build()) {
 *     server.start();
 *     int port = server.port();
 *     ...
 * }
 * }</pre>
 * FTPS (RFC 4217): give a certificate and every listener offers AUTH TLS;
 * add implicit-TLS listeners and policy as needed:
 * <pre>{@code
 * FtpServer.builder()
 *         .listen(new InetSocketAddress("0.0.0.0", 21))
 *         .implicitTlsListen(new InetSocketAddress("0.0.0.0", 990))
 *         .tlsPem(Path.of("/etc/nioftpd/cert.pem"), Path.of("/etc/nioftpd/key.pem"))
 *         .tlsRequired(true)          // no login, no data, without TLS
 *         ...
 * }</pre>
 *
 * <p>Thread use: the lifecycle methods ({@code start}, {@code stopAccepting},
 * {@code shutdown}, {@code close}) are called by the embedding program's
 * threads and synchronize among themselves; no event loop ever calls them or
 * waits on their lock. Everything per session runs on the loops, lock-free.
 */
public final class FtpServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(FtpServer.class.getName());

    private final Builder config;
    private final Settings settings;
    private final EventLoopGroup loops;
    private final ExecutorService workers;
    private final CommandTable commands;
    private final FtpStats stats = new FtpStats();
    /** Set by a graceful shutdown, counted down when the last session has closed. */
    private volatile CountDownLatch drainedLatch;
    private final List<Acceptor> acceptors = new ArrayList<>();
    private final List<InetSocketAddress> bound = new ArrayList<>();
    private final List<InetSocketAddress> boundImplicitTls = new ArrayList<>();
    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();
    private boolean started;
    private boolean closed;

    private FtpServer(Builder b) {
        this.config = b;
        this.commands = Commands.table(b.tlsConfig != null);
        this.loops = new EventLoopGroup(b.loops, "nioftpd-loop", this::loopDied);
        AtomicInteger n = new AtomicInteger();
        // core = max: a ThreadPoolExecutor adds threads beyond its core size only when the
        // queue is full, so with core 1 every hash, login check and commit ran on one thread.
        int workerThreads = b.workerThreads;
        ThreadPoolExecutor pool = new ThreadPoolExecutor(workerThreads, workerThreads,
                30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(10_000), r -> {
                    Thread t = new Thread(r, "nioftpd-worker-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true); // idle servers keep no worker threads
        this.workers = pool;
        this.settings = new Settings(b.authenticator(), workers, b.passiveLow, b.passiveHigh, b.passiveAddress,
                b.idleTimeout, b.dataTimeout, b.acceptTimeout, b.failedLoginDelay, b.maxLoginFailures,
                b.maxLineBytes, b.allowForeignData, b.banner, b.loginTimeout,
                new Admission(b.maxSessions, b.maxSessionsPerAddress, b.banAfterFailures,
                        b.banWindow.toNanos(), b.banDuration.toNanos()),
                both(stats, b.events), new UserRegistry(b.downloadRate, b.uploadRate), b.tlsConfig,
                NamePolicy.of(b.dotFiles, b.hide, b.deny));
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A loop stopped unasked (out of memory, a bug in the loop): its sessions
     * are gone and no new one would be served on it. The embedding program's
     * handler decides ({@link Builder#onFatalError}); by default the server
     * closes, so that its ports close and a health check sees it down instead
     * of a process that accepts and never answers. On the dying loop's thread.
     */
    private void loopDied(EventLoop loop, Throwable cause) {
        if (config.onFatalError != null) {
            config.onFatalError.accept(cause);
            return;
        }
        LOG.log(System.Logger.Level.ERROR, "event loop " + loop.name() + " died (" + cause
                + "): the server cannot serve its sessions and closes");
        Thread closer = new Thread(this::close, "nioftpd-fatal-close"); // close() waits for the loops, this one too
        closer.setDaemon(true);
        closer.start();
    }

    /** Tells {@code first} then {@code second} of every event. */
    private static FtpEvents both(FtpEvents first, FtpEvents second) {
        if (second == FtpEvents.NONE) {
            return first;
        }
        return new FtpEvents() {
            @Override
            public void connected(InetSocketAddress client) {
                first.connected(client);
                second.connected(client);
            }

            @Override
            public void loggedIn(InetSocketAddress client, String user, boolean anonymous) {
                first.loggedIn(client, user, anonymous);
                second.loggedIn(client, user, anonymous);
            }

            @Override
            public void loginFailed(InetSocketAddress client, String user) {
                first.loginFailed(client, user);
                second.loginFailed(client, user);
            }

            @Override
            public void disconnected(InetSocketAddress client, String user) {
                first.disconnected(client, user);
                second.disconnected(client, user);
            }

            @Override
            public void error(InetSocketAddress client, String what) {
                first.error(client, what);
                second.error(client, what);
            }

            @Override
            public void transferred(TransferRecord record) {
                first.transferred(record);
                second.transferred(record);
            }
        };
    }

    /** The server's counters: connections, logins, transfers, bytes. */
    public FtpStats stats() {
        return stats;
    }

    /** Binds every listen address and starts the loops. Fails (and releases everything) if any bind fails. */
    public synchronized void start() throws IOException {
        if (started) {
            throw new IllegalStateException("already started");
        }
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
                    (l, endPoint) -> openSession(l, endPoint, implicitTls));
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

    /** On the session's loop: a new control connection; on an implicit-TLS listener, TLS from the first byte. */
    private void openSession(EventLoop loop, SocketEndPoint endPoint, boolean implicitTls) {
        if (config.proxyProtocol) {
            // The PROXY header comes first, in plaintext, even before an implicit TLS handshake.
            Session.awaitProxyHeader(endPoint, 10_000,
                    (client, initial) -> admit(endPoint, client, initial, implicitTls));
        } else {
            admit(endPoint, endPoint.remoteAddress(), null, implicitTls);
        }
    }

    /** Starts a session for {@code client}, or turns it away with 421 (limits, bans). */
    private void admit(SocketEndPoint endPoint, InetSocketAddress client, java.nio.ByteBuffer initial,
                       boolean implicitTls) {
        String refusal = settings.admission().admit(client.getAddress());
        if (refusal != null && implicitTls) {
            endPoint.close(); // a plaintext 421 would only garble the client's handshake
            return;
        }
        if (refusal != null) {
            try {
                endPoint.flush(java.nio.ByteBuffer.wrap(("421 " + refusal + "\r\n").getBytes(StandardCharsets.US_ASCII)));
            } catch (IOException ignored) {
                // it is closed next anyway
            }
            endPoint.close();
            return;
        }
        EndPoint control = endPoint;
        if (implicitTls) {
            try {
                control = new TlsEndPoint(endPoint, settings.tls().newEngine(), settings.workers(), false, null, 1,
                        initial);
            } catch (IOException | RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "cannot start TLS for " + client + ": " + e);
                settings.admission().release(client.getAddress());
                endPoint.close();
                return;
            }
            initial = null; // the TLS engine has them
        }
        Session[] holder = new Session[1];
        Session session = new Session(settings, commands, control, client, initial, () -> {
            if (sessions.remove(holder[0])) {
                settings.admission().release(client.getAddress());
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

    /** The addresses actually bound, ports resolved (port 0 becomes the real one). */
    public synchronized List<InetSocketAddress> addresses() {
        return List.copyOf(bound);
    }

    /** The implicit-TLS (FTPS, "port 990") addresses actually bound. */
    public synchronized List<InetSocketAddress> implicitTlsAddresses() {
        return List.copyOf(boundImplicitTls);
    }

    /** The port of the first implicit-TLS listener. */
    public int implicitTlsPort() {
        return implicitTlsAddresses().get(0).getPort();
    }

    /** Whether FTPS is configured (a certificate was given). */
    public boolean tlsEnabled() {
        return settings.tls() != null;
    }

    /** The port of the first listener. */
    public int port() {
        return addresses().get(0).getPort();
    }

    /** Sessions open now. */
    public int sessionCount() {
        return settings.admission().sessions();
    }

    /**
     * The loops themselves. Internal: their package is not exported, so only
     * code on the class path (tests, benchmarks) can use this; monitoring
     * uses {@link #loopStats()}.
     */
    public EventLoopGroup loops() {
        return loops;
    }

    /** One event loop's numbers, for monitoring. */
    public record LoopStats(String name, int channels, long handledEvents, double load) {
    }

    /** Each event loop's numbers now. */
    public List<LoopStats> loopStats() {
        return loops.loops().stream()
                .map(l -> new LoopStats(l.name(), l.registeredKeys(), l.handledEvents(), l.load()))
                .toList();
    }

    /** Stops accepting new connections; sessions go on. */
    public synchronized void stopAccepting() {
        acceptors.forEach(Acceptor::close);
        acceptors.clear();
    }

    /**
     * Graceful shutdown: stops accepting, tells idle sessions 421, lets
     * running transfers finish (each then gets 226 and 421) for up to
     * {@code grace}, then closes whatever is left and stops the loops.
     * Returns true if every session ended within the grace period.
     */
    public boolean shutdown(Duration grace) {
        synchronized (this) {
            if (closed) {
                return true;
            }
            stopAccepting();
        }
        CountDownLatch latch = new CountDownLatch(1);
        drainedLatch = latch;
        for (Session s : sessions) {
            s.loop().execute(s::shutdown);
        }
        boolean drained = sessions.isEmpty();
        if (!drained) {
            try {
                drained = latch.await(grace.toNanos(), TimeUnit.NANOSECONDS) || sessions.isEmpty();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        close();
        return drained;
    }

    /** Stops accepting, closes every session and stops the loops. Waits up to 10 s for them. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        stopAccepting();
        for (Session s : sessions) {
            s.loop().execute(() -> s.close("server shutting down"));
        }
        loops.shutdown();
        for (Runnable queued : workers.shutdownNow()) {
            if (queued instanceof org.nioftpd.data.Upload.Commit commit) {
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

    /** Everything a server can be told before it starts. Defaults are safe ones. */
    public static final class Builder {
        private final List<InetSocketAddress> listen = new ArrayList<>();
        private Path root = Path.of("").toAbsolutePath();
        private record PlainUser(String name, String password, boolean writable) {
        }

        private final List<PlainUser> users = new ArrayList<>();
        private Boolean anonymous;
        private Path anonymousRoot;
        private String anonymousUploadOnly;
        private Authenticator authenticator;
        /*
         * Passive ports: a random free port of 49152-65535 (IANA's dynamic
         * range) unless told otherwise, bound explicitly. Not port 0: under
         * load the kernel's own search for a free ephemeral port walks
         * buckets full of TIME_WAIT sockets, and the bench measured the loops
         * spending 57 % of their time in bind (6x fewer small files per second).
         */
        private int passiveLow = 49152;
        private int passiveHigh = 65535;
        private InetAddress passiveAddress;
        private int loops = Runtime.getRuntime().availableProcessors();
        private int workerThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
        private Duration idleTimeout = Duration.ofMinutes(5);
        private Duration dataTimeout = Duration.ofMinutes(5);
        private Duration acceptTimeout = Duration.ofMinutes(1);
        private Duration failedLoginDelay = Duration.ofSeconds(1);
        private int maxLoginFailures = 3;
        private int maxLineBytes = 4096;
        private boolean allowForeignData;
        private String banner = "nioftpd ready.";
        private Duration loginTimeout = Duration.ofMinutes(1);
        private FtpEvents events = FtpEvents.NONE;
        private boolean proxyProtocol;
        private final List<InetSocketAddress> implicitTlsListen = new ArrayList<>();
        private Path tlsCertFile;
        private Path tlsKeyFile;
        private Path tlsKeyStore;
        private char[] tlsKeyStorePassword;
        private javax.net.ssl.SSLContext tlsContext;
        private boolean tlsRequired;
        private boolean tlsRequireSessionReuse;
        private TlsConfig tlsConfig;
        private long downloadRate;
        private long uploadRate;
        private int maxSessions = 10_000;
        private int maxSessionsPerAddress = 50;
        private int banAfterFailures = 10;
        private java.util.function.Consumer<? super Throwable> onFatalError;
        private Duration banWindow = Duration.ofMinutes(10);
        private Duration banDuration = Duration.ofMinutes(15);
        private NamePolicy.DotFiles dotFiles = NamePolicy.DotFiles.DENY;
        private final List<String> hide = new ArrayList<>();
        private final List<String> deny = new ArrayList<>();

        private Builder() {
        }

        /**
         * Who may see and use files and directories whose name starts with
         * '.' ({@code .ssh}, {@code .git}, {@code .env}). Default: nobody,
         * {@code (false, false)}: hidden from listings and refused to every
         * command. {@code (true, false)} opens them to named users only;
         * {@code (true, true)} to everyone.
         */
        public Builder allowDotFiles(boolean toNamedUsers, boolean toAnonymous) {
            if (toAnonymous && !toNamedUsers) {
                throw new IllegalArgumentException("dot files open to anonymous are open to named users too");
            }
            this.dotFiles = toAnonymous ? NamePolicy.DotFiles.ALL
                    : toNamedUsers ? NamePolicy.DotFiles.USERS : NamePolicy.DotFiles.DENY;
            return this;
        }

        /**
         * Names matching {@code pattern} ({@code *} and {@code ?}, one name,
         * no '/') are left out of listings but usable by name. Repeatable.
         */
        public Builder hide(String pattern) {
            NamePolicy.of(NamePolicy.DotFiles.ALL, List.of(pattern), List.of()); // checks it
            hide.add(pattern);
            return this;
        }

        /**
         * Names matching {@code pattern} are hidden and refused (550) to
         * every command, for everyone, as is anything below them. Repeatable.
         */
        public Builder deny(String pattern) {
            NamePolicy.of(NamePolicy.DotFiles.ALL, List.of(), List.of(pattern)); // checks it
            deny.add(pattern);
            return this;
        }

        /** A listen address, repeatable; default 127.0.0.1:2121. Port 0 picks a free port. */
        public Builder listen(InetSocketAddress address) {
            listen.add(Objects.requireNonNull(address));
            return this;
        }

        /** The directory served as {@code /} to anonymous and to users added here. Default: the current directory. */
        public Builder root(Path dir) {
            this.root = dir.toAbsolutePath();
            return this;
        }

        /** A login with a plain-text password; with any user, anonymous is off unless {@link #anonymous(boolean)} says so. */
        public Builder user(String name, String password, boolean writable) {
            users.add(new PlainUser(Objects.requireNonNull(name), Objects.requireNonNull(password), writable));
            return this;
        }

        /** Anonymous login (anonymous or ftp), read-only. Default: on if no user is given, else off. */
        public Builder anonymous(boolean on) {
            this.anonymous = on;
            return this;
        }

        /** Serves anonymous its own directory rather than {@link #root}. */
        public Builder anonymousRoot(Path dir) {
            this.anonymousRoot = dir.toAbsolutePath();
            return this;
        }

        /**
         * An upload-only directory for anonymous (a virtual path such as
         * "/incoming"): new files may be stored there, nothing there may be
         * listed, downloaded or overwritten.
         */
        public Builder anonymousUploadOnly(String virtualDir) {
            this.anonymousUploadOnly = virtualDir;
            return this;
        }

        /** Replaces the built-in users with another authenticator. */
        public Builder authenticator(Authenticator a) {
            this.authenticator = a;
            return this;
        }

        /** Passive ports, inclusive; default a random free port of 49152-65535. */
        public Builder passivePorts(int low, int high) {
            if (low < 1 || high > 65535 || low > high) {
                throw new IllegalArgumentException("passive port range must be 1-65535, low <= high: " + low + "-" + high);
            }
            this.passiveLow = low;
            this.passiveHigh = high;
            return this;
        }

        /** The address PASV announces (behind NAT); default the control connection's local address. */
        public Builder passiveAddress(InetAddress address) {
            this.passiveAddress = address;
            return this;
        }

        public Builder loops(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("loops must be at least 1: " + n);
            }
            this.loops = n;
            return this;
        }

        /**
         * Threads of the worker pool: password checks, checksums (HASH, XSHA256...)
         * and the final rename of an upload run there, off the loops. Default: one
         * per core, at least 2. Idle threads end after 30 s.
         */
        public Builder workerThreads(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("workerThreads must be at least 1: " + n);
            }
            this.workerThreads = n;
            return this;
        }

        public Builder idleTimeout(Duration d) {
            this.idleTimeout = positive(d, "idle timeout");
            return this;
        }

        public Builder dataTimeout(Duration d) {
            this.dataTimeout = positive(d, "data timeout");
            return this;
        }

        public Builder acceptTimeout(Duration d) {
            this.acceptTimeout = positive(d, "accept timeout");
            return this;
        }

        public Builder failedLoginDelay(Duration d) {
            if (d.isNegative()) {
                throw new IllegalArgumentException("failed login delay must not be negative");
            }
            this.failedLoginDelay = d;
            return this;
        }

        public Builder maxLoginFailures(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("max login failures must be at least 1");
            }
            this.maxLoginFailures = n;
            return this;
        }

        public Builder maxLineBytes(int n) {
            if (n < 64) {
                throw new IllegalArgumentException("max line length must be at least 64 bytes");
            }
            this.maxLineBytes = n;
            return this;
        }

        /** Allows PORT/EPRT to, and passive connections from, other hosts (site-to-site, FXP). Default off. */
        public Builder allowForeignDataAddress(boolean on) {
            this.allowForeignData = on;
            return this;
        }

        /** Who hears of logins, transfers and disconnects (a logger, a transfer log); called on loop threads. */
        public Builder events(FtpEvents listener) {
            this.events = Objects.requireNonNull(listener);
            return this;
        }

        /** Server-wide download and upload rates in bytes per second, all sessions together; 0 for none (default). */
        public Builder bandwidth(long downloadBytesPerSecond, long uploadBytesPerSecond) {
            if (downloadBytesPerSecond < 0 || uploadBytesPerSecond < 0) {
                throw new IllegalArgumentException("rates must not be negative");
            }
            this.downloadRate = downloadBytesPerSecond;
            this.uploadRate = uploadBytesPerSecond;
            return this;
        }

        /**
         * Every connection on the listeners starts with a PROXY protocol
         * header (v1 or v2) from a load balancer such as HAProxy; its client
         * address is used for limits, logs and data-connection checks. A
         * connection without a valid header is closed. Default off.
         */
        public Builder proxyProtocol(boolean on) {
            this.proxyProtocol = on;
            return this;
        }

        // ------------------------------------------------------------ FTPS

        /**
         * FTPS (RFC 4217) with a PEM certificate chain and PEM private key:
         * unencrypted PKCS#8 ("BEGIN PRIVATE KEY"), PKCS#1 ("BEGIN RSA PRIVATE
         * KEY") or SEC1 ("BEGIN EC PRIVATE KEY"). Read at {@link #build}, which
         * fails with an IllegalArgumentException naming the file if they are
         * unreadable or do not belong together. The key may be in the
         * certificate file: pass it twice.
         */
        public Builder tlsPem(Path certificateFile, Path keyFile) {
            this.tlsCertFile = Objects.requireNonNull(certificateFile);
            this.tlsKeyFile = Objects.requireNonNull(keyFile);
            return this;
        }

        /** FTPS with a PKCS#12 keystore (its first key entry; the key's password is the store's). */
        public Builder tlsKeyStore(Path pkcs12File, char[] password) {
            this.tlsKeyStore = Objects.requireNonNull(pkcs12File);
            this.tlsKeyStorePassword = Objects.requireNonNull(password).clone();
            return this;
        }

        /** FTPS with a ready-made context (an embedding program's own key management). */
        public Builder tlsContext(javax.net.ssl.SSLContext context) {
            this.tlsContext = Objects.requireNonNull(context);
            return this;
        }

        /**
         * No login without AUTH TLS (USER gets 530), no PROT C (534), no data
         * connection without PROT P (521). Implicit-TLS sessions always
         * satisfy it. Default off. Needs a certificate.
         */
        public Builder tlsRequired(boolean on) {
            this.tlsRequired = on;
            return this;
        }

        /**
         * A PROT P data connection must resume the control connection's TLS
         * session, else it is refused with 522: it proves that the data
         * connection comes from the client that holds the control connection
         * (vsftpd's require_ssl_reuse). Default off: some clients (Java's, and
         * many with TLS 1.3) do not resume.
         */
        public Builder tlsRequireSessionReuse(boolean on) {
            this.tlsRequireSessionReuse = on;
            return this;
        }

        /**
         * A listener where TLS starts at connect (implicit FTPS, by custom
         * port 990): the 220 greeting comes inside TLS, and PBSZ 0 / PROT P are
         * assumed. Repeatable; needs a certificate. Port 0 picks a free port.
         */
        public Builder implicitTlsListen(InetSocketAddress address) {
            implicitTlsListen.add(Objects.requireNonNull(address));
            return this;
        }

        private TlsConfig tls() {
            int sources = (tlsCertFile != null ? 1 : 0) + (tlsKeyStore != null ? 1 : 0) + (tlsContext != null ? 1 : 0);
            if (sources > 1) {
                throw new IllegalArgumentException("TLS: give one of a PEM certificate and key, a PKCS#12 keystore, "
                        + "or a TLS context, not several");
            }
            javax.net.ssl.SSLContext context = tlsContext;
            if (tlsCertFile != null) {
                context = KeyMaterial.fromPem(tlsCertFile, tlsKeyFile).sslContext();
            } else if (tlsKeyStore != null) {
                context = KeyMaterial.fromPkcs12(tlsKeyStore, tlsKeyStorePassword).sslContext();
            }
            if (context == null) {
                if (!implicitTlsListen.isEmpty() || tlsRequired || tlsRequireSessionReuse) {
                    throw new IllegalArgumentException("TLS: implicit TLS, TLS required and session reuse need a "
                            + "certificate: give a PEM certificate and key or a PKCS#12 keystore");
                }
                return null;
            }
            return new TlsConfig(context, tlsRequired, tlsRequireSessionReuse);
        }

        /** How long a new connection may take to log in (default 1 minute). */
        public Builder loginTimeout(Duration d) {
            this.loginTimeout = positive(d, "login timeout");
            return this;
        }

        /** Sessions open at once, in all (default 10,000); beyond it a new connection gets 421. */
        public Builder maxSessions(int n) {
            this.maxSessions = atLeastOne(n, "max sessions");
            return this;
        }

        /** Sessions open at once from one client address (default 50). */
        public Builder maxSessionsPerAddress(int n) {
            this.maxSessionsPerAddress = atLeastOne(n, "max sessions per address");
            return this;
        }

        /**
         * Bans an address for {@code duration} after {@code failures} failed
         * logins within {@code window} (default 10 in 10 minutes bans for 15
         * minutes); {@code failures == 0} turns banning off.
         */
        public Builder banFailedLogins(int failures, Duration window, Duration duration) {
            if (failures < 0) {
                throw new IllegalArgumentException("ban threshold must not be negative");
            }
            this.banAfterFailures = failures;
            this.banWindow = positive(window, "ban window");
            this.banDuration = positive(duration, "ban duration");
            return this;
        }

        private static int atLeastOne(int n, String what) {
            if (n < 1) {
                throw new IllegalArgumentException(what + " must be at least 1: " + n);
            }
            return n;
        }

        /**
         * What to do if an event loop stops for any reason but a shutdown (an
         * {@link OutOfMemoryError}, a bug in the loop itself). Called once per
         * dying loop, on its thread. The default logs and closes the server; a
         * daemon exits, so that its supervisor restarts it.
         */
        public Builder onFatalError(java.util.function.Consumer<? super Throwable> handler) {
            this.onFatalError = Objects.requireNonNull(handler);
            return this;
        }

        public Builder banner(String text) {
            this.banner = Objects.requireNonNull(text);
            return this;
        }

        private static Duration positive(Duration d, String what) {
            if (d.isZero() || d.isNegative()) {
                throw new IllegalArgumentException(what + " must be positive");
            }
            return d;
        }

        Authenticator authenticator() {
            if (authenticator != null) {
                return authenticator;
            }
            InMemoryAuthenticator plain = new InMemoryAuthenticator();
            for (PlainUser u : users) {
                plain.addUser(u.name(), u.password(), root, u.writable());
            }
            boolean anon = anonymous != null ? anonymous : users.isEmpty();
            return plain.anonymous(anon ? (anonymousRoot != null ? anonymousRoot : root) : null, anonymousUploadOnly);
        }

        public FtpServer build() {
            if (listen.isEmpty() && implicitTlsListen.isEmpty()) {
                listen.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), 2121));
            }
            tlsConfig = tls();
            if (!Files.isDirectory(root)) {
                throw new IllegalArgumentException("root is not a directory: " + root);
            }
            return new FtpServer(this);
        }
    }
}
