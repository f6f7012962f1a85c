package org.nioftpd.session;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.nioftpd.auth.UserAccount;
import org.nioftpd.command.Command;
import org.nioftpd.command.CommandTable;
import org.nioftpd.data.DataConnections;
import org.nioftpd.data.Transfer;
import org.nioftpd.fs.FileSystemView;
import org.nioftpd.protocol.LineDecoder;
import org.nioftpd.protocol.Reply;
import org.nioftpd.reactor.EventLoop;
import org.nioftpd.reactor.Timer;
import org.nioftpd.transport.EndPoint;

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

    // --- login
    private String pendingUser;
    private UserAccount user;
    private FileSystemView fs;
    private int failedLogins;

    // --- transfer parameters
    private DataType dataType = DataType.ASCII; // RFC 959 5.1: the default is ASCII
    private long restartOffset;
    private FileSystemView.Resolved renameFrom;
    private boolean epsvAll;

    // --- flow
    private boolean suspended;
    private boolean processing;
    private String heldLine;
    private Transfer transfer;
    private boolean quitAfterTransfer;
    private boolean closed;
    private long lastActivityNanos = System.nanoTime();
    private Timer idleTimer;

    /** Loop thread of {@code endPoint}. Call {@link #start} next. */
    public Session(Settings settings, CommandTable commands, EndPoint endPoint, Runnable onClose) {
        this.settings = settings;
        this.commands = commands;
        this.loop = endPoint.loop();
        this.control = new ControlConnection(endPoint, settings.maxLineBytes());
        this.control.session(this);
        this.data = new DataConnections(this);
        this.onClose = onClose;
    }

    /** Greets the client and starts reading. */
    public void start() {
        reply(220, settings.banner());
        scheduleIdleCheck(settings.idleTimeout().toNanos());
        control.wantInput(true);
    }

    // ------------------------------------------------------------------ input

    /** New bytes arrived on the control connection. */
    void onInput() {
        lastActivityNanos = System.nanoTime();
        processInput();
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
                String line = heldLine != null ? heldLine : control.nextLine();
                if (line == null) {
                    break;
                }
                heldLine = null;
                if (!run(line)) {
                    heldLine = line; // waits for the transfer to end
                    break;
                }
            }
        } finally {
            processing = false;
        }
        if (!closed) {
            control.wantInput(!suspended && heldLine == null);
        }
    }

    /** Runs one line; false if it must wait for the running transfer to end. */
    private boolean run(String line) {
        if (line == LineDecoder.TOO_LONG) {
            reply(500, "Command line too long.");
            return true;
        }
        int space = line.indexOf(' ');
        String verb = (space < 0 ? line : line.substring(0, space)).toUpperCase(Locale.ROOT);
        String arg = space < 0 ? "" : line.substring(space + 1);
        Command command = commands.get(verb);
        if (transfer != null && (command == null || !command.runsDuringTransfer())) {
            return false;
        }
        if (LOG.isLoggable(System.Logger.Level.TRACE)) {
            LOG.log(System.Logger.Level.TRACE, "{0} <- {1}", remoteAddress(), verb.equals("PASS") ? "PASS ****" : line);
        }
        execute(command, verb, arg);
        return true;
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
        if (command.access() == Command.Access.WRITE && !user.writable()) {
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
            reply(451, "Local error: " + e.getMessage());
        }
        // REST and RNFR are promises about the very next command only (RFC 959 4.1.3).
        if (restartOffset == rest && !verb.equals("REST")) {
            restartOffset = 0;
        }
        if (renameFrom == from && !verb.equals("RNFR")) {
            renameFrom = null;
        }
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
        control.write(Reply.encode(code, text));
    }

    public void reply(int code, String first, List<String> body, String last) {
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

    // ------------------------------------------------------------------ login

    public void pendingUser(String name) {
        this.pendingUser = name;
    }

    public String pendingUser() {
        return pendingUser;
    }

    /** Logs {@code account} in: its home becomes the root of the session's view. */
    public void login(UserAccount account) throws IOException {
        this.fs = new FileSystemView(account.home());
        this.user = account;
        this.pendingUser = null;
        this.failedLogins = 0;
    }

    /** REIN: back to the state of a new connection, without closing it. */
    public void reinitialize() {
        abortTransfer();
        data.reset();
        user = null;
        fs = null;
        pendingUser = null;
        dataType = DataType.ASCII;
        restartOffset = 0;
        renameFrom = null;
        epsvAll = false;
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
        if (!data.isConfigured()) {
            t.release();
            reply(425, "Use PORT, EPRT, PASV or EPSV first.");
            return;
        }
        transfer = t;
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
        reply(code, text);
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
        reply(426, "Connection closed; transfer aborted.");
        return true;
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

    /** Closes once the replies already queued are written; a client that does not read them gets one idle timeout. */
    public void closeAfterReplies() {
        if (closed) {
            return;
        }
        closed = true;
        release();
        control.closeAfterFlush(settings.idleTimeout().toNanos());
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
        Transfer t = transfer;
        transfer = null;
        if (t != null) {
            data.abort(t);
        }
        data.reset();
        onClose.run();
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

    public InetSocketAddress remoteAddress() {
        return control.endPoint().remoteAddress();
    }

    public InetSocketAddress localAddress() {
        return control.endPoint().localAddress();
    }
}
