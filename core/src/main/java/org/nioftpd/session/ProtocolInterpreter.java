package org.nioftpd.session;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.nioftpd.data.DataTransferProcess;
import org.nioftpd.data.Outcome;
import org.nioftpd.data.Transfer;
import org.nioftpd.event.FtpEvents;
import org.nioftpd.extension.CommandContext;
import org.nioftpd.extension.Veto;
import org.nioftpd.fs.FileSystemView;
import org.nioftpd.fs.Op;
import org.nioftpd.fs.QuotaUsage;
import org.nioftpd.protocol.IpLiteral;
import org.nioftpd.protocol.LineDecoder;
import org.nioftpd.protocol.Printable;
import org.nioftpd.protocol.Reply;
import org.nioftpd.reactor.EventLoop;
import org.nioftpd.reactor.IdleTimer;
import org.nioftpd.reactor.Timer;
import org.nioftpd.tls.TlsConfig;
import org.nioftpd.transport.EndPoint;

/**
 * RFC 959 §2.3's protocol interpreter (PI) of one session: it owns the
 * conversation. Command lines in, the common checks, the handler, replies
 * out; the data transfer process ({@link DataTransferProcess}) reports each
 * transfer's end to it as an {@link Outcome}, and {@link FailureReplies} is
 * the one place where outcomes and failures become reply codes. The state the
 * commands read and change is {@link Session}'s; the PI owns the flow, the
 * transfer in hand, and every timer of the session. Loop thread only.
 *
 * <p><b>Order.</b> Commands run one at a time, in the order they came. A
 * command that cannot finish at once (a login whose password check runs on a
 * worker, a failed login's delay, a transfer) {@linkplain #suspend suspends}
 * the interpreter: no further line is decoded until it {@linkplain #resume
 * resumes}. During a transfer the control connection is still read, so that
 * ABOR, STAT, NOOP and QUIT work; any other line waits, held, until the
 * transfer has sent its final reply. So replies never come out of order.
 *
 * <p><b>Re-entrancy.</b> A small file can be sent whole inside the command
 * that starts it: {@code RETR} queues 150 (125 if the data connection is
 * already open), the DTP connects or takes the open connection, the
 * download writes everything and ends, and {@link #transferEnded} queues 226, all within {@link #processInput}'s call
 * to the handler. The inner {@code processInput} (a held line may run now)
 * returns at once because {@code processing} is set; the outer loop goes on.
 * Both replies were only queued: {@link ControlConnection} writes them at the
 * end of the loop's turn, in one segment.
 *
 * <p>Why one file of this size: the conversation's order (held lines, suspend, the transfer in
 * hand, the close) is one state, and splitting it would spread its invariants over classes that
 * each hold half of it.
 */
final class ProtocolInterpreter implements DataTransferProcess.Owner {

    /** The session's log, under the name operators know (trace shows commands there). */
    private static final System.Logger LOG = System.getLogger(Session.class.getName());
    /** Lines held during a transfer; once full, the control connection is not read until they ran. */
    private static final int MAX_HELD = 32;

    private final Session session;
    private final ServerContext context;
    private final CommandTable commands;
    private final ControlConnection control;
    private final EventLoop loop;
    private final DataTransferProcess dtp;
    private final Runnable onClose;
    private final Operations ops;

    private boolean suspended;
    private boolean processing;
    /**
     * A handler on the storage pool asked for an offload or a delay of its own: it starts on the loop
     * when the command ends, and resumes the session itself. Written by the storage thread, read by the
     * loop after the hand-back.
     */
    private Runnable handedOff;
    private final ArrayDeque<String> held = new ArrayDeque<>();
    /** An ABOR read behind held lines already stopped the transfer (426); it answers 226 in its turn. */
    private boolean abortedAhead;
    private Transfer transfer;
    private boolean quitAfterTransfer;
    private boolean shuttingDown;
    private boolean closed;
    private long lastActivityNanos = System.nanoTime();
    // The session's timers, every one cancelled in release(): none outlives the session.
    private IdleTimer idleTimer;
    private Timer loginTimer;
    private Timer delayTimer;
    /** The last command line, for monitoring ({@code nioftpd who}); PASS's argument never kept. */
    private String lastLine;
    // The command awaiting its final reply (suspended, or its transfer running), for the latency
    // histograms and the flight recorder: its table name, when its line ran, its JFR event or null.
    private int lastReplyCode;
    private String commandName;
    private long commandStart;
    private CommandEvent commandEvent;
    private String transferCommandName;
    private long transferCommandStart;
    private CommandEvent transferCommandEvent;

