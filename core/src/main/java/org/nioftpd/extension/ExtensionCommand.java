package org.nioftpd.extension;

import java.util.Locale;
import java.util.Objects;

/**
 * A command added by an extension: a new verb, or a SITE sub-command. It goes
 * into the server's command table, so HELP (and, with a {@link #feat} line,
 * FEAT) lists it, and the table's checks run before its handler: 530 before
 * login (unless {@link #beforeLogin}), 501 without a required argument.
 * Command hooks are asked about it like any other command.
 *
 * @param name        the verb or SITE sub-command, letters and digits, upper-cased
 * @param help        its syntax for HELP ({@code "SITE WHO"})
 * @param feat        its FEAT line, or null
 * @param argRequired whether it needs an argument
 * @param beforeLogin whether it works before login
 * @param pathArg     whether its argument is a path: then {@link CommandContext#path()} is it, resolved
 * @param cheap       whether the handler is quick and never blocks: it then runs on the loop, else on the
 *                    worker pool with the session suspended
 * @param handler     what it does
 */
public record ExtensionCommand(String name, String help, String feat, boolean argRequired, boolean beforeLogin,
                               boolean pathArg, boolean cheap, Handler handler) {

    /** Runs the command; what it returns is the reply. A handler that throws answers 451. */
    @FunctionalInterface
    public interface Handler {
        Response handle(CommandContext ctx) throws Exception;
    }

    public ExtensionCommand {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(help, "help");
        Objects.requireNonNull(handler, "handler");
        name = name.toUpperCase(Locale.ROOT);
        if (!name.matches("[A-Z][A-Z0-9]{0,15}")) {
            throw new IllegalArgumentException("not a command name: " + name);
        }
    }

    /** A command for logged-in users, argument optional, run on the worker pool. */
    public static ExtensionCommand of(String name, String help, Handler handler) {
        return new ExtensionCommand(name, help, null, false, false, false, false, handler);
    }

    public ExtensionCommand withFeat(String line) {
        return new ExtensionCommand(name, help, line, argRequired, beforeLogin, pathArg, cheap, handler);
    }

    public ExtensionCommand requiringArgument() {
        return new ExtensionCommand(name, help, feat, true, beforeLogin, pathArg, cheap, handler);
    }

    public ExtensionCommand allowedBeforeLogin() {
        return new ExtensionCommand(name, help, feat, argRequired, true, pathArg, cheap, handler);
    }

    public ExtensionCommand withPathArgument() {
        return new ExtensionCommand(name, help, feat, argRequired, beforeLogin, true, cheap, handler);
    }

    public ExtensionCommand asCheap() {
        return new ExtensionCommand(name, help, feat, argRequired, beforeLogin, pathArg, true, handler);
    }
}
