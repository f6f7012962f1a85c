package org.nioftpd.data;

import java.time.Duration;

/**
 * What every data connection of a server obeys, fixed at start; shared by all loops.
 *
 * @param passiveLow       lowest passive port (default 49152)
 * @param passiveHigh      highest passive port
 * @param acceptTimeout    how long a passive listener or an active connect waits for its connection
 * @param dataTimeout      a transfer that moves no byte for this long is ended
 * @param allowForeignData whether a data connection may go to or come from another host than the client (FXP)
 * @param passiveListeners the passive listeners open per client address and their cap; thread-safe, the one
 *                         mutable part, shared by every session of the server
 */
public record DataPolicy(int passiveLow, int passiveHigh, Duration acceptTimeout, Duration dataTimeout,
                         boolean allowForeignData, PassiveListeners passiveListeners) {
}