    ProtocolInterpreter(Session session, ServerContext context, CommandTable commands, EndPoint endPoint,
                        ByteBuffer initial, Runnable onClose) {
        this.session = session;
        this.context = context;
        this.commands = commands;
        this.loop = endPoint.loop();
        this.control = new ControlConnection(endPoint, context.control().maxLineBytes(), initial);
        this.control.interpreter(this);
        this.dtp = new DataTransferProcess(loop, context.data(), this);
        this.onClose = onClose;
        this.ops = new Operations(session);
    }

    /** Greets the client and starts reading. */
    void start() {
        events().connected(session.remoteAddress());
        ConnectionEvent.emit("open", session.id(), session.remoteAddress(), null, 0);
        reply(220, context.control().banner());
        if (closed) {
            // The greeting could not be written: the client reset at once (a connect
            // storm). Timers armed now would outlive the session, holding it for minutes.
            return;
        }
        idleTimer = new IdleTimer(loop, context.control().idleTimeout().toNanos(), this::lastActivityNanos, () -> {
            reply(421, "Timeout: closing control connection.");
            closeAfterReplies();
        });
        loginTimer = loop.schedule(context.login().loginTimeout().toNanos(), TimeUnit.NANOSECONDS, () -> {
            loginTimer = null;
            if (!session.loggedIn()) {
                reply(421, "Login timeout: closing control connection.");
                closeAfterReplies();
            }
        });
        control.wantInput(true);
        if (control.hasBufferedInput()) {
            processInput();
        }
    }

    /** The last command, or the last byte a transfer moved: what keeps the control connection from idling out. */
    private long lastActivityNanos() {
        Transfer t = transfer;
        return t != null && t.isMoving() ? Math.max(lastActivityNanos, t.lastProgressNanos()) : lastActivityNanos;
    }

    private FtpEvents events() {
        return context.events();
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
        return Math.max(64 * 1024, 4L * context.control().maxLineBytes());
    }

    /** Queued replies drained: if reading was paused for backpressure, read again. */
    void onOutputDrained() {
        processInput();
    }

    /**
     * Runs complete lines while it may: not suspended, no line held back by a
     * running transfer, and the client reading its replies (once the output
     * backlog is full, {@link #onOutputDrained} resumes). Re-entrant calls
     * return at once; the outer call goes on (see the class comment).
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
    boolean takeAbortedAhead() {
        boolean was = abortedAhead;
        abortedAhead = false;
        return was;
    }

    /** Runs one command line. */
    private void run(String line) {
        long now = System.nanoTime();
        lastActivityNanos = now;
        if (line == LineDecoder.TOO_LONG) {
            lastLine = "(too long)";
            reply(500, "Command line too long.");
            return;
        }
        int space = line.indexOf(' ');
        String verb = verbOf(line);
        String arg = space < 0 ? "" : line.substring(space + 1);
        lastLine = verb.equals("PASS") ? "PASS ****" : line;
        if (LOG.isLoggable(System.Logger.Level.TRACE)) {
            LOG.log(System.Logger.Level.TRACE, "{0} <- {1}", session.remoteAddress(), lastLine);
        }
        Command command = commands.get(verb);
        String name = command == null ? "UNKNOWN" : command.name();
        if (commandName == null) { // else a suspended command is still in hand: this cannot run (see suspend)
            commandName = name;
            commandStart = now;
            commandEvent = CommandEvent.start(name);
        }
        execute(command, verb, arg);
        if (commandName != null && !suspended) {
            commandEnded(lastReplyCode); // answered at once (a transfer command moved itself aside)
        }
    }

    /** The command in hand got its final reply {@code code}: its duration goes to the histograms and JFR. */
    private void commandEnded(int code) {
        String name = commandName;
        CommandEvent ev = commandEvent;
        commandName = null;
        commandEvent = null;
        commandEnded(name, commandStart, ev, code);
    }

