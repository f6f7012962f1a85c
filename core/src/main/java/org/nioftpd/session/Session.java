package org.nioftpd.session;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import java.util.zip.Deflater;
import org.nioftpd.auth.UserAccount;
import org.nioftpd.data.DataTransferProcess;
import org.nioftpd.data.Transfer;
import org.nioftpd.fs.FileSystemView;
import org.nioftpd.fs.ListFormat;
import org.nioftpd.tls.TlsConfig;
import org.nioftpd.transport.EndPoint;
import org.nioftpd.tls.TlsEndPoint;

/**
 * One FTP session as its commands see it: its state as typed fields (login,
 * security, transfer parameters) with their defaults written once
 * ({@link #resetParameters}, which REIN also uses), and the few things a
 * command handler asks of the conversation (reply, suspend and resume, run
 * work off the loop, start a transfer), which the session's
 * {@link ProtocolInterpreter} does. Services shared by every session are in
 * {@link ServerContext}, not here. Loop thread only: the session's loop owns
 * its control channel, its passive listener and its data channel, so none of
 * it is locked.
 */
public final class Session {

    /** TYPE: how file bytes travel. */
    public enum DataType { ASCII, IMAGE }

    private final ServerContext context;
    private final CommandTable commands;
    private final InetSocketAddress client;
    private final ProtocolInterpreter pi;
    /** When the connection was admitted (epoch ms), for monitoring. */
    private final long sinceMillis = System.currentTimeMillis();
    /** The server-unique id monitoring shows and kicks by; set once, before {@link #start}. */
    private String id = "-";

    // --- login
    private String pendingUser;
    private UserAccount user;
    private FileSystemView fs;
    private int failedLogins;

    // --- security: RFC 2228, RFC 4217 (the control connection's TLS is its endpoint's)
    private boolean pbsz;
    private boolean protP;

    // --- transfer parameters: defaults in resetParameters(), nowhere else
    private DataType dataType;
    private long restartOffset;
    private FileSystemView.Resolved renameFrom;
    private boolean epsvAll;
    private Set<ListFormat.Fact> mlstFacts;
    private String hashAlgorithm;
    private boolean deflate;
    private int deflateLevel;

    // --- REST and RNFR are promises about the very next command only (RFC 959 4.1.3)
    private long restBefore;
    private FileSystemView.Resolved renameBefore;

    /**
     * Loop thread of {@code endPoint}. Call {@link #start} next.
     *
     * @param client  the real client: the socket's peer, or the address a PROXY header gave
     * @param initial bytes already read after a PROXY header, or null
     * @param onClose run once when the session has closed
     */
    public Session(ServerContext context, CommandTable commands, EndPoint endPoint, InetSocketAddress client,
                   ByteBuffer initial, Runnable onClose) {
        this.context = context;
        this.commands = commands;
        this.client = client;
        resetParameters();
        this.pi = new ProtocolInterpreter(this, context, commands, endPoint, initial, onClose);
    }

    /** Reads a PROXY protocol header on a new connection, then calls {@code then} with the real client. */
    public static void awaitProxyHeader(EndPoint endPoint, long timeoutMillis,
                                        BiConsumer<InetSocketAddress, ByteBuffer> then) {
        ProxyHandshake.await(endPoint, timeoutMillis, then);
    }

    /** The defaults of a new connection, and of REIN: written here once. */
    private void resetParameters() {
        dataType = DataType.ASCII; // RFC 959 5.1: the default is ASCII
        restartOffset = 0;
        renameFrom = null;
        epsvAll = false;
        mlstFacts = ListFormat.ALL_FACTS;
        hashAlgorithm = "SHA-256";
        deflate = false;
        deflateLevel = Deflater.DEFAULT_COMPRESSION;
    }

    /** Greets the client and starts reading. */
    public void start() {
        pi.start();
    }

    void beforeCommand() {
        restBefore = restartOffset;
        renameBefore = renameFrom;
    }

    /** REST and RNFR hold for the next command only: forgotten after any other. */
    void afterCommand(String verb) {
        if (restartOffset == restBefore && !verb.equals("REST")) {
            restartOffset = 0;
        }
        if (renameFrom == renameBefore && !verb.equals("RNFR")) {
            renameFrom = null;
        }
    }

    // ------------------------------------------------ asked of the conversation

    public void reply(int code, String text) {
        pi.reply(code, text);
    }

    public void reply(int code, String first, List<String> body, String last) {
        pi.reply(code, first, body, last);
    }

    /** The command in hand finishes later: no further line runs until {@link #resume}. */
    public void suspend() {
        pi.suspend();
    }

    /** The suspended command has finished: go on with the next line. */
    public void resume() {
        pi.resume();
    }

    /**
     * Runs CPU-heavy {@code work} (a password hash) on the interactive lane
     * ({@link ServerContext#workers}), never on the loop, with the session
     * suspended; {@code then} runs on the loop with the result or the failure,
     * unless the session has closed meanwhile. {@code then} must call
     * {@link #resume}. A full queue closes the session with 421.
     */
    public <T> void offload(Callable<T> work, BiConsumer<T, Exception> then) {
        pi.offload(work, then);
    }

