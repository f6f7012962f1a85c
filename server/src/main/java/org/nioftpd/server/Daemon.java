package org.nioftpd.server;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import javax.management.JMException;
import org.nioftpd.event.FtpEvents;
import org.nioftpd.event.Operation;
import org.nioftpd.FtpServer;
import org.nioftpd.auth.FolderPolicy;

/**
 * A running nioftpd as the daemon runs it: the server, and around it what
 * production needs: the session log, the transfer log, the metrics, the
 * users-file reload and the graceful stop. {@link Main} drives it from the
 * command line and signals; tests drive it directly.
 */
final class Daemon implements AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Daemon.class.getName());

    private final FtpServer server;
    private final Logins logins;
    private final XferLog xferlog;
    private final Metrics metrics;
    private final Actions actions;
    private final Webhook webhook;
    /** Where a SIGHUP re-reads the --on-... lines from, or null when there is no config file. */
    private final Options reloadFrom;
    private boolean extrasClosed;

    private Daemon(FtpServer server, Logins logins, XferLog xferlog, Metrics metrics, Actions actions,
                   Webhook webhook, Options reloadFrom) {
        this.reloadFrom = reloadFrom;
        this.server = server;
        this.logins = logins;
        this.xferlog = xferlog;
        this.metrics = metrics;
        this.actions = actions;
        this.webhook = webhook;
    }

    /**
     * Builds and starts what {@code options} describe. On failure (a port in
     * use, a transfer log that cannot be opened) whatever was opened is released.
     */
    static Daemon start(Options options) throws IOException {
        return start(options, FatalExit.halting(System.err));
    }

    /** {@code onFatalError}: what to do if an event loop dies (the daemon exits; see {@link FatalExit}). */
    static Daemon start(Options options, java.util.function.Consumer<? super Throwable> onFatalError)
            throws IOException {
        XferLog xferlog = null;
        if (options.xferlog() != null) {
            try {
                xferlog = new XferLog(options.xferlog(), ZoneId.systemDefault());
            } catch (IOException e) {
                throw new IOException("cannot open the transfer log " + options.xferlog() + ": " + reason(e), e);
            }
        }
        FtpServer server = null;
        Metrics metrics = null;
        Actions actions = null;
        Webhook webhook = null;
        try {
            // With a config file the actions exist even when none is set yet: a SIGHUP may add some.
            if (!options.actionCommands().isEmpty() || options.reloadsActions()) {
                actions = new Actions(options.actionCommands(), options.actionConcurrency(), options.actionQueue(),
                        options.actionTimeout());
            }
            if (options.webhook() != null) {
                webhook = new Webhook(options.webhook(), options.webhookEvents(), options.webhookRetries(),
                        options.actionQueue(), Duration.ofSeconds(1));
            }
            FtpEvents events = FtpEvents.fanOut(new EventLog(), xferlog == null ? FtpEvents.NONE : xferlog,
                    actions == null ? FtpEvents.NONE : actions, webhook == null ? FtpEvents.NONE : webhook);
            server = options.builder().events(events).onFatalError(onFatalError).build();
            String token = null;
            if (options.metricsToken() != null) {
                try {
                    token = Metrics.readToken(options.metricsToken());
                } catch (IOException e) {
                    throw new IOException("cannot read the metrics token " + options.metricsToken() + ": "
                            + reason(e), e);
                }
            }
            metrics = new Metrics(server, token, actions, webhook);
            if (options.metricsListen() != null) {
                // before the FTP listeners: a port in use fails the start before anyone is served
                try {
                    metrics.serveHttp(options.metricsListen());
                } catch (IOException e) {
                    throw new IOException("cannot serve metrics on " + Values.format(options.metricsListen()) + ": "
                            + Preflight.bindFailure(options.metricsListen(), e, "--metrics-listen"), e);
                }
            }
            try {
                server.start();
            } catch (IOException e) {
                // core says which address; say what to do about it
                String why = Preflight.listenFailure(options);
                throw why == null ? e : new IOException(why, e);
            }
            String idle = IdleHeap.apply(IdleHeap.INTERVAL_MILLIS);
            if (idle != null) {
                LOG.log(System.Logger.Level.INFO, idle);
            }
            try {
                metrics.registerJmx();
            } catch (JMException e) {
                LOG.log(System.Logger.Level.WARNING, "JMX MBeans not registered: " + e);
            }
            return new Daemon(server, options.logins(), xferlog, metrics, actions, webhook,
                    options.reloadsActions() ? options : null);
        } catch (IOException | RuntimeException e) {
            if (metrics != null) {
                metrics.close();
            }
            if (server != null) {
                server.close();
            }
            if (actions != null) {
                actions.close();
            }
            if (webhook != null) {
                webhook.close();
            }
            if (xferlog != null) {
                xferlog.close();
            }
            throw e;
        }
    }

    /** "permission denied" rather than AccessDeniedException's bare path. */
    static String reason(IOException e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return String.valueOf(e.getMessage());
    }

    FtpServer server() {
        return server;
    }

    Metrics metrics() {
        return metrics;
    }

    /** Where /metrics is served, or null. */
    InetSocketAddress metricsAddress() {
        return metrics.httpAddress();
    }

    /**
     * SIGHUP: reads the TLS certificates and keys again (new handshakes get the
     * new ones); a pair that fails its checks is logged by the server and the
     * old one stays. False then. Any thread but a loop.
     */
    boolean reloadTls() {
        if (!server.tlsEnabled()) {
            return true;
        }
        try {
            server.reloadTls();
            return true;
        } catch (IllegalArgumentException e) {
            return false; // logged by the server: "TLS reload refused, the previous certificates stay in use"
        }
    }

    /**
     * SIGHUP: re-reads the users file (sessions stay, and keep the accounts
     * they logged in with) and reopens the transfer log (after logrotate).
     * A users file with an error is logged in one line and the old users
     * stay. Returns false on such an error. Any thread.
     */
    boolean reload() {
        boolean actionsOk = reloadActions();
        return reloadFilesAndFolders() && actionsOk;
    }

    /** SIGHUP: the config file's --on-... lines, for operations from now on; on an error the old stay. */
    private boolean reloadActions() {
        if (reloadFrom == null || actions == null) {
            return true;
        }
        try {
            Map<Operation.Kind, String> next = reloadFrom.reloadActions();
            actions.commands(next);
            LOG.log(System.Logger.Level.INFO, "reloaded the actions for new operations: "
                    + (next.isEmpty() ? "none" : String.join(", ", next.keySet().stream().map(Actions::word).toList())));
            return true;
        } catch (Options.UsageError e) {
            LOG.log(System.Logger.Level.ERROR, "actions not reloaded, the previous stay: " + e.getMessage());
            return false;
        }
    }

    private boolean reloadFilesAndFolders() {
        boolean foldersOk = true;
        if (logins != null && logins.reloadsFolders()) {
            try {
                FolderPolicy f = logins.reloadFolders();
                LOG.log(System.Logger.Level.INFO, "reloaded mount, rights and quota lines for new sessions: "
                        + f.mounts().size() + " mounts, " + f.rules().size() + " rights, " + f.quotas().size()
                        + " quotas");
            } catch (Options.UsageError e) {
                foldersOk = false;
                LOG.log(System.Logger.Level.ERROR, "mount, rights and quota lines not reloaded, the previous"
                        + " stay: " + e.getMessage());
            }
            if (!logins.hasUsersFile() && xferlog == null) {
                return foldersOk;
            }
        }
        if ((logins == null || !logins.hasUsersFile()) && xferlog == null) {
            LOG.log(System.Logger.Level.INFO, "reload: nothing to reload (no --users, no --xferlog)");
            return true;
        }
        boolean ok = true;
        if (logins != null && logins.hasUsersFile()) {
            try {
                logins.reload();
                LOG.log(System.Logger.Level.INFO, "reloaded " + logins.usersPath() + ": " + logins.size() + " users");
                // a home that does not exist would only show as a 530 at that user's next login
                for (Preflight.Problem p : Preflight.usersFile(logins.usersPath(), logins.folders())) {
                    LOG.log(p.severity() == Preflight.Severity.ERROR ? System.Logger.Level.ERROR
                            : System.Logger.Level.WARNING, p.text());
                }
            } catch (IOException | RuntimeException e) {
                ok = false;
                LOG.log(System.Logger.Level.ERROR, "users file not reloaded, the previous users stay: "
                        + (e instanceof IOException io ? logins.usersPath() + ": " + reason(io) : e.getMessage()));
            }
        }
        if (xferlog != null) {
            xferlog.reopen();
        }
        return ok && foldersOk;
    }

    /**
     * Graceful stop: no new connection; idle sessions get 421 now; running
     * transfers get up to {@code grace} to finish (then 226 and 421). Then
     * everything closes. Returns true if every session ended in time.
     */
    boolean shutdown(Duration grace) {
        int sessions = server.sessionCount();
        if (sessions > 0) {
            LOG.log(System.Logger.Level.INFO, "stopping: " + sessions + " sessions get up to " + grace.toSeconds()
                    + " s to finish");
        }
        // A close() meanwhile (a second SIGTERM) closes the sessions, which ends this wait.
        boolean drained = server.shutdown(grace);
        if (!drained) {
            LOG.log(System.Logger.Level.WARNING, "stopping: closed the transfers still running after "
                    + grace.toSeconds() + " s");
        }
        closeExtras();
        // one line however it went: an idle stop says no more than this
        LOG.log(System.Logger.Level.INFO, sessions == 0 ? "stopped (no session was open)"
                : drained ? "stopped: every session ended in time" : "stopped");
        return drained;
    }

    /** Stops at once: every session closed, transfers cut. */
    @Override
    public void close() {
        server.close();
        closeExtras();
    }

    private synchronized void closeExtras() {
        if (extrasClosed) {
            return;
        }
        extrasClosed = true;
        metrics.close();
        if (xferlog != null) {
            xferlog.close(); // after the server: the last transfers' lines are written
        }
        // After the server too: the last uploads' actions and events are queued by now.
        if (actions != null) {
            actions.close();
        }
        if (webhook != null) {
            webhook.close();
        }
    }

    /** Tells {@code first} then {@code second} of every event. */
}
