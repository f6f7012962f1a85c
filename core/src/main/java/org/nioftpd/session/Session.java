package org.nioftpd.session;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.nioftpd.FtpEvents;
import org.nioftpd.auth.UserAccount;
import org.nioftpd.command.Command;
import org.nioftpd.command.CommandTable;
import org.nioftpd.data.DataConnections;
import org.nioftpd.data.Transfer;
import org.nioftpd.fs.FileSystemView;
import org.nioftpd.fs.ListFormat;
import org.nioftpd.protocol.LineDecoder;
import org.nioftpd.protocol.Reply;
import org.nioftpd.reactor.EventLoop;
import org.nioftpd.reactor.Timer;
import org.nioftpd.tls.TlsConfig;
import org.nioftpd.transport.EndPoint;
import org.nioftpd.transport.TlsEndPoint;

/**
 * One FTP session: its state as typed fields, and the rules for running its
 * commands in order. Everything here runs on the session's loop thread, which
 * also owns its control channel, its passive listener and its data channel,
 * so none of it is locked.
 *
 * <p><b>Order.</b> Commands run one at a time, in the order they came. A
 * command that cannot finish at once (a login whose password check runs on a
 * worker, a failed login's delay, a transfer) {@linkplain #suspend suspends}
 * the session: no further line is decoded until it {@linkplain #resume resumes}.
 * During a transfer the control connection is still read, so that ABOR, STAT,
 * NOOP and QUIT work; any other command waits, held, until the transfer has sent
 * its final reply. So replies never come out of order.
 */
public final class Session {

    private static final System.Logger LOG = System.getLogger(Session.class.getName());

    /** TYPE: how file bytes travel. */
    public enum DataType { ASCII, IMAGE }

    private final Settings settings;
    private final CommandTable commands;
    private final ControlConnection control;
    private final EventLoop loop;
    private final DataConnections data;
    private final Runnable onClose;
    private final InetSocketAddress client;

    // --- login
    private String pendingUser;
    private UserAccount user;
    private FileSystemView fs;
    private int failedLogins;

    // --- security: RFC 2228, RFC 4217 (the control connection's TLS is ControlConnection's endpoint)
    private boolean pbsz;
    private boolean protP;

    // --- transfer parameters
    private DataType dataType = DataType.ASCII; // RFC 959 5.1: the default is ASCII
    private long restartOffset;
    private FileSystemView.Resolved renameFrom;
    private boolean epsvAll;
    private Set<ListFormat.Fact> mlstFacts = ListFormat.ALL_FACTS;
    private String hashAlgorithm = "SHA-256";
    private boolean deflate;
    private int deflateLevel = java.util.zip.Deflater.DEFAULT_COMPRESSION;

    // --- flow
    private boolean suspended;
    private boolean processing;
    /**
     * Lines read during a transfer that must wait for its end, in order.
     * Bounded: once full, the control connection is not read until they ran.
     */
    private final ArrayDeque<String> held = new ArrayDeque<>();
    private static final int MAX_HELD = 32;
    /** An ABOR read behind held lines already stopped the transfer (426); it answers 226 in its turn. */
    private boolean abortedAhead;
    private Transfer transfer;
    private boolean quitAfterTransfer;
    private boolean shuttingDown;
    private boolean closed;
    private long lastActivityNanos = System.nanoTime();
    private Timer idleTimer;
    private Timer loginTimer;

    /**
     * Loop thread of {@code endPoint}. Call {@link #start} next.
     *
     * @param client  the real client: the socket's peer, or the address a PROXY header gave
     * @param initial bytes already read after a PROXY header, or null
     */
    public Session(Settings settings, CommandTable commands, EndPoint endPoint, InetSocketAddress client,
                   ByteBuffer initial, Runnable onClose) {
        this.settings = settings;
        this.commands = commands;
        this.loop = endPoint.loop();
        this.client = client;
        this.control = new ControlConnection(endPoint, settings.maxLineBytes(), initial);
        this.control.session(this);
        this.data = new DataConnections(this);
        this.onClose = onClose;
    }

    /** Reads a PROXY protocol header on a new connection, then calls {@code then} with the real client. */
    public static void awaitProxyHeader(EndPoint endPoint, long timeoutMillis,
                                        BiConsumer<InetSocketAddress, ByteBuffer> then) {
        ProxyHandshake.await(endPoint, timeoutMillis, then);
    }

