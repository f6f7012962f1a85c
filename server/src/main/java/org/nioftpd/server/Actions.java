package org.nioftpd.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.nioftpd.event.FtpEvents;
import org.nioftpd.event.Operation;

/**
 * The daemon's actions (Pure-FTPd's upload script, generalised): after a
 * completed upload (and, if configured, a delete, rename or mkdir) a shell
 * command runs with the file's path as {@code $1} and the details in its
 * environment. Never for a failed or aborted operation.
 *
 * <p>Nothing here blocks a session: {@link #operation} (on a loop thread)
 * only queues. At most {@code concurrency} commands run at once on threads of
 * their own; at most {@code queue} wait; beyond that an action is dropped,
 * logged and counted. A command still running after {@code timeout} is killed
 * with its whole process tree. Its output (stdout and stderr) is logged, a
 * line a record, up to {@link #MAX_OUTPUT_LINES} lines.
 */
final class Actions implements FtpEvents, AutoCloseable {

    private static final System.Logger LOG = System.getLogger(Actions.class.getName());
    static final int MAX_OUTPUT_LINES = 50;
    private static final int MAX_OUTPUT_LINE_CHARS = 1000;

    /** What runs a command: {@code /bin/sh -c COMMAND nioftpd-action PATH}. */
    private static final String SHELL = "/bin/sh";

    /** Replaced whole by {@link #commands(Map)} on a SIGHUP; read by the loops' threads. */
    private volatile Map<Operation.Kind, String> commands;
    private final Duration timeout;
    private final ThreadPoolExecutor pool;
    private final AtomicLong started = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();