    /**
     * As {@link #offload(Callable, BiConsumer)}, on the bulk lane
     * ({@link ServerContext#bulkWorkers}) for long work such as a checksum of
     * a whole file; a full queue runs {@code rejected} on the loop instead,
     * which must reply and {@link #resume}.
     */
    public <T> void offloadBulk(Callable<T> work, BiConsumer<T, Exception> then, Runnable rejected) {
        pi.offload(context.bulkWorkers(), work, then, rejected);
    }

    /** Suspended for {@code delayMillis} (on a loop timer the session owns), then {@code then} runs. */
    public void delay(long delayMillis, Runnable then) {
        pi.delay(delayMillis, then);
    }

    /** Starts {@code t}: 125 or 150 now, 226 or an error when it ends. */
    public void startTransfer(Transfer t, String what) {
        pi.startTransfer(t, what);
    }

    /** ABOR: if a transfer runs (or waits for its connection), ends it and replies 426; the caller adds 226. */
    public boolean abortTransfer() {
        return pi.abortTransfer();
    }

    /** True once, after an ABOR that waited behind other lines had already stopped the transfer. */
    public boolean takeAbortedAhead() {
        return pi.takeAbortedAhead();
    }

    /** The transfer in hand, or null (STAT). */
    public Transfer transfer() {
        return pi.transfer();
    }

    /** PASV, EPSV, PORT and EPRT set up the data connection here. */
    public DataTransferProcess data() {
        return pi.dtp();
    }

    /** QUIT: 221 and close; during a transfer, after it ends (RFC 959 4.1.1). */
    public void quit() {
        pi.quit();
    }

    /** Graceful shutdown: 421 now, or after the running transfer's final reply. */
    public void shutdown() {
        pi.shutdown();
    }

    /** Closes once the replies already queued are written. */
    public void closeAfterReplies() {
        pi.closeAfterReplies();
    }

    /**
     * The administrator ended the session: a transfer in flight is aborted
     * (426), then {@code 421 Session ended by the administrator.} and close.
     */
    public void kick() {
        pi.kick();
    }

    /** Closes at once: the control connection, any data connection, any open file. */
    public void close(String why) {
        pi.close(why);
    }

    public boolean isClosed() {
        return pi.isClosed();
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
                context.names().forUser(account.anonymous()), account.folders(), account.name(),
                context.users()::quota).maxDepth(context.guards().maxPathDepth());
        if (!context.users().login(account)) {
            return false;
        }
        logout();
        this.fs = view;
        this.user = account;
        this.pendingUser = null;
        this.failedLogins = 0;
        pi.loggedIn();
        return true;
    }

    void logout() {
        if (user != null) {
            context.users().logout(user);
            user = null;
        }
    }

    /** REIN: back to the state of a new connection, without closing it. */
    public void reinitialize() {
        pi.abortTransfer();
        logout();
        fs = null;
        pendingUser = null;
        resetParameters();
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
        return context.tls();
    }

    /** True once the control connection is TLS (after AUTH TLS, or from the start on an implicit-TLS listener). */
    public boolean controlSecure() {
        return pi.control().isTls();
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
        pi.control().startTls(raw -> {
            try {
                return TlsEndPoint.forControl(raw, context.tls().newEngine(), context.workers(), null,
                        context.tls().controlSessionTicket());
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

    /** The data connection's TLS: PROT P data connections, with the session-reuse check when required. */
    TlsEndPoint tlsDataEndPoint(EndPoint raw) throws javax.net.ssl.SSLException {
        TlsEndPoint.HandshakeCheck check = null;
        if (context.tls().requireSessionReuse()) {
            long notBefore = System.currentTimeMillis(); // a fresh data session is made after this
            check = s -> TlsConfig.resumes(s, controlTlsSession(), notBefore) ? null
                    : "TLS session reuse required: the data connection must resume the control connection's session";
        }
        return TlsEndPoint.forData(raw, context.tls().newDataEngine(controlTlsSession()), context.workers(), check,
                context.tls().strictUploadEof());
    }

    /** The control connection's TLS session, or null if it is plain. */
    public javax.net.ssl.SSLSession controlTlsSession() {
        return pi.control().endPoint() instanceof TlsEndPoint t ? t.session() : null;
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

    // ---------------------------------------------------- transfer parameters

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

    // --------------------------------------------------------------- queries

    /** Sets the server-unique id, once, before {@link #start}. */
    public void id(String value) {
        this.id = value;
    }

    public String id() {
        return id;
    }

    /** When the connection was admitted (epoch ms). */
    public long sinceMillis() {
        return sinceMillis;
    }

    /** The last command line, PASS's argument hidden; null before any. */
    public String lastCommandLine() {
        return pi.lastLine();
    }

    /** Nanoseconds since the last command, or since the running transfer last moved a byte. */
    public long idleNanos() {
        return pi.idleNanos();
    }

    public ServerContext context() {
        return context;
    }

    public CommandTable commands() {
        return commands;
    }

    public org.nioftpd.reactor.EventLoop loop() {
        return pi.loop();
    }

    /** The client: the socket's peer, or the real client a PROXY protocol header named. */
    public InetSocketAddress remoteAddress() {
        return client;
    }

    public InetSocketAddress localAddress() {
        return pi.control().endPoint().localAddress();
    }
}