    /** Greets the client and starts reading. */
    public void start() {
        settings.events().connected(remoteAddress());
        reply(220, settings.banner());
        if (closed) {
            // The greeting could not be written: the client reset at once (a connect
            // storm). Timers armed now would outlive the session, holding it for minutes.
            return;
        }
        scheduleIdleCheck(settings.idleTimeout().toNanos());
        loginTimer = loop.schedule(settings.loginTimeout().toNanos(), TimeUnit.NANOSECONDS, () -> {
            if (!closed && user == null) {
                reply(421, "Login timeout: closing control connection.");
                closeAfterReplies();
            }
        });
        control.wantInput(true);
        if (control.hasBufferedInput()) {
            processInput();
        }
    }

    // ------------------------------------------------------------------ input

    /**
     * New bytes arrived on the control connection. Only whole command lines
     * count as activity: a client that trickles bytes that never make a line
     * still times out.
     */
    void onInput() {
        processInput();
        long skipped = control.skippedBytes();
        if (!closed && skipped > maxSkippedBytes()) {
            reply(500, "Command line too long.");
            reply(421, "Closing control connection.");
            closeAfterReplies();
        }
    }

    /** How much of an endless line (or Telnet subnegotiation) is read before the client is cut off. */
    private long maxSkippedBytes() {
        return Math.max(64 * 1024, 4L * settings.maxLineBytes());
    }

    /** Queued replies drained: if reading was paused for backpressure, read again. */
    void onOutputDrained() {
        processInput();
    }

    /**
     * Runs complete lines while the session may: not suspended, no line held
     * back by a running transfer, and the client reading its replies (once the
     * output backlog is full, {@link #onOutputDrained} resumes). Re-entrant calls
     * (a transfer finishing inside the command that started it) return at once;
     * the outer call goes on.
     */
    private void processInput() {
        if (processing || closed) {
            return;
        }
        processing = true;
        try {
            while (!closed && !suspended && !control.backlogged()) {
                if (transfer != null) {
                    // Read ahead during a transfer: ABOR, STAT, NOOP and QUIT run now unless
                    // earlier lines wait; everything else waits for the transfer's end.
                    if (held.size() >= MAX_HELD) {
                        break;
                    }
                    String line = control.nextLine();
                    if (line == null) {
                        break;
                    }
                    if (held.isEmpty() && runsDuringTransfer(line)) {
                        run(line);
                    } else {
                        if (verbOf(line).equals("ABOR")) {
                            // A client that sent a command and then ABOR must not wait for the
                            // transfer (maybe forever) to see its ABOR: stop it now. Its 426
                            // answers the transfer's command, which came before every held line.
                            abortedAhead |= abortTransfer();
                        }
                        held.addLast(line);
                    }
                    continue;
                }
                String line = !held.isEmpty() ? held.pollFirst() : control.nextLine();
                if (line == null) {
                    break;
                }
                run(line);
            }
        } finally {
            processing = false;
        }
        if (!closed) {
            control.wantInput(!suspended && held.size() < MAX_HELD);
        }
    }

    private boolean runsDuringTransfer(String line) {
        Command c = commands.get(verbOf(line));
        return c != null && c.runsDuringTransfer();
    }