    /**
     * @param commands    the shell command for each kind (UPLOAD, DELETE, RENAME, MKDIR)
     * @param concurrency commands running at once
     * @param queue       actions waiting, at most
     * @param timeout     how long one may run before its process tree is killed
     */
    Actions(Map<Operation.Kind, String> commands, int concurrency, int queue, Duration timeout) {
        this.commands = commands.isEmpty() ? Map.of() : new EnumMap<>(commands); // EnumMap(Map) refuses an empty map
        this.timeout = timeout;
        AtomicInteger n = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(concurrency, concurrency, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queue), r -> {
                    Thread t = new Thread(r, "nioftpd-action-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        pool.allowCoreThreadTimeOut(true);
    }

    /** SIGHUP: the commands for operations from now on; those queued or running keep theirs. */
    void commands(Map<Operation.Kind, String> next) {
        this.commands = next.isEmpty() ? Map.of() : new EnumMap<>(next);
    }

    /** The commands in force, by kind. */
    Map<Operation.Kind, String> commands() {
        return Map.copyOf(commands);
    }

    /** The kinds an action may be set for, with the word {@code NIOFTPD_EVENT} says. */
    static String word(Operation.Kind kind) {
        return kind.name().toLowerCase(java.util.Locale.ROOT);
    }

    /** An {@code --on-...} value: a shell command line, one line, not empty. */
    static String command(String text) throws Values.BadValue {
        if (text.isBlank()) {
            throw new Values.BadValue("empty command");
        }
        if (text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0 || text.indexOf('\0') >= 0) {
            throw new Values.BadValue("a command is one line");
        }
        if (!Files.isExecutable(Path.of(SHELL))) {
            throw new Values.BadValue(SHELL + " is needed to run commands and is not here");
        }
        return text;
    }

    @Override
    public void operation(Operation op) {
        String command = commands.get(op.kind());
        if (command == null || !op.ok()) {
            return;
        }
        try {
            pool.execute(() -> run(command, op));
        } catch (RejectedExecutionException e) {
            long n = dropped.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "action for " + word(op.kind()) + " " + op.path()
                    + " dropped: " + (pool.isShutdown() ? "stopping" : "queue full") + " (" + n + " dropped so far)");
        }
    }

    /** On an action thread: runs the command, waits up to the timeout, logs its output. */
    private void run(String command, Operation op) {
        started.incrementAndGet();
        String what = word(op.kind()) + " " + op.path();
        Path output = null;
        Process p = null;
        try {
            output = Files.createTempFile("nioftpd-action-", ".out");
            List<String> argv = new ArrayList<>(List.of(SHELL, "-c", command, "nioftpd-action"));
            argv.add(op.file() != null ? op.file() : "");
            ProcessBuilder pb = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectOutput(output.toFile()).redirectInput(ProcessBuilder.Redirect.from(nullFile()));
            environment(pb.environment(), op);
            long t0 = System.nanoTime();
            p = pb.start();
            boolean ended = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!ended) {
                killTree(p);
                failed.incrementAndGet();
                LOG.log(System.Logger.Level.WARNING, "action for " + what + " killed after "
                        + timeout.toSeconds() + " s: " + command);
            } else if (p.exitValue() != 0) {
                failed.incrementAndGet();
                LOG.log(System.Logger.Level.WARNING, "action for " + what + " exited " + p.exitValue() + ": " + command);
            } else {
                LOG.log(System.Logger.Level.DEBUG, "action for " + what + " done in "
                        + TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) + " ms");
            }
            logOutput(output, what);
        } catch (IOException e) {
            failed.incrementAndGet();
            LOG.log(System.Logger.Level.WARNING, "action for " + what + " could not run: " + Daemon.reason(e));
        } catch (InterruptedException e) {
            if (p != null) {
                killTree(p);
            }
            Thread.currentThread().interrupt();
        } finally {
            if (output != null) {
                try {
                    Files.deleteIfExists(output);
                } catch (IOException ignored) {
                    // a temporary file in /tmp: the system cleans it
                }
            }
        }
    }

    private static java.io.File nullFile() {
        return new java.io.File("/dev/null");
    }

    /** Every process the command started, then the command: children first, so that none escapes to init. */
    static void killTree(Process p) {
        List<ProcessHandle> tree = p.descendants().toList();
        tree.forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static void environment(Map<String, String> env, Operation op) {
        env.put("NIOFTPD_EVENT", word(op.kind()));
        env.put("NIOFTPD_VERB", op.verb());
        env.put("NIOFTPD_PATH", nonNull(op.file()));
        env.put("NIOFTPD_VIRTUAL_PATH", nonNull(op.path()));
        env.put("NIOFTPD_USER", nonNull(op.user()));
        env.put("NIOFTPD_ADDRESS", op.client().getAddress().getHostAddress());
        env.put("NIOFTPD_BYTES", Long.toString(op.bytes()));
        env.put("NIOFTPD_DURATION_MS", Long.toString(op.durationMillis()));
        env.put("NIOFTPD_REPLY_CODE", Integer.toString(op.replyCode()));
        if (op.targetPath() != null) {
            env.put("NIOFTPD_TARGET_PATH", nonNull(op.targetFile()));
            env.put("NIOFTPD_TARGET_VIRTUAL_PATH", op.targetPath());
        }
    }

    private static String nonNull(String s) {
        return s == null ? "" : s;
    }

    private static void logOutput(Path output, String what) throws IOException {
        if (Files.size(output) == 0) {
            return;
        }
        List<String> lines = new ArrayList<>();
        // A script's output is not ours to trust: an InputStreamReader turns malformed bytes into U+FFFD.
        try (var reader = new java.io.BufferedReader(new java.io.InputStreamReader(Files.newInputStream(output),
                StandardCharsets.UTF_8))) {
            reader.lines().limit(MAX_OUTPUT_LINES + 1).forEach(lines::add);
        }
        for (int i = 0; i < Math.min(lines.size(), MAX_OUTPUT_LINES); i++) {
            String l = lines.get(i);
            LOG.log(System.Logger.Level.INFO, "action for " + what + ": "
                    + (l.length() > MAX_OUTPUT_LINE_CHARS ? l.substring(0, MAX_OUTPUT_LINE_CHARS) + "..." : l));
        }
        if (lines.size() > MAX_OUTPUT_LINES) {
            LOG.log(System.Logger.Level.INFO, "action for " + what + ": (more output not logged)");
        }
    }

    long started() {
        return started.get();
    }

    long failed() {
        return failed.get();
    }

    long dropped() {
        return dropped.get();
    }

    /**
     * Stops taking actions; those queued and running get one timeout to end,
     * then the rest are dropped and the running ones killed.
     */
    @Override
    public void close() {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS)) {
                int left = pool.shutdownNow().size();
                dropped.addAndGet(left);
                LOG.log(System.Logger.Level.WARNING, "stopping: " + left + " queued actions not run");
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
