package org.nioftpd.bench.load;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * The load generator's client: ONE thread, one {@link Selector}, every FTP
 * session a small state machine ({@link Conn}) with its control channel and,
 * during a transfer, its data channel. Nothing blocks, so 10,000 sessions fit
 * in one process; a transfer's bytes are read into (or written from) one
 * shared direct buffer and dropped, so they cost no memory per session.
 *
 * <p>Data connections use PASV, and connect to the target's own (loopback)
 * address, whatever address the 227 reply names: load never leaves this machine.
 *
 * <p>One {@link #run} is one target for one round: ramp up, warm up, measure
 * for the duration, close everything.
 */
final class LoadEngine {

    /** How one round is run. */
    record Config(Scenario scenario, int sessions, String file, long storSize, String dir, String listCommand,
                  double warmupSeconds, double durationSeconds, int ramp, int probeIntervalMillis,
                  double stallSeconds, List<String> afterLogin, boolean deleteBeforeStor) {
    }

    private static final int SHARED_BUFFER = 256 * 1024;
    /** Bytes one channel may move per wakeup before the loop serves the others. */
    private static final int BUDGET = 1 << 20;

    private final Target target;
    private final Config config;
    private final InetSocketAddress controlAddress;
    private final ByteBuffer sink = ByteBuffer.allocateDirect(SHARED_BUFFER);
    private final ByteBuffer source = ByteBuffer.allocateDirect(SHARED_BUFFER);
    private final PriorityQueue<TimerTask> timers = new PriorityQueue<>();
    private final ArrayDeque<Conn> toStart = new ArrayDeque<>();
    private final List<Conn> conns = new ArrayList<>();
    private Selector selector;
    private long now;
    private long measureStart = Long.MAX_VALUE;
    private long measureEnd = Long.MAX_VALUE;
    private int inFlightLogins;
    private int held;
    private boolean stopping;

    // --- results
    private long windowOps;
    /** The server's CPU ticks when the window opened, -1 before (or without --pid); its CPU seconds in the window. */
    private long cpuAtStart = -1;
    private double cpuSeconds = -1;
    private long windowBytes;
    private long errors;
    private String lastError;
    private long[] latencies = new long[1024];
    private int latencyCount;

    LoadEngine(Target target, Config config) {
        this.target = target;
        this.config = config;
        this.controlAddress = new InetSocketAddress(target.address(), target.port());
        while (source.hasRemaining()) {
            source.put((byte) ('a' + source.position() % 26));
        }
    }

    /** Runs the round and returns its metrics, in the order they are shown. */
    Map<String, Double> run() throws IOException {
        selector = Selector.open();
        Map<String, Double> m = new LinkedHashMap<>();
        try {
            now = System.nanoTime();
            boolean idle = config.scenario() == Scenario.IDLE;
            long baselineRss = idle ? ProcMem.rssKiB(target.pid()) : -1;
            long baselinePss = idle ? ProcMem.pssKiB(target.pid()) : -1;
            for (int i = 0; i < config.sessions(); i++) {
                Conn c = new Conn(i, false);
                conns.add(c);
                toStart.add(c);
            }
            if (!idle) {
                measureStart = now + seconds(config.warmupSeconds());
                measureEnd = measureStart + seconds(config.durationSeconds());
            }
            long rampDeadline = now + seconds(Math.max(60, config.sessions() / 50.0));
            Conn probe = null;
            while (true) {
                now = System.nanoTime();
                launch();
                if (idle && probe == null && (held == config.sessions() || now > rampDeadline)) {
                    // every session is logged in (or the ramp gave up): measure from one more
                    m.put("held", (double) held);
                    if (target.pid() > 0) {
                        long rss = ProcMem.rssKiB(target.pid());
                        long pss = ProcMem.pssKiB(target.pid());
                        m.put("RSS MiB", rss / 1024.0);
                        if (pss > 0) {
                            m.put("PSS MiB", pss / 1024.0);
                        }
                        // PSS where there is one: RSS counts the pages a forking server's
                        // processes share once per process, a hundredfold for 100 sessions
                        long grown = pss > 0 && baselinePss > 0 ? pss - baselinePss : rss - baselineRss;
                        m.put("KiB/session", held > 0 ? grown / (double) held : 0.0);
                    }
                    probe = new Conn(config.sessions(), true);
                    conns.add(probe);
                    probe.connect();
                    measureStart = now + seconds(config.warmupSeconds());
                    measureEnd = measureStart + seconds(config.durationSeconds());
                }
                if (cpuAtStart < 0 && target.pid() > 0 && (!idle || probe != null) && now >= measureStart) {
                    cpuAtStart = ProcMem.cpuTicks(target.pid());
                }
                if (now >= measureEnd) {
                    if (cpuAtStart >= 0) {
                        long used = ProcMem.cpuTicks(target.pid()) - cpuAtStart;
                        cpuSeconds = used >= 0 ? used / ProcMem.TICKS_PER_SECOND : -1;
                    }
                    break;
                }
                long wait = Math.max(1, Math.min((measureEnd - now) / 1_000_000, 100));
                if (!timers.isEmpty()) {
                    wait = Math.max(1, Math.min(wait, (timers.peek().at - now) / 1_000_000));
                }
                selector.select(this::dispatch, wait);
                now = System.nanoTime();
                runTimers();
            }
        } finally {
            stopping = true;
            for (Conn c : conns) {
                c.closeChannels();
            }
            selector.close();
        }
        double secs = config.durationSeconds();
        switch (config.scenario()) {
            case RETR, STOR, CONCURRENT_RETR -> {
                m.put("MB/s", windowBytes / 1e6 / secs);
                m.put("transfers/s", windowOps / secs);
            }
            case SMALL_FILES -> {
                m.put("files/s", windowOps / secs);
                m.put("p50 ms", percentile(0.50) / 1e6);
                m.put("p99 ms", percentile(0.99) / 1e6);
            }
            case LOGIN_STORM -> {
                m.put("logins/s", windowOps / secs);
                m.put("p50 ms", percentile(0.50) / 1e6);
                m.put("p99 ms", percentile(0.99) / 1e6);
            }
            case LIST -> {
                m.put("listings/s", windowOps / secs);
                m.put("MB/s", windowBytes / 1e6 / secs);
            }
            case IDLE -> {
                m.put("NOOP p50 us", percentile(0.50) / 1e3);
                m.put("NOOP p99 us", percentile(0.99) / 1e3);
            }
            default -> throw new IllegalStateException();
        }
        if (cpuSeconds >= 0) {
            // the server's own cost, whoever else shares the cores: what a busy machine cannot blur
            m.put("server CPU %", 100 * cpuSeconds / secs);
            if (config.scenario() != Scenario.IDLE && windowOps > 0) {
                m.put("server CPU us/op", cpuSeconds * 1e6 / windowOps);
            }
        }
        m.put("errors", (double) errors);
        return m;
    }

    String lastError() {
        return lastError;
    }

    private static long seconds(double s) {
        return (long) (s * 1e9);
    }

    /** Starts waiting sessions while fewer than {@code ramp} logins are in flight. */
    private void launch() {
        while (!toStart.isEmpty() && inFlightLogins < config.ramp()) {
            toStart.poll().connect();
        }
    }

    private void dispatch(SelectionKey key) {
        Object att = key.attachment();
        if (att instanceof DataSide d) {
            d.conn.onData(key);
        } else {
            ((Conn) att).onControl(key);
        }
    }

    private boolean inWindow() {
        return now >= measureStart && now < measureEnd;
    }

    private void record(long latencyNanos) {
        if (!inWindow()) {
            return;
        }
        windowOps++;
        if (latencyCount == latencies.length) {
            latencies = Arrays.copyOf(latencies, latencies.length * 2);
        }
        latencies[latencyCount++] = latencyNanos;
    }

    private double percentile(double p) {
        if (latencyCount == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(latencies, latencyCount);
        Arrays.sort(sorted);
        return sorted[Math.min(latencyCount - 1, (int) Math.ceil(p * latencyCount) - 1)];
    }

    private void error(String why) {
        errors++;
        lastError = why;
    }

    // ---------------------------------------------------------------- timers

    private static final class TimerTask implements Comparable<TimerTask> {
        final long at;
        final Runnable task;

        TimerTask(long at, Runnable task) {
            this.at = at;
            this.task = task;
        }

        @Override
        public int compareTo(TimerTask o) {
            return Long.compare(at, o.at);
        }
    }

    private void schedule(long delayNanos, Runnable task) {
        timers.add(new TimerTask(now + delayNanos, task));
    }

    private long lastStallCheck;

    private void runTimers() {
        while (!timers.isEmpty() && timers.peek().at <= now) {
            timers.poll().task.run();
        }
        if (now - lastStallCheck > 1_000_000_000L) {
            lastStallCheck = now;
            long stall = seconds(config.stallSeconds());
            for (Conn c : conns) {
                if (c.state != State.IDLE_HOLD && c.state != State.WAITING && c.state != State.NEW
                        && now - c.lastProgress > stall) {
                    c.fail("no progress for " + config.stallSeconds() + " s in state " + c.state);
                }
            }
        }
    }

    // --------------------------------------------------------------- sessions

    private enum State {
        NEW, CONNECTING, GREETING, USER, PASS, TYPE, AFTER_LOGIN, DELE, PASV, DATA_CONNECTING, XFER_COMMAND, XFER, QUIT, CLOSING,
        NOOP, IDLE_HOLD, WAITING
    }

    /** The data channel's key attachment: says which session it belongs to. */
    private record DataSide(Conn conn) {
    }

    private static final byte[] CRLF = {'\r', '\n'};

    /** One FTP session as a state machine. Loop thread only, like everything here. */
    private final class Conn {
        final int id;
        final boolean probe;
        int afterLoginSent;
        final DataSide dataSide = new DataSide(this);
        final ByteBuffer in = ByteBuffer.allocate(2048);
        ByteBuffer out = ByteBuffer.allocate(256);
        SocketChannel control;
        SelectionKey controlKey;
        SocketChannel data;
        SelectionKey dataKey;
        State state = State.NEW;
        long lastProgress;
        long opStart;
        boolean loggingIn;
        // reply parsing
        int replyCode = -1;
        final byte[] firstLine = new byte[256];
        int firstLineLength;
        // transfer
        boolean dataDone;
        boolean finalReply;
        long toSend;

        Conn(int id, boolean probe) {
            this.id = id;
            this.probe = probe;
        }

        void connect() {
            closeChannels();
            state = State.CONNECTING;
            lastProgress = now;
            opStart = now;
            loggingIn = true;
            inFlightLogins++;
            in.clear();
            out.clear();
            replyCode = -1;
            try {
                control = SocketChannel.open();
                control.configureBlocking(false);
                control.setOption(StandardSocketOptions.TCP_NODELAY, true);
                if (control.connect(controlAddress)) {
                    controlKey = control.register(selector, SelectionKey.OP_READ, this);
                    state = State.GREETING;
                } else {
                    controlKey = control.register(selector, SelectionKey.OP_CONNECT, this);
                }
            } catch (IOException e) {
                fail("connect: " + e.getMessage());
            }
        }

        void onControl(SelectionKey key) {
            if (!key.isValid()) {
                return;
            }
            try {
                if (key.isConnectable()) {
                    key.interestOps(0);
                    if (control.finishConnect()) {
                        state = State.GREETING;
                        key.interestOps(SelectionKey.OP_READ);
                    }
                    return;
                }
                if (key.isWritable()) {
                    flush();
                }
                if (key.isValid() && key.isReadable()) {
                    readControl();
                }
            } catch (IOException e) {
                fail(state + ": " + e.getMessage());
            }
        }

        private void readControl() throws IOException {
            int n = control.read(in);
            if (n < 0) {
                if (state == State.CLOSING) {
                    closeChannels();
                    loginStormDone();
                    return;
                }
                fail("server closed the control connection in state " + state);
                return;
            }
            lastProgress = now;
            in.flip();
            // parse every complete line
            int lineStart = in.position();
            for (int i = in.position(); i < in.limit(); i++) {
                if (in.get(i) == '\n') {
                    onLine(lineStart, i);
                    if (control == null) {
                        return; // failed, or closed, while handling the line
                    }
                    lineStart = i + 1;
                }
            }
            in.position(lineStart);
            in.compact();
            if (!in.hasRemaining()) {
                in.clear(); // a line longer than the buffer: drop it
            }
        }

        /** One control line, [start, newline). */
        private void onLine(int start, int nl) {
            int end = nl > start && in.get(nl - 1) == '\r' ? nl - 1 : nl;
            int len = end - start;
            int code = len >= 3 ? digit(start) * 100 + digit(start + 1) * 10 + digit(start + 2) : -1;
            boolean last = len == 3 || (len > 3 && in.get(start + 3) == ' ');
            if (replyCode < 0) {
                if (code < 100 || code > 599) {
                    fail("not a reply line");
                    return;
                }
                replyCode = code;
                firstLineLength = Math.min(len, firstLine.length);
                for (int i = 0; i < firstLineLength; i++) {
                    firstLine[i] = in.get(start + i);
                }
                if (!last) {
                    return; // multi-line: wait for "code "
                }
            } else if (!(code == replyCode && last)) {
                return;
            }
            int c = replyCode;
            replyCode = -1;
            onReply(c);
        }

        private int digit(int i) {
            int d = in.get(i) - '0';
            return d >= 0 && d <= 9 ? d : -1000;
        }

        private String line() {
            return new String(firstLine, 0, firstLineLength, StandardCharsets.UTF_8);
        }

        private void onReply(int code) {
            switch (state) {
                case GREETING -> {
                    if (code == 220) {
                        send("USER " + target.user());
                        state = State.USER;
                    } else if (code / 100 != 1) {
                        fail("greeting: " + line());
                    }
                }
                case USER -> {
                    if (code == 331) {
                        send("PASS " + target.password());
                        state = State.PASS;
                    } else if (code == 230) {
                        loggedIn();
                    } else {
                        fail("USER: " + line());
                    }
                }
                case PASS -> {
                    if (code == 230) {
                        loggedIn();
                    } else {
                        fail("PASS: " + line());
                    }
                }
                case TYPE -> {
                    if (code == 200) {
                        afterLogin(0);
                    } else {
                        fail("TYPE I: " + line());
                    }
                }
                case AFTER_LOGIN -> {
                    if (code / 100 == 2) {
                        afterLogin(afterLoginSent);
                    } else {
                        fail(config.afterLogin().get(afterLoginSent - 1) + ": " + line());
                    }
                }
                case DELE -> {
                    // deleted, or there was none yet (550; Apache FtpServer answers 450 for a missing file)
                    if (code == 250 || code == 550 || code == 450) {
                        send("PASV");
                        state = State.PASV;
                    } else {
                        fail("DELE: " + line());
                    }
                }
                case PASV -> {
                    if (code == 227) {
                        openData();
                    } else {
                        fail("PASV: " + line());
                    }
                }
                case XFER_COMMAND -> {
                    if (code / 100 == 1) {
                        state = State.XFER;
                        if (config.scenario() == Scenario.STOR) {
                            dataKey.interestOps(SelectionKey.OP_WRITE);
                        }
                    } else {
                        fail("transfer refused: " + line());
                    }
                }
                case XFER -> {
                    if (code / 100 == 2) {
                        finalReply = true;
                        maybeTransferDone();
                    } else {
                        fail("transfer failed: " + line());
                    }
                }
                case QUIT -> {
                    if (code == 221) {
                        state = State.CLOSING; // wait for the server's close
                    } else {
                        fail("QUIT: " + line());
                    }
                }
                case NOOP -> {
                    if (code / 100 == 2) {
                        record(now - opStart);
                        state = State.IDLE_HOLD;
                        schedule(config.probeIntervalMillis() * 1_000_000L, this::noop);
                    } else {
                        fail("NOOP: " + line());
                    }
                }
                default -> fail("unexpected reply in state " + state + ": " + line());
            }
        }

        private void loggedIn() {
            if (loggingIn) {
                loggingIn = false;
                inFlightLogins--;
            }
            switch (config.scenario()) {
                case LOGIN_STORM -> {
                    send("QUIT");
                    state = State.QUIT;
                }
                case IDLE -> {
                    state = State.IDLE_HOLD;
                    if (probe) {
                        noop();
                    } else {
                        held++;
                    }
                }
                default -> {
                    send("TYPE I");
                    state = State.TYPE;
                }
            }
        }

        /** Sends the {@code i}th --after-login command, or starts transferring when they are all done. */
        private void afterLogin(int i) {
            if (i < config.afterLogin().size()) {
                send(config.afterLogin().get(i));
                afterLoginSent = i + 1;
                state = State.AFTER_LOGIN;
            } else {
                nextOp();
            }
        }

        private void noop() {
            if (control == null) {
                return;
            }
            opStart = now;
            send("NOOP");
            state = State.NOOP;
        }

        /** The next transfer: PASV first. */
        private void nextOp() {
            opStart = now;
            dataDone = false;
            finalReply = false;
            if (config.scenario() == Scenario.STOR && config.deleteBeforeStor()) {
                send("DELE " + storName()); // the STOR makes a new file, it does not replace one
                state = State.DELE;
                return;
            }
            send("PASV");
            state = State.PASV;
        }

        private String storName() {
            return "upload/load-" + target.name() + "-" + id + ".bin";
        }

        private void openData() {
            int port = pasvPort();
            if (port <= 0) {
                fail("bad 227 reply: " + line());
                return;
            }
            try {
                data = SocketChannel.open();
                data.configureBlocking(false);
                InetSocketAddress where = new InetSocketAddress(target.address(), port);
                if (data.connect(where)) {
                    dataKey = data.register(selector, 0, dataSide);
                    dataConnected();
                } else {
                    dataKey = data.register(selector, SelectionKey.OP_CONNECT, dataSide);
                    state = State.DATA_CONNECTING;
                }
            } catch (IOException e) {
                fail("data connect: " + e.getMessage());
            }
        }

        /** (h1,h2,h3,h4,p1,p2): the port; the host is ignored, we stay on the target's address. */
        private int pasvPort() {
            int i = 0;
            while (i < firstLineLength && firstLine[i] != '(') {
                i++;
            }
            int[] v = new int[6];
            int k = 0;
            for (i++; i < firstLineLength && k < 6; i++) {
                byte c = firstLine[i];
                if (c >= '0' && c <= '9') {
                    v[k] = v[k] * 10 + (c - '0');
                } else if (c == ',' || c == ')') {
                    k++;
                }
            }
            return k == 6 ? v[4] * 256 + v[5] : -1;
        }

        private void dataConnected() throws IOException {
            switch (config.scenario()) {
                case STOR -> {
                    toSend = config.storSize();
                    dataKey.interestOps(0); // writing starts at 150
                    send("STOR " + storName());
                }
                case LIST -> {
                    dataKey.interestOps(SelectionKey.OP_READ);
                    send(config.listCommand() + " " + config.dir());
                }
                default -> {
                    dataKey.interestOps(SelectionKey.OP_READ);
                    send("RETR " + config.file());
                }
            }
            state = State.XFER_COMMAND;
        }

        void onData(SelectionKey key) {
            if (!key.isValid()) {
                return;
            }
            try {
                if (key.isConnectable()) {
                    key.interestOps(0);
                    if (data.finishConnect()) {
                        dataConnected();
                    }
                    return;
                }
                if (key.isReadable()) {
                    readData();
                } else if (key.isWritable()) {
                    writeData();
                }
            } catch (IOException e) {
                fail("data: " + e.getMessage());
            }
        }

        private void readData() throws IOException {
            int budget = BUDGET;
            while (budget > 0) {
                sink.clear();
                int n = data.read(sink);
                if (n < 0) {
                    closeData();
                    dataDone = true;
                    maybeTransferDone();
                    return;
                }
                if (n == 0) {
                    return;
                }
                lastProgress = now;
                budget -= n;
                if (inWindow()) {
                    windowBytes += n;
                }
            }
        }

        private void writeData() throws IOException {
            int budget = BUDGET;
            while (toSend > 0 && budget > 0) {
                source.clear().limit((int) Math.min(source.capacity(), toSend));
                int n = data.write(source);
                if (n == 0) {
                    return;
                }
                lastProgress = now;
                toSend -= n;
                budget -= n;
                if (inWindow()) {
                    windowBytes += n;
                }
            }
            if (toSend == 0) {
                data.shutdownOutput();
                closeData();
                dataDone = true;
                maybeTransferDone();
            }
        }

        private void maybeTransferDone() {
            if (dataDone && finalReply) {
                record(now - opStart);
                nextOp();
            }
        }

        private void loginStormDone() {
            record(now - opStart);
            if (!stopping) {
                connect();
            }
        }

        private void send(String line) {
            byte[] b = line.getBytes(StandardCharsets.UTF_8);
            if (out.remaining() < b.length + 2) {
                ByteBuffer bigger = ByteBuffer.allocate(out.capacity() + b.length + 256);
                out.flip();
                bigger.put(out);
                out = bigger;
            }
            out.put(b).put(CRLF);
            try {
                flush();
            } catch (IOException e) {
                fail("send: " + e.getMessage());
            }
        }

        private void flush() throws IOException {
            out.flip();
            control.write(out);
            boolean pending = out.hasRemaining();
            out.compact();
            int ops = SelectionKey.OP_READ | (pending ? SelectionKey.OP_WRITE : 0);
            if (controlKey.interestOps() != ops) {
                controlKey.interestOps(ops);
            }
        }

        void fail(String why) {
            if (stopping) {
                return;
            }
            error(why);
            closeChannels();
            state = State.WAITING;
            // start over after a pause, as a fresh session
            schedule(100_000_000L, () -> {
                if (!stopping) {
                    if (config.scenario() == Scenario.IDLE && !probe) {
                        toStart.add(this);
                    } else {
                        connect();
                    }
                }
            });
        }

        private void closeData() {
            if (data != null) {
                if (dataKey != null) {
                    dataKey.cancel();
                }
                try {
                    data.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
                data = null;
                dataKey = null;
            }
        }

        void closeChannels() {
            closeData();
            if (loggingIn) {
                loggingIn = false;
                inFlightLogins--;
            }
            if (state == State.IDLE_HOLD && !probe) {
                held--;
            }
            if (control != null) {
                if (controlKey != null) {
                    controlKey.cancel();
                }
                try {
                    control.close();
                } catch (IOException ignored) {
                    // closing anyway
                }
                control = null;
                controlKey = null;
            }
        }
    }
}