    private static String verbOf(String line) {
        int space = line.indexOf(' ');
        return (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
    }

    /** True once, after an ABOR that waited behind other lines had already stopped the transfer. */
    public boolean takeAbortedAhead() {
        boolean was = abortedAhead;
        abortedAhead = false;
        return was;
    }

    /** Runs one command line. */
    private void run(String line) {
        lastActivityNanos = System.nanoTime();
        if (line == LineDecoder.TOO_LONG) {
            reply(500, "Command line too long.");
            return;
        }
        int space = line.indexOf(' ');
        String verb = verbOf(line);
        String arg = space < 0 ? "" : line.substring(space + 1);
        if (LOG.isLoggable(System.Logger.Level.TRACE)) {
            LOG.log(System.Logger.Level.TRACE, "{0} <- {1}", remoteAddress(), verb.equals("PASS") ? "PASS ****" : line);
        }
        execute(commands.get(verb), verb, arg);
    }

    private void execute(Command command, String verb, String arg) {
        if (command == null) {
            reply(500, "Unknown command '" + printable(verb) + "'.");
            return;
        }
        if (command.access() != Command.Access.ANYONE && user == null) {
            reply(530, "Please login with USER and PASS.");
            return;
        }
        if (command.arg() == Command.Arg.REQUIRED && arg.isBlank()) {
            reply(501, "Syntax: " + command.help());
            return;
        }
        if (command.arg() == Command.Arg.NONE && !arg.isBlank()) {
            reply(501, command.name() + " takes no argument.");
            return;
        }
        if (command.access() == Command.Access.WRITE && !user.writable() && !mayDropFile(command)) {
            reply(550, "Permission denied.");
            return;
        }
        long rest = restartOffset;
        FileSystemView.Resolved from = renameFrom;
        try {
            command.handler().handle(this, arg);
        } catch (NoSuchFileException | NotDirectoryException e) {
            reply(550, "No such file or directory.");
        } catch (AccessDeniedException e) {
            reply(550, "Permission denied.");
        } catch (FileAlreadyExistsException e) {
            reply(550, "File exists.");
        } catch (DirectoryNotEmptyException e) {
            reply(550, "Directory not empty.");
        } catch (InvalidPathException e) {
            reply(553, "Invalid file name.");
        } catch (FileSystemException e) {
            reply(550, "Failed: " + (e.getReason() != null ? e.getReason() : "file system error") + ".");
        } catch (IOException e) {
            settings.events().error(remoteAddress(), verb + ": " + e);
            reply(451, "Local error: " + org.nioftpd.data.LocalFileException.describe(e) + ".");
        }
        // REST and RNFR are promises about the very next command only (RFC 959 4.1.3).
        if (restartOffset == rest && !verb.equals("REST")) {
            restartOffset = 0;
        }
        if (renameFrom == from && !verb.equals("RNFR")) {
            renameFrom = null;
        }
    }

    /** A read-only user with a drop box may store new files there (the view checks where). */
    private boolean mayDropFile(Command command) {
        return user.uploadOnly() != null && (command.name().equals("STOR") || command.name().equals("STOU"));
    }

    private static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < 32; i++) {
            char c = s.charAt(i);
            sb.append(c < 0x20 || c == 0x7f ? '?' : c);
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- replies

    public void reply(int code, String text) {
        if (LOG.isLoggable(System.Logger.Level.TRACE)) {
            LOG.log(System.Logger.Level.TRACE, "{0} -> {1} {2}", remoteAddress(), code, text);
        }
        control.write(Reply.encode(code, text));
    }

    public void reply(int code, String first, List<String> body, String last) {
        if (LOG.isLoggable(System.Logger.Level.TRACE)) {
            LOG.log(System.Logger.Level.TRACE, "{0} -> {1} {2} (+{3} lines)", remoteAddress(), code, first,
                    body.size() + 1);
        }
        control.write(Reply.encode(code, first, body, last));
    }

    // --------------------------------------------------------- flow control

    /** The command in hand finishes later: stop running lines until {@link #resume}. */
    public void suspend() {
        suspended = true;
        control.wantInput(false);
    }

    /** The suspended command has finished: go on with the next line. */
    public void resume() {
        suspended = false;
        lastActivityNanos = System.nanoTime();
        processInput();
    }

    /**
     * Runs CPU-heavy {@code work} (a password hash, a file checksum) on the
     * worker pool, never on the loop, with the session suspended; {@code then}
     * runs on the loop with the result or the failure, unless the session has
     * closed meanwhile. {@code then} must call {@link #resume}.
     */
    public <T> void offload(Callable<T> work, BiConsumer<T, Exception> then) {
        suspend();
        try {
            settings.workers().execute(() -> {
                T result = null;
                Exception failure = null;
                try {
                    result = work.call();
                } catch (Exception e) {
                    failure = e;
                }
                T r = result;
                Exception f = failure;
                loop.execute(() -> {
                    if (!closed) {
                        then.accept(r, f);
                    }
                });
            });
        } catch (RejectedExecutionException e) {
            reply(421, "Service busy, closing control connection.");
            closeAfterReplies();
        }
    }

    // ------------------------------------------------------------------ login

    public void pendingUser(String name) {
        this.pendingUser = name;
    }

    public String pendingUser() {
        return pendingUser;
    }

    /**
     * Logs {@code account} in: its home becomes the root of the session's
     * view. False if the user already has its maximum of sessions.
     */
    public boolean login(UserAccount account) throws IOException {
        FileSystemView view = new FileSystemView(account.home(), account.writable(), account.uploadOnly(),
                settings.names().forUser(account.anonymous()));
        if (!settings.users().login(account)) {
            return false;
        }
        logout();
        this.fs = view;
        this.user = account;
        this.pendingUser = null;
        this.failedLogins = 0;
        if (loginTimer != null) {
            loginTimer.cancel();
        }
        return true;
    }

    private void logout() {
        if (user != null) {
            settings.users().logout(user);
            user = null;
        }
    }

    /** REIN: back to the state of a new connection, without closing it. */
    public void reinitialize() {
        abortTransfer();
        data.reset();
        logout();
        fs = null;
        pendingUser = null;
        dataType = DataType.ASCII;
        restartOffset = 0;
        renameFrom = null;
        epsvAll = false;
        mlstFacts = ListFormat.ALL_FACTS;
        hashAlgorithm = "SHA-256";
        deflate = false;
        deflateLevel = java.util.zip.Deflater.DEFAULT_COMPRESSION;
    }

    public int loginFailed() {
        return ++failedLogins;
    }

    public UserAccount user() {
        return user;
    }

    public boolean loggedIn() {
        return user != null;
    }

    public FileSystemView fs() {
        return fs;
    }

    // -------------------------------------------------------------- security

    /** FTPS settings, or null when the server has no certificate. */
    public TlsConfig tls() {
        return settings.tls();
    }

    /** True once the control connection is TLS (after AUTH TLS, or from the start on an implicit-TLS listener). */
    public boolean controlSecure() {
        return control.isTls();
    }

    /**
     * AUTH TLS, after its 234 has been queued: TLS under the control
     * connection from the next byte, any plaintext pipelined after the AUTH
     * line discarded, and a USER given before AUTH forgotten (the login
     * happens inside TLS). {@code protectData}: AUTH SSL and TLS-P, which old
     * clients send meaning "and PROT P" (draft-murray-auth-ftp-ssl).
     */
    public void startTls(boolean protectData) {
        pendingUser = null;
        control.startTls(raw -> {
            try {
                return tlsEndPoint(raw, false, null, null);
            } catch (javax.net.ssl.SSLException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        if (protectData) {
            pbsz = true;
            protP = true;
        }
    }

    /** An implicit-TLS connection: as if AUTH TLS, PBSZ 0 and PROT P had been sent. */
    public void implicitTls() {
        pbsz = true;
        protP = true;
    }

    /**
     * TLS over {@code raw}, server side. A data connection wants close_notify
     * at its end (a cut upload is an error) and a few records of output
     * buffer; a control connection one record.
     */
    public TlsEndPoint tlsEndPoint(EndPoint raw, boolean data, TlsEndPoint.HandshakeCheck check,
                                   ByteBuffer initial) throws javax.net.ssl.SSLException {
        return new TlsEndPoint(raw, settings.tls().newEngine(), settings.workers(), data, check,
                data ? 4 : 1, initial);
    }

    /** The data connection's TLS: PROT P data connections, with the session-reuse check when required. */
    public TlsEndPoint tlsDataEndPoint(EndPoint raw) throws javax.net.ssl.SSLException {
        TlsEndPoint.HandshakeCheck check = null;
        if (settings.tls().requireSessionReuse()) {
            long notBefore = System.currentTimeMillis(); // a fresh data session is made after this
            check = s -> TlsConfig.resumes(s, controlTlsSession(), notBefore) ? null
                    : "TLS session reuse required: the data connection must resume the control connection's session";
        }
        return tlsEndPoint(raw, true, check, null);
    }

    /** The control connection's TLS session, or null if it is plain. */
    public javax.net.ssl.SSLSession controlTlsSession() {
        return control.endPoint() instanceof TlsEndPoint t ? t.session() : null;
    }

    public boolean pbsz() {
        return pbsz;
    }

    public void pbsz(boolean done) {
        this.pbsz = done;
    }

    /** PROT P: data connections are TLS. */
    public boolean protP() {
        return protP;
    }

    public void protP(boolean on) {
        this.protP = on;
    }

    /** Whether the next data connection is TLS. */
    public boolean dataProtected() {
        return protP && controlSecure();
    }

    /** For STAT: how the connections are protected. */
    public String securityStatus() {
        javax.net.ssl.SSLSession s = controlTlsSession();
        if (s == null) {
            return "Control connection: plain; data connections: clear";
        }
        return "Control connection: " + s.getProtocol() + " " + s.getCipherSuite()
                + "; data connections: " + (protP ? "private (PROT P)" : "clear (PROT C)");
    }

    // ------------------------------------------------------------- transfers

    public DataType dataType() {
        return dataType;
    }

    public void dataType(DataType type) {
        this.dataType = type;
    }

    public long restartOffset() {
        return restartOffset;
    }

    public void restartOffset(long offset) {
        this.restartOffset = offset;
    }

    public FileSystemView.Resolved renameFrom() {
        return renameFrom;
    }

    public void renameFrom(FileSystemView.Resolved from) {
        this.renameFrom = from;
    }

    public boolean epsvAll() {
        return epsvAll;
    }

    public void epsvAll(boolean on) {
        this.epsvAll = on;
    }

    /** The facts MLST and MLSD give (OPTS MLST). */
    public Set<ListFormat.Fact> mlstFacts() {
        return mlstFacts;
    }

    public void mlstFacts(Set<ListFormat.Fact> facts) {
        this.mlstFacts = facts;
    }

    /** The algorithm HASH uses (OPTS HASH), as FEAT names it. */
    public String hashAlgorithm() {
        return hashAlgorithm;
    }

    public void hashAlgorithm(String name) {
        this.hashAlgorithm = name;
    }

    /** MODE Z: transfers are deflated. */
    public boolean deflate() {
        return deflate;
    }

    public void deflate(boolean on) {
        this.deflate = on;
    }

    /** OPTS MODE Z LEVEL n. */
    public int deflateLevel() {
        return deflateLevel;
    }

    public void deflateLevel(int level) {
        this.deflateLevel = level;
    }

    public DataConnections data() {
        return data;
    }

    public Transfer transfer() {
        return transfer;
    }

    /**
     * Starts {@code t} over the data connection: 125 if the connection is
     * already open, else 150 and the connection is awaited or made; then the
     * data; then, from {@link #transferDone}, 226 or an error. The session is
     * busy until then: only ABOR, STAT, NOOP and QUIT run meanwhile.
     */
    public void startTransfer(Transfer t, String what) {
        TlsConfig tls = settings.tls();
        if (tls != null && tls.required() && !dataProtected()) {
            // RFC 4217: "521 Data connection cannot be opened with this PROT setting".
            t.release();
            reply(521, "Data connections must be encrypted: send PBSZ 0 and PROT P first.");
            return;
        }
        if (!data.isConfigured()) {
            t.release();
            reply(425, "Use PORT, EPRT, PASV or EPSV first.");
            return;
        }
        transfer = t;
        if (t.fileTransfer() != null) {
            t.throttle(settings.users().throttle(user, t.fileTransfer().incoming()));
        }
        reply(data.isConnected() ? 125 : 150, what);
        data.open(t);
    }

    /** Called by the data side when {@code t} has ended, well or not; the data connection is closed. */
    public void transferDone(Transfer t, int code, String text) {
        if (t != transfer) {
            return;
        }
        transfer = null;
        lastActivityNanos = System.nanoTime();
        report(t, code == 226);
        reply(code, text);
        if (shuttingDown) {
            reply(421, "Server shutting down, closing control connection.");
            closeAfterReplies();
            return;
        }
        if (quitAfterTransfer) {
            quit();
            return;
        }
        processInput(); // a held command may run now
    }

    /** ABOR: if a transfer runs (or waits for its connection), ends it and replies 426; the caller adds 226. */
    public boolean abortTransfer() {
        Transfer t = transfer;
        if (t == null) {
            data.reset();
            return false;
        }
        transfer = null;
        data.abort(t);
        report(t, false);
        reply(426, "Connection closed; transfer aborted.");
        return true;
    }

    /** Tells the events listener (transfer log, metrics) how a file transfer ended. */
    private void report(Transfer t, boolean complete) {
        Transfer.FileTransfer f = t.fileTransfer();
        if (f == null || user == null) {
            return;
        }
        settings.events().transferred(new FtpEvents.TransferRecord(t.startMillis(),
                System.currentTimeMillis() - t.startMillis(), remoteAddress(), t.bytes(), f.virtualPath(),
                f.file().toString(), f.ascii(), f.incoming(), user.name(), user.anonymous(), complete));
    }

    // ------------------------------------------------------------ lifecycle

    /** QUIT: 221 and close; during a transfer, after it ends (RFC 959 4.1.1). */
    public void quit() {
        if (transfer != null) {
            quitAfterTransfer = true;
            return;
        }
        reply(221, "Goodbye.");
        closeAfterReplies();
    }

    /**
     * Graceful shutdown: an idle session gets 421 now; a session with a
     * running transfer finishes it, gets its 226, then 421. Loop thread.
     */
    public void shutdown() {
        if (closed) {
            return;
        }
        if (transfer != null) {
            shuttingDown = true;
            control.wantInput(false);
            held.clear();
            return;
        }
        reply(421, "Server shutting down, closing control connection.");
        closeAfterReplies();
    }

    /** Closes once the replies already queued are written; a client that does not read them gets one idle timeout. */
    public void closeAfterReplies() {
        if (closed) {
            return;
        }
        closed = true;
        release();
        control.closeAfterFlush(settings.idleTimeout().toNanos());
    }

    /** The control connection broke under us (reset, I/O error, a bug): count it and close. */
    void failed(Throwable cause) {
        if (!closed) {
            settings.events().error(remoteAddress(), "control connection: " + cause);
        }
        close("control connection failed: " + cause);
    }

    void onClientClosed() {
        close("client closed the control connection");
    }

    /** Closes at once: the control connection, any data connection, any open file. */
    public void close(String why) {
        if (closed) {
            return;
        }
        closed = true;
        LOG.log(System.Logger.Level.DEBUG, "{0}: session closed: {1}", remoteAddress(), why);
        release();
        control.close();
    }

    private void release() {
        if (idleTimer != null) {
            idleTimer.cancel();
        }
        if (loginTimer != null) {
            loginTimer.cancel();
        }
        Transfer t = transfer;
        transfer = null;
        if (t != null) {
            data.abort(t);
            report(t, false);
        }
        data.reset();
        onClose.run();
        settings.events().disconnected(remoteAddress(), user != null ? user.name() : null);
        if (user != null) {
            settings.users().logout(user);
        }
    }

    public boolean isClosed() {
        return closed;
    }

    // ---------------------------------------------------------------- timers

    /**
     * One timer per session, re-armed lazily: activity only records a time;
     * when the timer fires it either closes the session or re-arms itself for
     * what is left. Cheaper than cancelling and re-scheduling on every command.
     */
    private void scheduleIdleCheck(long delayNanos) {
        idleTimer = loop.schedule(delayNanos, TimeUnit.NANOSECONDS, this::checkIdle);
    }

    private void checkIdle() {
        if (closed) {
            return;
        }
        long idle = settings.idleTimeout().toNanos();
        long now = System.nanoTime();
        if (transfer != null && transfer.isMoving()) {
            // A transfer that moves data keeps the control connection alive.
            lastActivityNanos = Math.max(lastActivityNanos, transfer.lastProgressNanos());
        }
        long left = lastActivityNanos + idle - now;
        if (left > 0) {
            scheduleIdleCheck(left);
            return;
        }
        reply(421, "Timeout: closing control connection.");
        closeAfterReplies();
    }

    // --------------------------------------------------------------- queries

    public Settings settings() {
        return settings;
    }

    public CommandTable commands() {
        return commands;
    }

    public EventLoop loop() {
        return loop;
    }

    /** The client: the socket's peer, or the real client a PROXY protocol header named. */
    public InetSocketAddress remoteAddress() {
        return client;
    }

    /** The control socket's own peer: the client, or the load balancer in front of it. */
    public InetSocketAddress socketPeerAddress() {
        return control.endPoint().remoteAddress();
    }

    public InetSocketAddress localAddress() {
        return control.endPoint().localAddress();
    }
}
