package org.nioftpd.session;

import java.io.IOException;
import java.util.List;
import org.nioftpd.fs.Op;

/**
 * One row of the command table: everything the dispatcher needs to know about
 * a command before its handler runs, and what FEAT and HELP say about it.
 *
 * @param name     the verb, upper case
 * @param aliases  other verbs for the same command (XPWD for PWD)
 * @param access   who may send it
 * @param arg      whether it takes an argument
 * @param feat     its line in the FEAT reply, or null if it is not an extension
 * @param help     its syntax, for HELP
 * @param rfc      where it is specified
 * @param runsDuringTransfer whether it runs while a transfer is in progress (ABOR,
 *                 STAT, NOOP, QUIT); every other command waits for the transfer's end
 * @param handler  what it does
 * @param touchesStore whether its handler calls the file system: on a store other than the local disk such a
 *                 handler runs on the storage pool, the session suspended, never on the loop
 * @param op       what it does to the paths it names: the user's rights there are checked for it
 *                 whenever the handler resolves a path ({@link org.nioftpd.fs.FileSystemView#op});
 *                 null until declared, which the table test refuses and the dispatcher treats as NONE
 */
public record Command(String name, List<String> aliases, Access access, Arg arg, String feat, String help,
                      String rfc, boolean runsDuringTransfer, Handler handler, boolean touchesStore, Op op) {

    /** Who may send a command. */
    public enum Access {
        /** Works before login: USER, PASS, FEAT, QUIT... */
        ANYONE,
        /** Needs a logged-in user (530 otherwise). */
        LOGGED_IN,
        /** Needs a logged-in user with write permission (550 otherwise). */
        WRITE
    }

    /** Whether a command takes an argument. */
    public enum Arg {
        NONE, OPTIONAL, REQUIRED
    }

    @FunctionalInterface
    public interface Handler {
        /**
         * Runs on the session's loop thread, or for a {@link Command#store} command over a remote store on
         * a storage thread with the session suspended; {@code arg} is "" when none was given.
         */
        void handle(Session session, String arg) throws IOException;
    }

    public static Command of(String name, Access access, Arg arg, String help, String rfc, Handler handler) {
        return new Command(name, List.of(), access, arg, null, help, rfc, false, handler, false, null);
    }

    public Command alias(String... more) {
        return new Command(name, List.of(more), access, arg, feat, help, rfc, runsDuringTransfer, handler, touchesStore, op);
    }

    public Command feat(String line) {
        return new Command(name, aliases, access, arg, line, help, rfc, runsDuringTransfer, handler, touchesStore, op);
    }

    public Command duringTransfer() {
        return new Command(name, aliases, access, arg, feat, help, rfc, true, handler, touchesStore, op);
    }

    /** Marks a command whose handler calls the file system (see {@code touchesStore} above). */
    public Command store() {
        return new Command(name, aliases, access, arg, feat, help, rfc, runsDuringTransfer, handler, true, op);
    }

    /** Declares what the command does to the paths it names (its rights column). */
    public Command op(Op what) {
        return new Command(name, aliases, access, arg, feat, help, rfc, runsDuringTransfer, handler, touchesStore, what);
    }
}
