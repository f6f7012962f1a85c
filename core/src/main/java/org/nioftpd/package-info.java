/**
 * The embedding API: {@link org.nioftpd.FtpServer}, its builder and its counters, where an embedding program starts.
 * The package-private {@code Engine} beside it is the composition root that wires every other package together.
 */
package org.nioftpd;
