package org.nioftpd;

import org.nioftpd.event.FtpEvents;
import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of one server, updated from every loop without contention
 * ({@link LongAdder}), read by monitoring at any time. What JMX and the
 * Prometheus endpoint of the server module publish.
 */
public final class FtpStats implements FtpEvents {

    /** Counters from zero; the server makes one and reports into it ({@link FtpServer#stats}). */
    public FtpStats() {
    }

    private final LongAdder connections = new LongAdder();
    private final LongAdder logins = new LongAdder();
    private final LongAdder failedLogins = new LongAdder();
    private final LongAdder transfers = new LongAdder();
    private final LongAdder failedTransfers = new LongAdder();
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder errors = new LongAdder();
    /** One histogram per command name: the names come from the command table, so the map stays small. */
    private final java.util.concurrent.ConcurrentHashMap<String, Histogram> commands =
            new java.util.concurrent.ConcurrentHashMap<>();
    private final Histogram downloads = new Histogram(Histogram.TRANSFER_BOUNDS);
    private final Histogram uploads = new Histogram(Histogram.TRANSFER_BOUNDS);

    @Override
    public void commandCompleted(java.net.InetSocketAddress client, String command, int replyCode, long nanos) {
        Histogram h = commands.get(command);
        if (h == null) {
            h = commands.computeIfAbsent(command, c -> new Histogram(Histogram.COMMAND_BOUNDS));
        }
        h.record(nanos);
    }

    /**
     * Command latencies by command name (from the line to the final reply;
     * for transfer commands, the data included), sorted by name. A copy of
     * the map; the histograms are live.
     */
    public java.util.SortedMap<String, Histogram> commandLatencies() {
        return new java.util.TreeMap<>(commands);
    }

    /** How long downloads (RETR) took, complete or not, from the data connection on. */
    public Histogram downloadDurations() {
        return downloads;
    }

    /** How long uploads (STOR, APPE, STOU) took, complete or not. */
    public Histogram uploadDurations() {
        return uploads;
    }

    private final LongAdder refused = new LongAdder();

    @Override
    public void refused(java.net.InetSocketAddress client, String reason) {
        refused.increment();
    }

    /** Connections refused before a session began: address rules, bans, session caps. */
    public long refusedConnections() {
        return refused.sum();
    }

    @Override
    public void error(java.net.InetSocketAddress client, String what) {
        errors.increment();
    }

    public long errors() {
        return errors.sum();
    }

    @Override
    public void connected(java.net.InetSocketAddress client) {
        connections.increment();
    }

    @Override
    public void loggedIn(java.net.InetSocketAddress client, String user, boolean anonymous) {
        logins.increment();
    }

    @Override
    public void loginFailed(java.net.InetSocketAddress client, String user) {
        failedLogins.increment();
    }

    @Override
    public void transferred(TransferRecord r) {
        (r.complete() ? transfers : failedTransfers).increment();
        (r.incoming() ? bytesIn : bytesOut).add(r.bytes());
        (r.incoming() ? uploads : downloads).record(r.durationMillis() * 1_000_000L);
    }

    public long connections() {
        return connections.sum();
    }

    public long logins() {
        return logins.sum();
    }

    public long failedLogins() {
        return failedLogins.sum();
    }

    public long transfers() {
        return transfers.sum();
    }

    public long failedTransfers() {
        return failedTransfers.sum();
    }

    public long bytesIn() {
        return bytesIn.sum();
    }

    public long bytesOut() {
        return bytesOut.sum();
    }
}
