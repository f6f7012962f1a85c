package org.nioftpd.session;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.nioftpd.data.Transfer;
import org.nioftpd.event.FtpEvents;
import org.nioftpd.event.Operation;
import org.nioftpd.extension.CommandContext;
import org.nioftpd.extension.CommandHook;
import org.nioftpd.extension.Veto;
import org.nioftpd.fs.FileSystemView;
import org.nioftpd.protocol.Words;

/**
 * One session's operations as events, and what its command hooks are told:
 * which verbs are which {@link Operation.Kind}, the path a command names, and
 * the operation in hand until its final reply. Loop thread only.
 *
 * <p>An operation starts when its command line runs and ends with the first
 * final reply (2xx to 5xx) to it; a transfer's ends with the transfer (226,
 * or 426 when aborted), which the interpreter reports itself, so that the
 * replies of STAT or NOOP during it are not taken for its end.
 */
final class Operations {

    private static final System.Logger LOG = System.getLogger(Session.class.getName());

    private final Session session;
    private Pending pending;
    private boolean quit;
    private boolean loggedOut;

    /**
     * {@code user} is the name when the command came: a failed LOGIN forgets the name it tried
     * before its 530, and REIN the user before its 220.
     */
    private record Pending(Operation.Kind kind, String verb, String user, String path, String targetPath, Path file,
                           long startMillis, boolean transfer) {
        Pending asTransfer() {
            return new Pending(kind, verb, user, path, targetPath, file, startMillis, true);
        }
    }

    Operations(Session session) {
        this.session = session;
    }

    private FtpEvents events() {
        return session.context().events();
    }

    /** A command line is about to be checked and run. */
    void begin(String verb, String arg) {
        if (verb.equals("QUIT")) {
            quit = true;
        }
        if (pending != null && pending.transfer) {
            return; // ABOR, STAT, NOOP, QUIT during a transfer: not operations, and not its end
        }
        pending = null;
        if (!events().wantsOperations()) {
            return; // nobody listens: no paths resolved, no event built, per command
        }
        Operation.Kind kind = kindOf(verb, arg);
        if (kind == null || (kind == Operation.Kind.LOGOUT && !session.loggedIn())) {
            return;
        }
        String path = null;
        String target = null;
        if (kind == Operation.Kind.RENAME) {
            FileSystemView.Resolved from = session.renameFrom();
            path = from != null ? from.virtual() : null;
            target = virtual(pathArgument(verb, arg));
        } else {
            path = virtual(pathArgument(verb, arg));
        }
        String user = session.user() != null ? session.user().name() : session.pendingUser();
        pending = new Pending(kind, verb, user, path, target, real(path), System.currentTimeMillis(), false);
    }

    /** The command in hand became a transfer: it ends with the transfer, not with a reply. */
    void transferStarted() {
        if (pending != null) {
            pending = pending.asTransfer();
        }
    }

    /** A reply went out: a final one ends the operation in hand (not a transfer's). */
    void replied(int code) {
        if (pending == null || pending.transfer || code < 200) {
            return;
        }
        Pending p = pending;
        pending = null;
        if (p.kind == Operation.Kind.LOGIN && code >= 200 && code < 300) {
            loggedOut = false;
        }
        if (p.kind == Operation.Kind.LOGOUT) {
            loggedOut = false; // REIN: a later login may log out again
        }
        emit(p, p.path, p.file, code, 0);
    }

    /** The transfer of the operation in hand ended with {@code code} (226, 426...). */
    void transferEnded(Transfer t, int code) {
        if (pending == null || !pending.transfer) {
            return;
        }
        Pending p = pending;
        pending = null;
        Transfer.LogEntry f = t.logEntry();
        String path = f != null ? f.virtualPath() : p.path;
        Path file = f != null ? f.file() : p.file;
        emit(p, path, file, code, t.bytes());
    }

    /** The session closed: a logged-in user logged out (221 after QUIT, 0 if the connection just went). */
    void closed(String user) {
        if (user != null && !loggedOut && events().wantsOperations()) {
            loggedOut = true;
            Pending p = new Pending(Operation.Kind.LOGOUT, quit ? "QUIT" : "", user, null, null, null,
                    System.currentTimeMillis(), false);
            emit(p, null, null, quit ? 221 : 0, 0);
        }
    }

