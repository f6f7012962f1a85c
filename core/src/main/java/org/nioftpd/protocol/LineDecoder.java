package org.nioftpd.protocol;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Turns the bytes of an FTP control connection into command lines, incrementally.
 *
 * <h2>Why incrementally</h2>
 * On a non-blocking channel a {@code read()} returns whatever the kernel has: half a
 * command, three commands, or one byte of a two-byte Telnet sequence. A blocking
 * server could call {@code readLine()} and wait; a reactor thread must never wait. So
 * this decoder is a state machine: it eats the bytes it is given, remembers exactly
 * where it stopped (in its fields, never on a thread's stack), and carries on when the
 * next buffer arrives. Any byte boundary is a possible split point, and the result is
 * the same however the stream was cut.
 *
 * <h2>What it decodes</h2>
 * RFC 959 says the control connection speaks the Telnet protocol (the NVT, RFC 854).
 * In practice that means three layers, applied in this order:
 * <ol>
 *   <li><b>Telnet commands</b> (RFC 854): the byte IAC (0xFF) starts a command.
 *       {@code IAC IAC} is a literal 0xFF data byte; {@code IAC WILL/WONT/DO/DONT opt}
 *       is an option negotiation (3 bytes, removed); {@code IAC SB ... IAC SE} is a
 *       sub-negotiation (removed, with everything inside it); any other {@code IAC x}
 *       (IP, DM, AO, AYT, NOP... - clients send {@code IAC IP IAC DM} before ABOR) is a
 *       2-byte command, removed. Telnet commands are out of band with respect to the
 *       data, so they are transparent to the next layer: {@code CR IAC NOP LF} is still
 *       a CRLF, and an {@code IAC NOP} between the two bytes of "é" leaves an "é".</li>
 *   <li><b>Line ends</b>: a line ends at LF; a CR immediately before that LF is part of
 *       the line end and dropped. A CR not followed by LF is data ({@code CR NUL} is
 *       the NVT spelling of a bare CR: the CR is kept, the NUL dropped). Every other
 *       NUL is dropped, so a decoded line never contains U+0000.</li>
 *   <li><b>Characters</b>: the bytes of a line are decoded as UTF-8 (RFC 2640),
 *       malformed sequences replaced by U+FFFD. Nothing is trimmed; spaces are the
 *       dispatcher's business.</li>
 * </ol>
 *
 * <h2>Bounded memory</h2>
 * A line may hold at most {@code maxLineBytes} data bytes (the CRLF is not counted).
 * The line buffer starts small and grows by doubling up to that cap, never beyond it.
 * When a line passes the cap the decoder stops storing it, keeps discarding bytes until
 * the line's LF, then returns {@link #TOO_LONG} once; the next line decodes normally.
 * So a client streaming a gigabyte without a LF costs this session at most
 * {@code maxLineBytes} bytes (ending such a session is the idle timer's job).
 * A sub-negotiation that never ends ({@code IAC SB} without {@code IAC SE}) likewise
 * costs no memory: its bytes are discarded as they arrive.
 *
 * <p>Threading: not thread-safe, and needs not be: one instance per control connection,
 * used only by the event-loop thread that owns that connection.
 */
public final class LineDecoder {

    /**
     * Returned instead of a line when the line exceeded the cap. Compare with {@code ==}:
     * it is a distinct String instance ({@code new String}, not the interned literal), so
     * a client that literally sends "&lt;line too long&gt;" gets an ordinary line that is
     * {@code equals} but not {@code ==} to this sentinel.
     */
    @SuppressWarnings("StringOperationCanBeSimplified") // the distinct instance is the point
    public static final String TOO_LONG = new String("<line too long>");

    // ---- bytes with a meaning ------------------------------------------------------
    private static final int NUL = 0x00;
    private static final int LF = 0x0A;
    private static final int CR = 0x0D;
    /** Telnet "interpret as command" (RFC 854). */
    private static final int IAC = 0xFF;
    /** Telnet WILL, WONT, DO, DONT are 251..254: each is followed by one option byte. */
    private static final int WILL = 251;
    private static final int DONT = 254;
    /** Telnet sub-negotiation begin (250) and end (240). */
    private static final int SB = 250;
    private static final int SE = 240;

    // ---- Telnet states: where we are inside a Telnet command --------------------------
    /** Plain data: the next byte is data unless it is IAC. */
    private static final int T_DATA = 0;
    /** Seen IAC: the next byte says which command (or, if IAC again, a literal 0xFF). */
    private static final int T_IAC = 1;
    /** Seen IAC WILL/WONT/DO/DONT: the next byte is the option code, discarded. */
    private static final int T_OPTION = 2;
    /** Inside IAC SB ...: bytes are discarded until IAC SE. */
    private static final int T_SB = 3;
    /** Inside a sub-negotiation, seen IAC: SE ends it; anything else (IAC IAC is an
     *  escaped 0xFF of the sub-negotiation's payload) stays inside it. */
    private static final int T_SB_IAC = 4;

    /** Initial size of the line buffer: most FTP commands are far shorter than this. */
    private static final int INITIAL_CAPACITY = 128;

    private final int maxLineBytes;

    /** Data bytes of the current, unfinished line: {@code line[0, count)}. */
    private byte[] line;
    private int count;

    /** One of the {@code T_*} states; survives across calls, so a Telnet command may be
     *  split at any byte. */
    private int telnetState = T_DATA;

    /**
     * A data CR was seen and its fate is not yet known: if the next data byte is LF the
     * CR was half of the line end and is dropped; otherwise it was a data CR and is stored
     * before that byte. The CR is not stored until then, so it needs no undo.
     */
    private boolean pendingCr;

    /** The current line passed the cap: its bytes are being discarded until its LF. */
    private boolean tooLong;

    /**
     * Bytes thrown away since the last line was returned: the tail of an
     * over-long line, Telnet subnegotiation payload. Memory stays bounded
     * either way; this count lets the connection decide when a client that
     * sends only what is thrown away has sent enough.
     */
    private long skipped;

    /**
     * @param maxLineBytes the most data bytes one line may hold, excluding its CRLF
     *                     (RFC 959 gives no limit; a few KiB fits any path a sane client
     *                     sends)
     */
    public LineDecoder(int maxLineBytes) {
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be positive: " + maxLineBytes);
        }
        this.maxLineBytes = maxLineBytes;
        this.line = new byte[Math.min(maxLineBytes, INITIAL_CAPACITY)];
    }

    /**
     * Consumes bytes from {@code in} until one whole line is decoded or {@code in} is
     * empty.
     *
     * <p>Returns the line (decoded as UTF-8, malformed sequences replaced, CR/LF removed),
     * or {@link #TOO_LONG} (the same String instance, compared with ==) when a line
     * exceeded the cap, or null when more input is needed. Leaves unconsumed bytes in
     * {@code in} (position advanced past what was consumed): call again to get the next
     * line of the same buffer. A {@code null} return means {@code in} is now empty.
     */
    public String decode(ByteBuffer in) {
        int pos = in.position();
        final int limit = in.limit();
        if (in.hasArray()) {
            // Heap buffer: index the backing array directly (no bounds-checked get() per byte).
            final byte[] a = in.array();
            final int off = in.arrayOffset();
            while (pos < limit) {
                if (accept(a[off + pos++] & 0xFF)) {
                    in.position(pos);
                    return takeLine();
                }
            }
        } else {
            // Direct or read-only buffer: absolute gets, one position update at the end.
            while (pos < limit) {
                if (accept(in.get(pos++) & 0xFF)) {
                    in.position(pos);
                    return takeLine();
                }
            }
        }
        in.position(pos);
        return null;
    }

    /**
     * Bytes of the current partial line held in memory; never more than the cap.
     * Zero while an over-long line is being discarded (nothing of it is kept).
     */
    public int bufferedBytes() {
        return count;
    }

    /** Bytes discarded since the last line was returned (over-long tail, Telnet subnegotiation). */
    public long skippedBytes() {
        return skipped;
    }

    // ---- layer 1: Telnet ----------------------------------------------------------------

    /**
     * Feeds one byte (0..255) through the Telnet layer.
     *
     * @return true when this byte ended a line
     */
    private boolean accept(int b) {
        switch (telnetState) {
            case T_DATA:
                if (b == IAC) {
                    telnetState = T_IAC;
                    return false;
                }
                return data(b);
            case T_IAC:
                if (b == IAC) {                       // IAC IAC: an escaped 0xFF data byte
                    telnetState = T_DATA;
                    return data(IAC);
                }
                if (b >= WILL && b <= DONT) {         // IAC WILL/WONT/DO/DONT <option>
                    telnetState = T_OPTION;
                } else if (b == SB) {                 // IAC SB ... IAC SE
                    telnetState = T_SB;
                } else {                              // IAC IP, IAC DM, IAC NOP...: done
                    telnetState = T_DATA;
                }
                return false;
            case T_OPTION:                            // the option code: discard
                telnetState = T_DATA;
                return false;
            case T_SB:
                if (b == IAC) {
                    telnetState = T_SB_IAC;
                }
                skipped++;
                return false;                         // payload (even a LF): discard
            case T_SB_IAC:
                telnetState = (b == SE) ? T_DATA : T_SB;
                return false;
            default:
                throw new IllegalStateException("telnet state " + telnetState);
        }
    }

    // ---- layer 2: line ends and NUL -------------------------------------------------------

    /**
     * Feeds one data byte (what is left after Telnet commands are removed).
     *
     * @return true when this byte ended a line
     */
    private boolean data(int b) {
        if (pendingCr) {
            pendingCr = false;
            if (b == LF) {
                return true;                          // CR LF: the CR was part of the line end
            }
            store(CR);                                // the CR was data after all
            if (b == NUL) {
                return false;                         // CR NUL: Telnet's bare CR; NUL dropped
            }
            // any other byte (even another CR): handled as usual below
        }
        if (b == LF) {
            return true;                              // bare LF also ends a line
        }
        if (b == CR) {
            pendingCr = true;                         // decided by the next data byte
        } else if (b != NUL) {                        // a NUL anywhere else is dropped
            store(b);
        }
        return false;
    }

    /** Appends one data byte to the line, or discards it once the line is over the cap. */
    private void store(int b) {
        if (tooLong) {
            skipped++;
            return;                                   // discarding until this line's LF
        }
        if (count == line.length) {
            if (count == maxLineBytes) {
                // The line just passed the cap. Forget what we held: it will never be a
                // command, and keeping it would only pin memory.
                tooLong = true;
                count = 0;
                return;
            }
            line = Arrays.copyOf(line, (int) Math.min(maxLineBytes, 2L * line.length));
        }
        line[count++] = (byte) b;
    }

    /** Called at a LF: hands out the finished line and resets for the next one. */
    private String takeLine() {
        skipped = 0;
        if (tooLong) {
            tooLong = false;
            count = 0;
            return TOO_LONG;
        }
        // new String(..., UTF_8) replaces malformed input with U+FFFD, never throws.
        String s = new String(line, 0, count, StandardCharsets.UTF_8);
        count = 0;
        return s;
    }
}
