package org.nioftpd.command;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import org.nioftpd.extension.CommandContext;
import org.nioftpd.extension.ExtensionCommand;
import org.nioftpd.extension.Response;
import org.nioftpd.fs.FileSystemView;
import org.nioftpd.session.Command;
import org.nioftpd.session.Session;

/**
 * An extension's command as a row of the command table: the row's checks run
 * first, then the handler, on the loop if the command is cheap, else on the
 * worker pool with the session suspended; its {@link Response} is the reply.
 */
final class Extensions {

    private static final System.Logger LOG = System.getLogger(Extensions.class.getName());

    private Extensions() {
    }

    static Command row(ExtensionCommand e, boolean site) {
        Command.Access access = e.beforeLogin() ? Command.Access.ANYONE : Command.Access.LOGGED_IN;
        Command.Arg arg = e.argRequired() ? Command.Arg.REQUIRED : Command.Arg.OPTIONAL;
        Command row = Command.of(e.name(), access, arg, e.help(), "extension", (s, a) -> run(s, e, site, a));
        return e.feat() != null ? row.feat(e.feat()) : row;
    }

    private static void run(Session s, ExtensionCommand e, boolean site, String arg) {
        CommandContext ctx = context(s, e, site, arg);
        if (e.cheap()) {
            answer(s, e, call(e, ctx), null);
            return;
        }
        s.offload(() -> call(e, ctx), (response, failure) -> {
            answer(s, e, response, failure);
            s.resume();
        });
    }

    private static Response call(ExtensionCommand e, CommandContext ctx) {
        try {
            Response r = e.handler().handle(ctx);
            if (r == null) {
                throw new IllegalStateException("the handler returned no reply");
            }
            return r;
        } catch (Exception x) {
            LOG.log(System.Logger.Level.WARNING, "extension command " + e.name() + " failed", x);
            return null;
        }
    }

    private static void answer(Session s, ExtensionCommand e, Response r, Exception failure) {
        if (r == null || failure != null) {
            s.reply(451, "Local error in processing " + e.name() + ".");
            return;
        }
        List<String> lines = r.lines();
        if (lines.size() == 1) {
            s.reply(r.code(), lines.get(0));
        } else {
            s.reply(r.code(), lines.get(0), lines.subList(1, lines.size() - 1), lines.get(lines.size() - 1));
        }
    }

    private static CommandContext context(Session s, ExtensionCommand e, boolean site, String arg) {
        String path = null;
        Path file = null;
        FileSystemView fs = s.fs();
        if (e.pathArg() && fs != null && !arg.isEmpty()) {
            try {
                path = fs.virtualPath(arg);
                file = path.equals("/") ? fs.root() : fs.root().resolve(path.substring(1));
            } catch (InvalidPathException x) {
                path = null;
            }
        }
        String user = s.user() != null ? s.user().name() : null;
        return new CommandContext(user, s.remoteAddress(), site ? "SITE " + e.name() : e.name(), arg, path, file);
    }
}