    private void emit(Pending p, String path, Path file, int code, long bytes) {
        String user = session.user() != null ? session.user().name() : p.user;
        try {
            events().operation(new Operation(p.kind, p.verb, session.remoteAddress(), user, path, p.targetPath,
                    file == null ? null : file.toString(), targetFile(p), code, bytes, p.startMillis,
                    System.currentTimeMillis() - p.startMillis));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "an events listener failed", e);
        }
    }

    private String targetFile(Pending p) {
        Path t = real(p.targetPath);
        return t == null ? null : t.toString();
    }

    // ------------------------------------------------------------ hooks

    /** What hooks are told of {@code verb arg}. */
    CommandContext context(String verb, String arg) {
        String path = virtual(pathArgument(verb, arg));
        return new CommandContext(session.user() != null ? session.user().name() : null, session.remoteAddress(),
                verb, verb.equals("PASS") ? "****" : arg, path, real(path));
    }

    /** Asks every hook in turn; the first veto wins. May run on a worker. */
    static Veto ask(List<CommandHook> hooks, CommandContext ctx) {
        for (CommandHook h : hooks) {
            Veto v;
            try {
                v = h.before(ctx);
            } catch (Exception e) {
                LOG.log(System.Logger.Level.WARNING, "a command hook failed on " + ctx.verb(), e);
                return Veto.of(451, "Local error in processing.");
            }
            if (v != null && !v.allowed()) {
                return v;
            }
        }
        return Veto.ALLOW;
    }

    // ------------------------------------------------------------ verbs

    /** The operation a command is, or null for one that is not reported (PWD, TYPE, PASV...). */
    static Operation.Kind kindOf(String verb, String arg) {
        return switch (verb) {
            case "PASS" -> Operation.Kind.LOGIN;
            case "REIN" -> Operation.Kind.LOGOUT;
            case "LIST", "NLST", "MLSD" -> Operation.Kind.LIST;
            case "RETR" -> Operation.Kind.DOWNLOAD;
            case "STOR", "STOU", "APPE" -> Operation.Kind.UPLOAD;
            case "DELE" -> Operation.Kind.DELETE;
            case "MKD", "XMKD" -> Operation.Kind.MKDIR;
            case "RMD", "XRMD" -> Operation.Kind.RMDIR;
            case "RNTO" -> Operation.Kind.RENAME;
            case "MFMT" -> Operation.Kind.MFMT;
            case "SITE" -> siteWord(arg, 0).equalsIgnoreCase("CHMOD") ? Operation.Kind.CHMOD : Operation.Kind.SITE;
            default -> null;
        };
    }

    /** The text of the path a command names, or null: lexical, the file system is not asked. */
    static String pathArgument(String verb, String arg) {
        return switch (verb) {
            case "CWD", "XCWD", "RETR", "STOR", "APPE", "DELE", "RMD", "XRMD", "MKD", "XMKD", "RNFR", "RNTO",
                 "SIZE", "MDTM", "HASH", "MLST" -> arg.isEmpty() ? null : arg;
            case "STOU" -> arg.isEmpty() ? null : arg;
            case "LIST", "NLST", "MLSD", "STAT" -> withoutOptions(arg);
            case "MFMT" -> {
                int space = arg.indexOf(' ');
                yield space < 0 ? null : arg.substring(space + 1);
            }
            case "SITE" -> siteWord(arg, 0).equalsIgnoreCase("CHMOD") ? emptyToNull(siteWord(arg, 2)) : null;
            default -> null;
        };
    }

    private static String withoutOptions(String arg) {
        String a = arg;
        while (a.startsWith("-")) {
            int space = a.indexOf(' ');
            a = space < 0 ? "" : a.substring(space + 1).stripLeading();
        }
        return emptyToNull(a);
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** Word {@code n} of a SITE argument, the last one being the rest of the line ("" if none). */
    static String siteWord(String arg, int n) {
        String[] p = Words.split(arg.trim(), 3);
        return n < p.length ? (n == 0 ? p[0].toUpperCase(Locale.ROOT) : p[n]) : "";
    }

    private String virtual(String text) {
        FileSystemView fs = session.fs();
        if (text == null || fs == null) {
            return null;
        }
        try {
            return fs.virtualPath(text);
        } catch (InvalidPathException e) {
            return null;
        }
    }

    private Path real(String virtual) {
        FileSystemView fs = session.fs();
        if (virtual == null || fs == null) {
            return null;
        }
        try {
            return fs.lexical(virtual); // through the mount the path is in
        } catch (InvalidPathException e) {
            return null;
        }
    }
}