    /** The transfer's command got its final reply (226, 426, 451...). */
    private void transferCommandEnded(int code) {
        String name = transferCommandName;
        if (name == null) {
            return;
        }
        CommandEvent ev = transferCommandEvent;
        transferCommandName = null;
        transferCommandEvent = null;
        commandEnded(name, transferCommandStart, ev, code);
    }

    private void commandEnded(String name, long start, CommandEvent ev, int code) {
        events().commandCompleted(session.remoteAddress(), name, code, System.nanoTime() - start);
        if (ev != null) {
            ev.finish(code, session.id(), String.valueOf(session.remoteAddress()),
                    session.user() != null ? session.user().name() : null);
        }
    }

    /** The common checks, once for every command (500, 530, 501, 550), then its handler. */
    private void execute(Command command, String verb, String arg) {
        if (command == null) {
            reply(500, "Unknown command '" + Printable.forLog(verb, 32) + "'.");
            return;
        }
        ops.begin(verb, arg);
        if (command.access() != Command.Access.ANYONE && !session.loggedIn()) {
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
        Op op = command.op() == null ? Op.NONE : command.op();
        FileSystemView fs = session.fs();
        if (fs != null) {
            // The one decision point for rights: every path the handler resolves is checked for this op.
            fs.op(op);
            if (command.access() == Command.Access.WRITE && !fs.mayWrite()) {
                reply(550, "Permission denied.");
                return;
            }
            if (command.access() == Command.Access.WRITE && fs.readOnlyStore()) {
                reply(550, "Permission denied: this store (" + fs.capabilities().kind() + ") is read-only.");
                return;
            }
            if (op.writes() && quotaScanFirst(fs, command, verb, arg)) {
                return;
            }
        }
        if (!commands.hooks().isEmpty() && !command.runsDuringTransfer()) {
            askHooks(command, verb, arg);
            return;
        }
        dispatch(command, verb, arg);
    }

    /**
     * The extensions' command hooks first: on the loop if all are cheap, else
     * on the worker pool with the session suspended, as for a password check.
     */
    private void askHooks(Command command, String verb, String arg) {
        CommandContext ctx = ops.context(verb, arg);
        if (commands.hooksCheap()) {
            afterHooks(command, verb, arg, Operations.ask(commands.hooks(), ctx));
            return;
        }
        offload(() -> Operations.ask(commands.hooks(), ctx), (veto, failure) -> {
            suspended = false;
            afterHooks(command, verb, arg, failure != null ? Veto.of(451, "Local error in processing.") : veto);
            processInput();
        });
    }

    private void afterHooks(Command command, String verb, String arg, Veto veto) {
        if (veto.allowed()) {
            dispatch(command, verb, arg);
            return;
        }
        session.beforeCommand();
        reply(veto.code(), veto.text());
        session.afterCommand(verb);
    }

    /** Runs the handler: every command answers, whatever failed under it. */
    private void dispatch(Command command, String verb, String arg) {
        session.beforeCommand();
        // A handler that touches a store other than the local disk (the home's or a mount's) runs on the
        // storage pool; rights (the view's op, set in execute), quota scan and hooks are already done.
        if (command.touchesStore() && transfer == null && session.fs() != null && !session.fs().allLocal()) {
            executeOnStorage(command, verb, arg);
            return;
        }
        try {
            command.handler().handle(session, arg);
        } catch (IOException | RuntimeException e) {
            failed(verb, e);
        }
        session.afterCommand(verb);
    }

    /** Every command answers, whatever failed under it: never a silently closed connection. */
    private void failed(String verb, Exception e) {
        FailureReplies.Answer a = FailureReplies.of(e);
        if (a.unexpected()) {
            events().error(session.remoteAddress(), verb + ": " + e);
            if (e instanceof RuntimeException) {
                LOG.log(System.Logger.Level.WARNING, verb + " failed", e);
            }
        }
        reply(a.code(), a.text());
    }

    /**
     * A handler that calls a store other than the local disk (issue 13): it runs on the storage pool,
     * the interpreter suspended, so that a network round trip never stalls this loop's other sessions.
     * Meanwhile the session's state is the storage thread's alone (no line is decoded; the pool's queue
     * and the loop's are the hand-over, each a happens-before edge). What the handler asks of the loop,
     * replies, a transfer's start, a nested offload, is posted to the loop in order ({@link #onLoop});
     * the command's end is posted last and resumes the interpreter. A full pool answers 450 at once.
     */
    private void executeOnStorage(Command command, String verb, String arg) {
        suspend();
        handedOff = null;
        try {
            context.storage().execute(() -> {
                Exception failure = null;
                try {
                    command.handler().handle(session, arg);
                } catch (IOException | RuntimeException e) {
                    failure = e;
                } catch (Error e) {
                    failure = new IOException("store failure: " + e, e);
                }
                Exception f = failure;
                loop.execute(() -> {
                    if (closed) {
                        return;
                    }
                    if (f != null) {
                        failed(verb, f);
                    }
                    session.afterCommand(verb);
                    Runnable next = handedOff;
                    handedOff = null;
                    if (next != null) {
                        next.run();
                    } else {
                        resume();
                    }
                });
            });
        } catch (RejectedExecutionException busy) {
            reply(450, "Storage busy: too many store calls waiting, try again later.");
            session.afterCommand(verb);
            resume();
        }
    }

    /**
     * False on a storage thread running a handler: what it asks of the session's loop is posted
     * there, in order, and runs unless the session closed meanwhile.
     */
    private boolean onLoop(Runnable again, Runnable ifClosed) {
        if (loop.inLoop()) {
            return true;
        }
        loop.execute(() -> {
            if (closed) {
                if (ifClosed != null) {
                    ifClosed.run();
                }
            } else {
                again.run();
            }
        });
        return false;
    }


    /**
     * Quota usage is counted from a scan of the user's directories, made on
     * first use: before a command that may store, the scan runs on the bulk
     * lane with the session suspended, and the command runs when it is done
     * (REST and RNFR still hold: it has not started). True if it was deferred.
     */
    private boolean quotaScanFirst(FileSystemView fs, Command command, String verb, String arg) {
        boolean stale = false;
        for (QuotaUsage q : fs.quotas()) {
            stale |= !q.ready();
        }
        if (!stale) {
            return false;
        }
        offload(context.bulkWorkers(), () -> {
            for (QuotaUsage q : fs.quotas()) {
                if (!q.ready()) {
                    q.scan();
                }
            }
            return null;
        }, (ignored, failure) -> {
            suspended = false;
            if (failure != null) {
                events().error(session.remoteAddress(), "quota scan: " + failure);
                reply(451, "Local error: cannot count quota usage.");
            } else if (session.fs() == fs) {
                execute(command, verb, arg);
            } else {
                reply(451, "Local error: the session changed during the quota scan.");
            }
            if (!suspended) {
                resume();
            }
        }, () -> {
            reply(450, "Server busy counting quota usage; try again.");
            resume();
        });
        return true;
    }

    // ---------------------------------------------------------------- replies

    void reply(int code, String text) {
        if (!onLoop(() -> reply(code, text), null)) {
            return;
        }
        lastReplyCode = code;
        if (LOG.isLoggable(System.Logger.Level.TRACE)) {
            LOG.log(System.Logger.Level.TRACE, "{0} -> {1} {2}", session.remoteAddress(), code, text);
        }
        control.write(Reply.encode(code, text));
        ops.replied(code);
    }

    void reply(int code, String first, java.util.List<String> body, String last) {
        if (!onLoop(() -> reply(code, first, body, last), null)) {
            return;
        }
        lastReplyCode = code;
        if (LOG.isLoggable(System.Logger.Level.TRACE)) {
            LOG.log(System.Logger.Level.TRACE, "{0} -> {1} {2} (+{3} lines)", session.remoteAddress(), code, first,
                    body.size() + 1);
        }
        control.write(Reply.encode(code, first, body, last));
        ops.replied(code);
    }

    // --------------------------------------------------------- flow control

    /** The command in hand finishes later: stop running lines until {@link #resume}. */
    void suspend() {
        suspended = true;
        control.wantInput(false);
    }

    /** The suspended command has finished: go on with the next line. */
    void resume() {
        suspended = false;
        lastActivityNanos = System.nanoTime();
        if (commandName != null && transfer == null) {
            commandEnded(lastReplyCode); // the suspended command has given its final reply
        }
        processInput();
    }

    /**
     * Runs {@code work} on the worker pool, never on the loop, suspended
     * meanwhile; {@code then} runs on the loop with the result or the failure,
     * unless the session has closed. {@code then} must call {@link #resume}.
     */
    <T> void offload(Callable<T> work, BiConsumer<T, Exception> then) {
        offload(context.workers(), work, then, () -> {
            reply(421, "Service busy, closing control connection.");
            closeAfterReplies();
        });
    }

    /**
     * {@link #offload(Callable, BiConsumer)} on {@code lane}; if the lane's
     * queue is full, {@code rejected} runs instead (on the loop, the session
     * suspended: it must reply and resume, or close).
     */
    <T> void offload(Executor lane, Callable<T> work, BiConsumer<T, Exception> then, Runnable rejected) {
        if (!loop.inLoop()) {
            // on a storage thread: starts when the handler's command ends, and resumes the session itself
            handedOff = () -> offload(lane, work, then, rejected);
            return;
        }
        suspend();
        try {
            lane.execute(() -> {
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
            rejected.run();
        }
    }

    /**
     * Suspended for {@code delayMillis} (a failed login's delay: the loop never
     * sleeps), then {@code then} runs unless the session has closed meanwhile.
     * The timer is the session's and is cancelled with it.
     */
    void delay(long delayMillis, Runnable then) {
        if (!loop.inLoop()) {
            handedOff = () -> delay(delayMillis, then);
            return;
        }
        suspend();
        delayTimer = loop.schedule(delayMillis, TimeUnit.MILLISECONDS, () -> {
            delayTimer = null;
            if (!closed) {
                then.run();
            }
        });
    }

    void loggedIn() {
        if (loginTimer != null) {
            loginTimer.cancel();
            loginTimer = null;
        }
    }

    // ------------------------------------------------------------- transfers

    DataTransferProcess dtp() {
        return dtp;
    }

    Transfer transfer() {
        return transfer;
    }

    /**
     * Starts {@code t} over the data connection: 125 if it is already open,
     * else 150 and the connection is awaited or made; then the data; then,
     * from {@link #transferEnded}, 226 or an error. Busy until then: only
     * ABOR, STAT, NOOP and QUIT run meanwhile.
     */
    void startTransfer(Transfer t, String what) {
        if (!onLoop(() -> startTransfer(t, what), t::release)) {
            return;
        }
        TlsConfig tls = context.tls();
        if (tls != null && tls.required() && !session.dataProtected()) {
            // RFC 4217: "521 Data connection cannot be opened with this PROT setting".
            t.release();
            reply(521, "Data connections must be encrypted: send PBSZ 0 and PROT P first.");
            return;
        }
        if (!dtp.isConfigured()) {
            t.release();
            reply(425, "Use PORT, EPRT, PASV or EPSV first.");
            return;
        }
        transfer = t;
        ops.transferStarted();
        if (commandName != null) { // the command's final reply comes when the transfer ends
            transferCommandName = commandName;
            transferCommandStart = commandStart;
            transferCommandEvent = commandEvent;
            commandName = null;
            commandEvent = null;
        }
        if (t.logEntry() != null) {
            t.throttle(context.users().throttle(session.user(), t.logEntry().incoming()));
        }
        reply(dtp.isConnected() ? 125 : 150, what);
        dtp.open(t);
    }

    @Override
    public void transferEnded(Transfer t, Outcome outcome) {
        if (t != transfer) {
            return;
        }
        transfer = null;
        lastActivityNanos = System.nanoTime();
        report(t, outcome.complete());
        FailureReplies.Answer a = FailureReplies.of(outcome);
        ops.transferEnded(t, a.code());
        reply(a.code(), a.text());
        transferCommandEnded(a.code());
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
    boolean abortTransfer() {
        Transfer t = transfer;
        transfer = null;
        dtp.abort();
        if (t == null) {
            return false;
        }
        report(t, false);
        ops.transferEnded(t, 426);
        reply(426, "Connection closed; transfer aborted.");
        transferCommandEnded(426);
        return true;
    }

    /** Tells the events listener (transfer log, metrics) how a file transfer ended. */
    private void report(Transfer t, boolean complete) {
        Transfer.LogEntry f = t.logEntry();
        if (f == null || session.user() == null) {
            return;
        }
        long millis = System.currentTimeMillis() - t.startMillis();
        events().transferred(new FtpEvents.TransferRecord(t.startMillis(),
                millis, session.remoteAddress(), t.bytes(), f.virtualPath(),
                f.file().toString(), f.ascii(), f.incoming(), session.user().name(), session.user().anonymous(),
                complete));
        TransferEvent.emit(session.id(), session.remoteAddress(), session.user().name(),
                f.virtualPath(), f.incoming(), t.bytes(), millis, complete);
    }

    // ---------------------------------------------------- the DTP's questions

    @Override
    public InetSocketAddress controlLocalAddress() {
        return control.endPoint().localAddress();
    }

    /** The address admission counted this session under: passive listeners are capped per address too. */
    @Override
    public InetAddress clientAddress() {
        return session.remoteAddress().getAddress();
    }

    /** Behind a PROXY-protocol load balancer the data connection may come through it too. */
    @Override
    public boolean isClient(InetAddress peer) {
        return IpLiteral.sameHost(peer, session.remoteAddress().getAddress())
                || IpLiteral.sameHost(peer, control.endPoint().remoteAddress().getAddress());
    }

    @Override
    public EndPoint protect(EndPoint raw) throws IOException {
        return session.dataProtected() ? session.tlsDataEndPoint(raw) : raw;
    }

    // ------------------------------------------------------------ lifecycle

    /** QUIT: 221 and close; during a transfer, after it ends (RFC 959 4.1.1). */
    void quit() {
        if (transfer != null) {
            quitAfterTransfer = true;
            return;
        }
        reply(221, "Goodbye.");
        closeAfterReplies();
    }

    /**
     * Graceful shutdown: an idle session gets 421 now; a session with a
     * running transfer finishes it, gets its 226, then 421.
     */
    void shutdown() {
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

    /**
     * The administrator ended this session ({@code FtpServer.kick}): a transfer
     * in flight is aborted as ABOR would (426, data connection closed, a
     * partial upload handled as an abort is), then 421 and close.
     */
    void kick() {
        if (closed) {
            return;
        }
        abortTransfer();
        held.clear();
        reply(421, "Session ended by the administrator.");
        closeAfterReplies();
    }

    /** Closes once the replies already queued are written; a client that does not read them gets one idle timeout. */
    void closeAfterReplies() {
        if (closed) {
            return;
        }
        closed = true;
        release();
        control.closeAfterFlush(context.control().idleTimeout().toNanos());
    }

    /** The control connection broke under us (reset, I/O error, a bug): count it and close. */
    void failed(Throwable cause) {
        if (!closed) {
            events().error(session.remoteAddress(), "control connection: " + cause);
        }
        close("control connection failed: " + cause);
    }

    void onClientClosed() {
        close("client closed the control connection");
    }

    /** Closes at once: the control connection, any data connection, any open file. */
    void close(String why) {
        if (closed) {
            return;
        }
        closed = true;
        LOG.log(System.Logger.Level.DEBUG, "{0}: session closed: {1}", session.remoteAddress(), why);
        release();
        control.close();
    }

    /** Everything the session holds, timers first: nothing of it may outlive the close. */
    private void release() {
        if (idleTimer != null) {
            idleTimer.cancel();
        }
        if (loginTimer != null) {
            loginTimer.cancel();
            loginTimer = null;
        }
        if (delayTimer != null) {
            delayTimer.cancel();
            delayTimer = null;
        }
        Transfer t = transfer;
        transfer = null;
        dtp.abort();
        if (t != null) {
            report(t, false);
            ops.transferEnded(t, 426);
        }
        ops.closed(session.user() != null ? session.user().name() : null);
        if (commandName != null) {
            commandEnded(lastReplyCode);
        }
        transferCommandEnded(lastReplyCode);
        onClose.run();
        String userName = session.user() != null ? session.user().name() : null;
        events().disconnected(session.remoteAddress(), userName);
        ConnectionEvent.emit("close", session.id(), session.remoteAddress(), userName,
                System.currentTimeMillis() - session.sinceMillis());
        session.logout();
    }

    boolean isClosed() {
        return closed;
    }

    /** The last command line (PASS's argument hidden), or null before any. */
    String lastLine() {
        return lastLine;
    }

    /** Nanoseconds since the last command, or since the running transfer last moved a byte. */
    long idleNanos() {
        return System.nanoTime() - lastActivityNanos();
    }

    ControlConnection control() {
        return control;
    }

    EventLoop loop() {
        return loop;
    }
}
