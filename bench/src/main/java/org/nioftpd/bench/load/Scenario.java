package org.nioftpd.bench.load;

import java.util.Locale;
import org.nioftpd.bench.Fixtures;

/** What the sessions do, with the defaults that make each a standard measurement. */
enum Scenario {
    /** Each session RETRs {@code --file} (default big.bin, 64 MiB) again and again. */
    RETR("retr", 1, "MB/s", true),
    /** Each session STORs {@code --size} bytes (default 64 MiB) to upload/load-N.bin again and again. */
    STOR("stor", 1, "MB/s", true),
    /** N clients at once: connect, USER, PASS, QUIT, wait for the close, again. */
    LOGIN_STORM("login-storm", 64, "logins/s", true),
    /** PASV + RETR of {@code --file} (default 4k.bin), a new data connection per file. */
    SMALL_FILES("small-files", 1, "files/s", true),
    /** N sessions at once, each RETRing 10m.bin again and again. */
    CONCURRENT_RETR("concurrent-retr", 100, "MB/s", true),
    /** Hold N logged-in sessions; one more session measures NOOP latency; server memory if --pid. */
    IDLE("idle", 1000, "NOOP p99 us", false),
    /** LIST (or {@code --list-command MLSD}) of {@code --dir} (default dir10k), again and again. */
    LIST("list", 1, "listings/s", true);

    final String id;
    final int defaultSessions;
    final String primary;
    final boolean higherIsBetter;

    Scenario(String id, int defaultSessions, String primary, boolean higherIsBetter) {
        this.id = id;
        this.defaultSessions = defaultSessions;
        this.primary = primary;
        this.higherIsBetter = higherIsBetter;
    }

    String defaultFile() {
        return switch (this) {
            case RETR -> Fixtures.BIG;
            case CONCURRENT_RETR -> Fixtures.TEN_MIB;
            case SMALL_FILES -> Fixtures.SMALL;
            default -> null;
        };
    }

    static Scenario of(String id) {
        for (Scenario s : values()) {
            if (s.id.equals(id.toLowerCase(Locale.ROOT))) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown scenario '" + id + "'; known: retr, stor, login-storm, small-files,"
                + " concurrent-retr, idle, list (or 'all')");
    }
}
