package org.nioftpd.extension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Consumer;
import org.nioftpd.event.FtpEvents;
import org.nioftpd.event.Operation;

/** Refuses uploads of *.exe, logs every delete, and adds SITE DISKFREE. */
public final class ExeGuard implements Extension {

    private static final Set<String> STORING = Set.of("STOR", "STOU", "APPE", "RNTO");

    private final Path root;
    private final Consumer<String> audit;

    public ExeGuard(Path root, Consumer<String> audit) {
        this.root = root;
        this.audit = audit;
    }

    /** Cheap: it only looks at the name, so it runs on the event loop. */
    @Override
    public List<CommandHook> hooks() {
        return List.of(CommandHook.cheap(ctx ->
                STORING.contains(ctx.verb()) && ctx.path() != null
                        && ctx.path().toLowerCase(Locale.ROOT).endsWith(".exe")
                        ? Veto.of(553, "No .exe files here.")
                        : Veto.ALLOW));
    }

    /** Events come on the loop thread: hand them to something quick. */
    @Override
    public FtpEvents events() {
        return new FtpEvents() {
            @Override
            public void operation(Operation op) {
                if (op.kind() == Operation.Kind.DELETE) {
                    audit.accept(op.user() + " from " + op.client().getAddress().getHostAddress()
                            + " deleted " + op.path() + (op.ok() ? "" : " (refused: " + op.replyCode() + ")"));
                }
            }
        };
    }

    /** Not cheap (it asks the file system), so it runs on the worker pool. */
    @Override
    public List<ExtensionCommand> siteCommands() {
        return List.of(ExtensionCommand.of("DISKFREE", "SITE DISKFREE", ctx ->
                Response.of(200, Files.getFileStore(root).getUsableSpace() + " bytes free.")));
    }
}
