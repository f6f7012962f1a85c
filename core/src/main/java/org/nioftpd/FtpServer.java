package org.nioftpd;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.nioftpd.auth.Authenticator;
import org.nioftpd.auth.InMemoryAuthenticator;
import org.nioftpd.event.FtpEvents;
import org.nioftpd.fs.NamePolicy;
import org.nioftpd.tls.KeyMaterial;
import org.nioftpd.tls.TlsConfig;

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
 *
 * <p>Why one file of this size: most of it is the {@link Builder}, one documented method per
 * option an embedder may set; the server itself is the small lifecycle above it, and the wiring
 * lives in the package-private {@code Engine}.
 */
public final class FtpServer implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(FtpServer.class.getName());

    private final Builder config;
    private final FtpStats stats = new FtpStats();
    private final Engine engine;

    /** Calls ever given to the storage pool: for tests that the local disk gives none. */
    long storageCalls() {
        return engine.storageCalls();
    }
    private boolean started;
    private boolean closed;

    private FtpServer(Builder b) {
        this.config = b;
        this.engine = new Engine(b, FtpEvents.fanOut(stats, b.events), this::loopDied);
    }

    /**
     * A root named by a local path or by a URI of any installed {@code java.nio.file} provider:
     * see {@link org.nioftpd.auth.StorePaths#of(String)}.
     */
    public static Path storePath(String pathOrUri) {
        return org.nioftpd.auth.StorePaths.of(pathOrUri);
    }

    /** As {@link #storePath(String)}, for a URI. */
    public static Path storePath(java.net.URI uri) {
        return org.nioftpd.auth.StorePaths.of(uri);
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
    private void loopDied(org.nioftpd.reactor.EventLoop loop, Throwable cause) {
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

    /** The server's counters: connections, logins, transfers, bytes. */
    public FtpStats stats() {
        return stats;
    }

    /** Binds every listen address and starts the loops. Fails (and releases everything) if any bind fails. */
    public synchronized void start() throws IOException {
        if (started) {
            throw new IllegalStateException("already started");
        }
        engine.start();
        started = true;
    }

    /** The addresses of the explicit (plain, AUTH TLS) listeners, as bound: port 0 resolved. */
    public synchronized List<InetSocketAddress> addresses() {
        return List.copyOf(engine.bound);
    }

    /** The addresses of the implicit-TLS listeners, as bound. */
    public synchronized List<InetSocketAddress> implicitTlsAddresses() {
        return List.copyOf(engine.boundImplicitTls);
    }

    public int implicitTlsPort() {
        return implicitTlsAddresses().get(0).getPort();
    }

    public boolean tlsEnabled() {
        return engine.context.tls() != null;
    }

    /** The first explicit listener's port. */
    public int port() {
        return addresses().get(0).getPort();
    }

    /** Sessions open now, on every loop. */
    public int sessionCount() {
        return engine.context.admission().sessions();
    }

    /** Passive listeners open now (PASV or EPSV sent, connection not yet come), on every loop. */
    public int passiveListenerCount() {
        return engine.context.data().passiveListeners().open();
    }

    /**
     * One loop's figures, for monitoring; read racily from any thread.
     *
     * @param channels      channels registered (control, data, listeners)
     * @param handledEvents keys dispatched and tasks run since the start
     * @param load          share of the time spent working rather than waiting, 0.0 to 1.0
     * @param liveTimers    timers that will still run (idle, accept, stall...): a count that stays high
     *                      after sessions end is a leak
     */
    public record LoopStats(String name, int channels, long handledEvents, double load, int liveTimers) {
    }

    public List<LoopStats> loopStats() {
        return engine.loops.loops().stream()
                .map(l -> new LoopStats(l.name(), l.registeredKeys(), l.handledEvents(), l.load(), l.liveTimers()))
                .toList();
    }

    /** Test access to the loops, for the tests in this package only. */
    org.nioftpd.reactor.EventLoopGroup loops() {
        return engine.loops;
    }

    /** Closes the listeners; sessions go on. */
    public synchronized void stopAccepting() {
        engine.stopAccepting();
    }

    /**
     * Graceful stop: no new connection; idle sessions get 421 now; running
     * transfers get up to {@code grace} to finish (226, then 421). Then
     * everything closes. True if every session ended in time.
     */
    public boolean shutdown(Duration grace) {
        synchronized (this) {
            if (closed) {
                return true;
            }
            engine.stopAccepting();
        }
        boolean drained = engine.drain(grace);
        close();
        return drained;
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        engine.close();
    }

    public static final class Builder {
        final List<InetSocketAddress> listen = new ArrayList<>();
        Path root = Path.of("").toAbsolutePath();
        private record PlainUser(String name, String password, boolean writable) {
        }

        final List<PlainUser> users = new ArrayList<>();
        Boolean anonymous;
        Path anonymousRoot;
        String anonymousUploadOnly;
        Authenticator authenticator;
        /*
         * Passive ports: a random free port of 49152-65535 (IANA's dynamic
         * range) unless told otherwise, bound explicitly. Not port 0: under
         * load the kernel's own search for a free ephemeral port walks
         * buckets full of TIME_WAIT sockets, and the bench measured the loops
         * spending 57 % of their time in bind (6x fewer small files per second).
         */
        int passiveLow = 49152;
        int passiveHigh = 65535;
        InetAddress passiveAddress;
        int loops = Runtime.getRuntime().availableProcessors();
        int workerThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
        int checksumThreads = Math.max(2, Runtime.getRuntime().availableProcessors());
        int storageThreads = 16;
        int storageQueue = 1024;
        int maxChecksumsPerAddress = 4;
        long maxHashBytes = 16L << 30;
        Duration idleTimeout = Duration.ofMinutes(5);
        Duration dataTimeout = Duration.ofMinutes(5);
        Duration acceptTimeout = Duration.ofMinutes(1);
        Duration failedLoginDelay = Duration.ofSeconds(1);
        int maxLoginFailures = 3;
        int maxLineBytes = 4096;
        boolean allowForeignData;
        String banner = "nioftpd ready.";
        Duration loginTimeout = Duration.ofMinutes(1);
        FtpEvents events = FtpEvents.NONE;
        boolean proxyProtocol;
        final List<InetSocketAddress> implicitTlsListen = new ArrayList<>();
        Path tlsCertFile;
        Path tlsKeyFile;
        Path tlsKeyStore;
        char[] tlsKeyStorePassword;
        javax.net.ssl.SSLContext tlsContext;
        boolean tlsRequired;
        boolean tlsRequireSessionReuse;
        TlsConfig tlsConfig;
        long downloadRate;
        long uploadRate;
        int maxSessions = 10_000;
        int maxSessionsPerAddress = 50;
        int maxPassivePerAddress = 32;
        int banAfterFailures = 10;
        java.util.function.Consumer<? super Throwable> onFatalError;
        org.nioftpd.session.Guards guards = org.nioftpd.session.Guards.DEFAULTS;
        /** Tests only (package-private, set through the test sources' ServerInternals): a bulk lane they hold. */
        java.util.concurrent.ExecutorService bulkLaneForTests;
        NamePolicy.DotFiles dotFiles = NamePolicy.DotFiles.DENY;
        final List<String> hide = new ArrayList<>();
        final List<String> deny = new ArrayList<>();
        Duration banWindow = Duration.ofMinutes(10);
        Duration banDuration = Duration.ofMinutes(15);

        private Builder() {
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
         * {@link #root(Path)} on any installed file system provider, named by
         * URI ({@code s3://bucket/prefix/}, {@code jar:file:/srv/a.zip!/},
         * {@code jimfs://name/}): see {@link FtpServer#storePath}.
         */
        public Builder root(java.net.URI uri) {
            return root(storePath(uri));
        }

        /** {@link #anonymousRoot(Path)} named by URI, as {@link #root(java.net.URI)}. */
        public Builder anonymousRoot(java.net.URI uri) {
            return anonymousRoot(storePath(uri));
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
         * Threads of the interactive worker lane: password checks, the final
         * rename of an upload and TLS handshake tasks run there, off the loops.
         * Checksums have a lane of their own ({@link #checksumThreads}), so they
         * never delay these. Default: one per core, at least 2. Idle threads end
         * after 30 s.
         */
        public Builder workerThreads(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("workerThreads must be at least 1: " + n);
            }
            this.workerThreads = n;
            return this;
        }

        /**
         * The storage pool, used only when a root is on a file system other
         * than the local disk (an object store, a zip archive, Jimfs): every
         * call to that store runs on one of {@code threads} threads, at most
         * {@code queue} calls wait, and a call beyond that is answered
         * {@code 450} at once. Default: 16 threads, 1,024 waiting. Each
         * thread holds at most one store call, so {@code threads} is the most
         * round trips to a remote store in flight at once.
         */
        public Builder storagePool(int threads, int queue) {
            if (threads < 1 || queue < 1) {
                throw new IllegalArgumentException("storage pool needs at least 1 thread and 1 queue slot: "
                        + threads + ", " + queue);
            }
            this.storageThreads = threads;
            this.storageQueue = queue;
            return this;
        }

        /**
         * Threads of the bulk lane, where checksums (HASH, XCRC, XMD5, XSHA1,
         * XSHA256) run, apart from logins and upload commits. Default: one per
         * core, at least 2. Idle threads end after 30 s.
         */
        public Builder checksumThreads(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("checksumThreads must be at least 1: " + n);
            }
            this.checksumThreads = n;
            return this;
        }

        /**
         * Checksums one client address may have running or waiting at once;
         * one more is answered {@code 450} at once, not queued. One session
         * runs one at a time anyway (it reads no command until the reply).
         * Default 4; 0: no limit.
         */
        public Builder maxChecksumsPerAddress(int n) {
            if (n < 0) {
                throw new IllegalArgumentException("maxChecksumsPerAddress must not be negative: " + n);
            }
            this.maxChecksumsPerAddress = n;
            return this;
        }

        /**
         * Most bytes one checksum request may hash: a larger file (HASH) or
         * range (XSHA256 path start end) is refused with {@code 504}. It bounds
         * how long one request holds a bulk thread (SHA-256 reads about
         * 0.5 GB/s per core: 16 GiB is some 35 s), so a handful of requests
         * cannot hold the lane for hours with a huge sparse file. Default
         * 16 GiB, enough for DVD and Blu-ray images and most disk images;
         * 0: no limit.
         */
        public Builder maxHashBytes(long bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxHashBytes must not be negative: " + bytes);
            }
            this.maxHashBytes = bytes;
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

        /**
         * MODE Z uploads: refused with 552 (temporary file removed, an older
         * file of the name intact) once they have written more than
         * {@code allowanceBytes} and more than {@code ratio} times the
         * compressed bytes received. Default 100 beyond 64 MiB: text
         * compresses 3 to 10 times, a zlib stream of zeros 1,000 times.
         * {@code ratio} 0: no limit.
         */
        public Builder maxInflateRatio(long ratio, long allowanceBytes) {
            if (ratio < 0 || allowanceBytes < 0) {
                throw new IllegalArgumentException("inflate ratio and allowance must not be negative");
            }
            this.guards = guards.withInflateLimit(ratio, allowanceBytes);
            return this;
        }

        /**
         * Paths more than {@code depth} components below a user's root are
         * refused with 550 before any file system call (MKD cannot make one,
         * CWD cannot enter one). Resolving a path costs the square of its
         * depth on the loop; default 128 keeps any command within about a
         * millisecond of it.
         */
        public Builder maxPathDepth(int depth) {
            if (depth < 1) {
                throw new IllegalArgumentException("max path depth must be positive");
            }
            this.guards = guards.withMaxPathDepth(depth);
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

        TlsConfig tls() {
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
         * Passive listeners open at once for one client address (default 32);
         * beyond it PASV and EPSV get 425 and no port is taken, so that a few
         * addresses cannot hold the whole passive range (issue 19, item 6). A
         * listener lives from PASV to the client's connect, one round trip,
         * and a session holds at most one, so 32 is more than an office behind
         * one NAT address keeps open at once, and fewer than the 50 sessions
         * one address may open. With a small range, keep it to a fraction of
         * the range: at a quarter, it takes at least four addresses to fill it.
         */
        public Builder maxPassivePerAddress(int n) {
            this.maxPassivePerAddress = atLeastOne(n, "max passive listeners per address");
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
