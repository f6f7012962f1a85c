package org.nioftpd;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.nioftpd.auth.Authenticator;
import org.nioftpd.auth.InMemoryAuthenticator;
import org.nioftpd.data.PassiveAddresses;
import org.nioftpd.protocol.Cidr;
import org.nioftpd.session.AddressRules;
import org.nioftpd.session.Admission;
import org.nioftpd.event.FtpEvents;
import org.nioftpd.extension.CommandHook;
import org.nioftpd.extension.Extension;
import org.nioftpd.extension.ExtensionCommand;
import org.nioftpd.fs.NamePolicy;
import org.nioftpd.tls.ServerKeys;
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
        List<FtpEvents> listeners = new ArrayList<>();
        listeners.add(stats);
        listeners.add(b.events);
        listeners.addAll(b.extensionEvents);
        this.engine = new Engine(b, FtpEvents.fanOut(listeners.toArray(FtpEvents[]::new)), this::loopDied);
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
        if (engine.context.tls() != null) {
            engine.context.tls().implicitListenersBound(engine.boundImplicitTls);
        }
        startTlsWatch();
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

    /** What TLS this server offers (protocols, suites, groups, certificates), one fact a line; empty without TLS. */
    public List<String> tlsDescription() {
        TlsConfig tls = engine.context.tls();
        return tls == null ? List.of() : tls.describe();
    }

    /**
     * Reads the certificate and key files again now (as SIGHUP does) and serves
     * them from the next handshake on; connections already up keep theirs.
     * Blocking (file I/O); any thread but a loop.
     *
     * @return what is served now, one line
     * @throws IllegalArgumentException why the new files were refused (the old certificates stay and serve), or
     *                                  that this server has no reloadable certificate
     */
    public String reloadTls() {
        TlsConfig tls = engine.context.tls();
        if (tls == null || tls.keys() == null) {
            throw new IllegalArgumentException("TLS: no certificate files to reload");
        }
        return tls.keys().reload();
    }

    /** The reload poll, while started with certificate files and an interval; else null. */
    private java.util.concurrent.ScheduledExecutorService tlsWatch;

    private void startTlsWatch() {
        TlsConfig tls = engine.context.tls();
        Duration every = config.tlsReloadInterval;
        if (tls == null || tls.keys() == null || every.isZero()) {
            return;
        }
        tlsWatch = java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "nioftpd-tls-reload");
            t.setDaemon(true);
            return t;
        });
        ServerKeys keys = tls.keys();
        tlsWatch.scheduleWithFixedDelay(() -> {
            try {
                keys.reloadIfChanged();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "TLS reload check failed: " + e);
            }
        }, every.toMillis(), every.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /** The first explicit listener's port. */
    public int port() {
        return addresses().get(0).getPort();
    }

    /** Sessions open now, on every loop. */
    public int sessionCount() {
        return engine.context.admission().sessions();
    }

    /**
     * The live sessions, each an immutable snapshot taken on its own loop
     * thread (who, from where, since when, idle for how long, the last
     * command, TLS, the file transfer in hand with its progress), in the
     * order they connected. For monitoring: JMX, {@code nioftpd who}. Waits
     * (at most 5 s) for the loops to answer, so call it from a program's
     * thread, never from an event loop or an events listener.
     *
     * @throws IllegalStateException on an event-loop thread
     */
    public List<SessionInfo> sessions() {
        notOnLoop();
        return engine.snapshot(Duration.ofSeconds(5));
    }

    /**
     * Ends the sessions {@code target} names: a session id
     * ({@link SessionInfo#id}), a user name, or a client address (an IP
     * literal, or IP:port as {@link SessionInfo#client} shows it). Each gets
     * {@code 421 Session ended by the administrator.} and is closed; a
     * transfer in flight is aborted first (426, data connection closed, a
     * partial upload treated as an abort treats it). Returns the ids ended.
     * Not from an event loop.
     *
     * @throws IllegalStateException on an event-loop thread
     */
    public List<String> kick(String target) {
        Objects.requireNonNull(target);
        notOnLoop();
        if (target.isBlank()) {
            return List.of();
        }
        return engine.kick(target, Duration.ofSeconds(5));
    }

    private void notOnLoop() {
        for (org.nioftpd.reactor.EventLoop l : engine.loops.loops()) {
            if (l.inLoop()) {
                throw new IllegalStateException("not from an event loop: it would wait for the loops");
            }
        }
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

    // ------------------------------------------------------------------ bans

    /** What failed logins are counted against ({@link Builder#banMode}). */
    public enum BanMode {
        /** The client's address (an IPv6 client's /64, see {@link Builder#banIpv6Prefix}): a ban refuses every connection from it. Default. */
        ADDRESS,
        /**
         * The client's address and the user name: a banned pair's PASS gets
         * 530 without its password being checked, while other users from the
         * same address (one NAT for a whole office) still log in.
         */
        ADDRESS_AND_USER
    }

    /**
     * A ban in force, as {@link #bans()} lists it.
     *
     * @param network the banned network in CIDR form ({@code 192.0.2.7/32}, {@code 2001:db8:1:2::/64})
     * @param user    in {@link BanMode#ADDRESS_AND_USER} mode the user banned from that network; else null
     * @param until   when the ban ends
     * @param reason  the failed logins that caused it, or the reason given to {@link #ban}
     * @param manual  whether it was set with {@link #ban} rather than by failed logins
     */
    public record Ban(String network, String user, Instant until, String reason, boolean manual) {
    }

    /**
     * Bans {@code cidrOrAddress} ({@code 192.0.2.7}, {@code 10.0.0.0/8},
     * {@code 2001:db8::/48}) for {@code duration}: new connections from it
     * are refused with 421, and every session open from it now gets 421 and
     * is closed, whatever it is doing (a transfer is cut). It applies to
     * networks exempt from automatic bans too: an operator asked for it.
     * Banning the same network again replaces its ban. Any thread.
     *
     * @param duration positive; at most about 100 years, longer is taken as that (a ban "for ever")
     * @throws IllegalArgumentException if the network is not CIDR or an IP literal, or the duration is not positive
     * @throws IllegalStateException    if 10,000 manual bans are in force already
     */
    public void ban(String cidrOrAddress, Duration duration, String reason) {
        Cidr network = Cidr.parse(cidrOrAddress);
        engine.ban(network, Objects.requireNonNull(duration), reason == null ? "banned by the operator" : reason);
        LOG.log(System.Logger.Level.WARNING, "banned " + network + " until " + Instant.now().plus(
                duration.compareTo(Admission.LONGEST_BAN) > 0 ? Admission.LONGEST_BAN : duration)
                + ": " + (reason == null ? "by the operator" : reason));
    }

    /** {@link #ban(String, Duration, String)} with the reason "banned by the operator". */
    public void ban(String cidrOrAddress, Duration duration) {
        ban(cidrOrAddress, duration, null);
    }

    /**
     * Lifts every ban, manual or caused by failed logins, on
     * {@code cidrOrAddress} or on any network inside it ({@code unban("0.0.0.0/0")}
     * lifts every IPv4 ban), and forgets the failed logins counted there.
     * Returns how many bans were lifted. Any thread.
     */
    public int unban(String cidrOrAddress) {
        int n = engine.context.admission().unban(Cidr.parse(cidrOrAddress));
        LOG.log(System.Logger.Level.INFO, "unbanned " + cidrOrAddress + ": " + n + " ban(s) lifted");
        return n;
    }

    /** The bans in force now, manual and automatic, soonest to end first. Any thread. */
    public List<Ban> bans() {
        return engine.context.admission().bans().stream()
                .map(b -> new Ban(b.network().toString(), b.user(), b.until(), b.reason(), b.manual()))
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
        if (tlsWatch != null) {
            tlsWatch.shutdownNow();
        }
        engine.close();
    }

    /** Whether FTPS asks clients for a certificate: see {@link Builder#tlsClientAuth}. */
    public enum ClientAuth {
        /** Not asked (the default). */
        NONE,
        /** Asked; a client without one still connects and logs in by password. */
        WANT,
        /** Required: a client without one fails the TLS handshake. */
        NEED
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
        PassiveAddresses passiveAddresses = PassiveAddresses.LOCAL;
        final Map<InetSocketAddress, PassiveAddresses> listenerPassive = new HashMap<>();
        AddressRules allRules = AddressRules.NONE;
        final Map<InetSocketAddress, AddressRules> listenerRules = new HashMap<>();
        List<Cidr> banExempt = List.of();
        int banIpv6Prefix = 64;
        Admission.BanMode banMode = Admission.BanMode.ADDRESS;
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
        final List<FtpEvents> extensionEvents = new ArrayList<>();
        final List<CommandHook> hooks = new ArrayList<>();
        final List<ExtensionCommand> extraCommands = new ArrayList<>();
        final List<ExtensionCommand> extraSiteCommands = new ArrayList<>();
        boolean proxyProtocol;
        final List<InetSocketAddress> implicitTlsListen = new ArrayList<>();
        Path tlsCertFile;
        Path tlsKeyFile;
        Path tlsKeyStore;
        char[] tlsKeyStorePassword;
        javax.net.ssl.SSLContext tlsContext;
        boolean tlsRequired;
        boolean tlsRequireSessionReuse;
        final List<ServerKeys.Source> tlsHostKeys = new ArrayList<>();
        List<String> tlsProtocols;
        List<String> tlsCipherSuites;
        List<String> tlsNamedGroups;
        boolean tlsStrictUploadEof;
        Duration tlsReloadInterval = Duration.ofSeconds(10);
        TlsConfig tlsConfig;
        ClientAuth tlsClientAuth = ClientAuth.NONE;
        Path tlsClientCa;
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

        /**
         * The address PASV announces to every client (behind NAT); default the
         * control connection's local address. Null: back to the default.
         */
        public Builder passiveAddress(InetAddress address) {
            this.passiveAddresses = address == null ? PassiveAddresses.LOCAL : PassiveAddresses.of(address);
            return this;
        }

        /**
         * The address PASV announces, chosen by the client's network: an IP
         * literal or a host name for everyone, or rules
         * {@code CIDR=TARGET[,CIDR=TARGET...]}, the first whose network holds
         * the client winning, as in
         * {@code 192.168.0.0/16=local,0.0.0.0/0=ftp.example.com}. TARGET is
         * {@code local} (the control connection's local address), an IP literal
         * or a host name (looked up on the worker pool, kept 60 s, never on a
         * loop). A client no rule matches is told the local address. If the
         * announced address belongs to this host, the passive listener binds
         * there; else on the control connection's local address (for a NAT).
         * EPSV names no address and is not affected.
         *
         * @throws IllegalArgumentException naming the part that does not parse
         */
        public Builder passiveAddresses(String spec) {
            this.passiveAddresses = PassiveAddresses.parse(spec);
            return this;
        }

        /** {@link #passiveAddresses(String)} for one listener only (an address given to {@link #listen} or {@link #implicitTlsListen}). */
        public Builder passiveAddresses(InetSocketAddress listener, String spec) {
            listenerPassive.put(Objects.requireNonNull(listener), PassiveAddresses.parse(spec));
            return this;
        }

        /**
         * Client networks allowed to connect ({@code 10.0.0.0/8},
         * {@code 2001:db8::/32}, a bare address for one host); repeatable. With
         * any allow rule, an address no rule names is refused. The most specific
         * rule (longest prefix) decides; an allow and a deny of the same length:
         * deny. A refused client gets no greeting: the connection is reset at
         * accept (behind {@link #proxyProtocol}, right after the header, by the
         * client's address in it).
         */
        public Builder allowFrom(String... networks) {
            allRules = allRules.plus(new AddressRules(cidrs(networks), List.of()));
            return this;
        }

        /** Client networks refused at accept; repeatable. See {@link #allowFrom(String...)} for how rules combine. */
        public Builder denyFrom(String... networks) {
            allRules = allRules.plus(new AddressRules(List.of(), cidrs(networks)));
            return this;
        }

        /** {@link #allowFrom(String...)} on one listener only, decided together with the global rules. */
        public Builder allowFrom(InetSocketAddress listener, String... networks) {
            listenerRules.merge(Objects.requireNonNull(listener), new AddressRules(cidrs(networks), List.of()),
                    AddressRules::plus);
            return this;
        }

        /** {@link #denyFrom(String...)} on one listener only, decided together with the global rules. */
        public Builder denyFrom(InetSocketAddress listener, String... networks) {
            listenerRules.merge(Objects.requireNonNull(listener), new AddressRules(List.of(), cidrs(networks)),
                    AddressRules::plus);
            return this;
        }

        private static List<Cidr> cidrs(String... networks) {
            List<Cidr> out = new ArrayList<>();
            for (String n : networks) {
                out.add(Cidr.parse(n));
            }
            return out;
        }

        /**
         * Networks never banned for failed logins (a monitoring host, a
         * trusted office); replaces any earlier list. Default: none, so a
         * local proxy without PROXY protocol cannot turn bans off for everyone
         * behind it. Their failed logins still close the session after
         * {@link #maxLoginFailures} and still wait {@link #failedLoginDelay}.
         */
        public Builder banExempt(String... networks) {
            this.banExempt = cidrs(networks);
            return this;
        }

        /**
         * IPv6 clients are counted and banned by their network of this many
         * bits (default 64: a subscriber gets a whole /64, and stepping through
         * it costs an attacker nothing); 128 bans single addresses.
         */
        public Builder banIpv6Prefix(int bits) {
            if (bits < 1 || bits > 128) {
                throw new IllegalArgumentException("IPv6 ban prefix must be 1-128: " + bits);
            }
            this.banIpv6Prefix = bits;
            return this;
        }

        /** Counts failed logins per address (default) or per address and user name; see {@link BanMode}. */
        public Builder banMode(BanMode mode) {
            this.banMode = Objects.requireNonNull(mode) == BanMode.ADDRESS ? Admission.BanMode.ADDRESS
                    : Admission.BanMode.ADDRESS_AND_USER;
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

        /**
         * Adds everything {@code e} brings: its command hooks, commands, SITE
         * sub-commands and events listener (told besides {@link #events}'s).
         * May be called for several extensions; hooks are asked in the order added.
         */
        public Builder extension(Extension e) {
            Objects.requireNonNull(e);
            e.hooks().forEach(this::hook);
            e.commands().forEach(this::command);
            e.siteCommands().forEach(this::siteCommand);
            if (e.events() != FtpEvents.NONE) {
                extensionEvents.add(e.events());
            }
            return this;
        }

        /** A hook asked before every command (but ABOR, STAT, NOOP, QUIT); see {@link CommandHook}. */
        public Builder hook(CommandHook h) {
            hooks.add(Objects.requireNonNull(h));
            return this;
        }

        /** A new command; HELP (and FEAT, with a FEAT line) list it. A built-in verb cannot be replaced. */
        public Builder command(ExtensionCommand c) {
            extraCommands.add(Objects.requireNonNull(c));
            return this;
        }

        /** A new SITE sub-command; SITE HELP lists it. */
        public Builder siteCommand(ExtensionCommand c) {
            extraSiteCommands.add(Objects.requireNonNull(c));
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

        /**
         * An implicit-TLS listener with a certificate of its own (PEM), served
         * to its clients instead of the default (a client's SNI may still pick
         * a {@link #tlsHostPem} one). Reloaded with the others.
         */
        public Builder implicitTlsListen(InetSocketAddress address, Path certificateFile, Path keyFile) {
            implicitTlsListen.add(Objects.requireNonNull(address));
            tlsHostKeys.add(ServerKeys.Source.pemForListener(Objects.requireNonNull(certificateFile),
                    Objects.requireNonNull(keyFile), implicitTlsListen.size() - 1));
            return this;
        }

        /**
         * One more certificate, served to clients that ask for one of
         * {@code hostNames} by SNI ("ftp.example.org", or "*.example.org" for
         * one label); the {@link #tlsPem}/{@link #tlsKeyStore} pair stays the
         * default (without one, the first host pair is). Repeatable; reloaded
         * with the others.
         */
        public Builder tlsHostPem(List<String> hostNames, Path certificateFile, Path keyFile) {
            if (hostNames.isEmpty()) {
                throw new IllegalArgumentException("TLS: a host certificate needs at least one host name");
            }
            tlsHostKeys.add(ServerKeys.Source.pem(Objects.requireNonNull(certificateFile),
                    Objects.requireNonNull(keyFile), hostNames));
            return this;
        }

        /** TLS versions offered: "TLSv1.3" and/or "TLSv1.2" (default both; "TLSv1.3" alone for 1.3 only). */
        public Builder tlsProtocols(List<String> protocols) {
            this.tlsProtocols = List.copyOf(protocols);
            return this;
        }

        /** Cipher suites, JDK (IANA) names, in preference order (default: Mozilla "intermediate", {@link TlsConfig#DEFAULT_CIPHER_SUITES}). */
        public Builder tlsCipherSuites(List<String> suites) {
            this.tlsCipherSuites = List.copyOf(suites);
            return this;
        }

        /**
         * Key exchange groups ("x25519", "secp256r1"...), in preference order.
         * Per server on Java 20+; on Java 17 the JDK has one setting for the
         * whole JVM, the system property jdk.tls.namedGroups, which this sets
         * (it must come before the first TLS handshake in the JVM).
         */
        public Builder tlsNamedGroups(List<String> groups) {
            this.tlsNamedGroups = List.copyOf(groups);
            return this;
        }

        /**
         * Whether an upload's TLS data connection must end with the client's
         * close_notify (else 426 "may be truncated"). Default off, as vsftpd
         * (strict_ssl_read_eof=NO) and Pure-FTPd: some clients (wput) close
         * without it; a FIN in the middle of a record is refused either way.
         */
        public Builder tlsStrictUploadEof(boolean on) {
            this.tlsStrictUploadEof = on;
            return this;
        }

        /**
         * How often the certificate and key files are checked for changes
         * (modification time, size, content hash) and reloaded; zero for never
         * (then only {@link FtpServer#reloadTls}). Default 10 seconds.
         */
        public Builder tlsReloadInterval(Duration interval) {
            if (interval.isNegative()) {
                throw new IllegalArgumentException("TLS reload interval must not be negative: " + interval);
            }
            this.tlsReloadInterval = interval;
            return this;
        }

        /**
         * Whether FTPS control connections ask for a client certificate
         * (RFC 4217 section 7): {@link ClientAuth#WANT} asks and lets a client
         * without one in, {@link ClientAuth#NEED} fails its handshake. The
         * certificate is verified against {@link #tlsClientCa}, or the JDK's
         * trust store without one (or the trust managers of a
         * {@link #tlsContext}), and reaches the authenticator as
         * {@code LoginRequest.certificates()}: the users file can log a user
         * in by it. Default {@link ClientAuth#NONE}. Needs a certificate.
         */
        public Builder tlsClientAuth(ClientAuth mode) {
            this.tlsClientAuth = Objects.requireNonNull(mode);
            return this;
        }

        /** The CA certificates (a PEM bundle) that client certificates must chain to. */
        public Builder tlsClientCa(Path caPemFile) {
            this.tlsClientCa = Objects.requireNonNull(caPemFile);
            return this;
        }

        TlsConfig tls() {
            if (tlsClientCa != null && tlsContext != null) {
                throw new IllegalArgumentException("TLS: a client CA file and a ready-made TLS context do not mix: "
                        + "put the trust managers into the context");
            }
            int sources = (tlsCertFile != null ? 1 : 0) + (tlsKeyStore != null ? 1 : 0) + (tlsContext != null ? 1 : 0);
            if (sources > 1) {
                throw new IllegalArgumentException("TLS: give one of a PEM certificate and key, a PKCS#12 keystore, "
                        + "or a TLS context, not several");
            }
            if (tlsContext != null && !tlsHostKeys.isEmpty()) {
                throw new IllegalArgumentException("TLS: host and listener certificates do not combine with a TLS context given whole");
            }
            javax.net.ssl.SSLContext context = tlsContext;
            ServerKeys keys = null;
            List<ServerKeys.Source> all = new ArrayList<>();
            if (tlsCertFile != null) {
                all.add(ServerKeys.Source.pem(tlsCertFile, tlsKeyFile, List.of()));
            } else if (tlsKeyStore != null) {
                all.add(ServerKeys.Source.pkcs12(tlsKeyStore, tlsKeyStorePassword, List.of()));
            }
            all.addAll(tlsHostKeys);
            if (!all.isEmpty()) {
                keys = new ServerKeys(all);
                context = keys.sslContext(tlsClientCa);
            }
            if (context == null) {
                if (!implicitTlsListen.isEmpty() || tlsRequired || tlsRequireSessionReuse
                        || tlsClientAuth != ClientAuth.NONE || tlsClientCa != null) {
                    throw new IllegalArgumentException("TLS: implicit TLS, TLS required and session reuse need a "
                            + "certificate: give a PEM certificate and key or a PKCS#12 keystore");
                }
                return null;
            }
            return new TlsConfig(context, keys, tlsRequired, tlsRequireSessionReuse,
                    new TlsConfig.Settings(tlsProtocols, tlsCipherSuites, tlsNamedGroups, tlsStrictUploadEof))
                    .clientAuth(TlsConfig.ClientAuth.valueOf(tlsClientAuth.name()));
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

        private static java.util.Set<InetSocketAddress> union(java.util.Set<InetSocketAddress> a,
                                                              java.util.Set<InetSocketAddress> b) {
            java.util.Set<InetSocketAddress> all = new java.util.HashSet<>(a);
            all.addAll(b);
            return all;
        }

        public FtpServer build() {
            if (listen.isEmpty() && implicitTlsListen.isEmpty()) {
                listen.add(new InetSocketAddress(InetAddress.getLoopbackAddress(), 2121));
            }
            tlsConfig = tls();
            for (InetSocketAddress l : union(listenerRules.keySet(), listenerPassive.keySet())) {
                if (!listen.contains(l) && !implicitTlsListen.contains(l)) {
                    throw new IllegalArgumentException("rules for " + l + ", which is not a listen address");
                }
            }
            if (!Files.isDirectory(root)) {
                throw new IllegalArgumentException("root is not a directory: " + root);
            }
            return new FtpServer(this);
        }
    }
}
