/**
 * Wire formats without I/O or threads: command lines ({@code LineDecoder}: CRLF, Telnet IAC, a length cap), replies,
 * IP literals that never become DNS lookups, and PROXY protocol headers; incremental and bounded, split anywhere.
 */
package org.nioftpd.protocol;
