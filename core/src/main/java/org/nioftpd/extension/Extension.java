package org.nioftpd.extension;

import java.util.List;
import org.nioftpd.event.FtpEvents;

/**
 * A bundle of what one feature adds to a server, given whole to
 * {@code FtpServer.builder().extension(...)}: hooks, commands, SITE
 * sub-commands and an events listener. Each part is optional.
 */
public interface Extension {

    /** Asked before every command, in order; see {@link CommandHook}. */
    default List<CommandHook> hooks() {
        return List.of();
    }

    /** New verbs. */
    default List<ExtensionCommand> commands() {
        return List.of();
    }

    /** New SITE sub-commands. */
    default List<ExtensionCommand> siteCommands() {
        return List.of();
    }

    /** Told of what happened; on the loop thread, so it must not block (see {@link FtpEvents}). */
    default FtpEvents events() {
        return FtpEvents.NONE;
    }
}
