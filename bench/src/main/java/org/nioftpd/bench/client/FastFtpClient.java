package org.nioftpd.bench.client;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * A small blocking FTP client built for benchmarks: the client must not be
 * what is measured.
 *
 * <p>Why blocking: one benchmark thread drives one session and waits for each
 * reply anyway, so a blocking socket is the shortest path (no selector, no
 * wakeups, one system call per read); JMH supplies the concurrency with
 * {@code @Threads}. The load generator ({@code load}) is the non-blocking one.
 *
 * <p>Why not Commons Net: its reply parsing goes through a Reader, Strings and
 * ArrayLists per line, and its data streams copy through heap buffers. Here a
 * reply is parsed from bytes to an int code in place (the text is never made
 * into a String, except the 227 line's numbers, read as digits); commands are
 * written from cached byte arrays; data is read by a {@link SocketChannel}
 * into one reused direct buffer (one copy, kernel to that buffer, and dropped)
 * and written from one reused direct buffer of fixed content.
 *
 * <p>Not thread-safe: one client per thread.
 */
public final class FastFtpClient implements AutoCloseable {

    private static final int DATA_BUFFER = 1 << 20;

    private final Socket control;
    private final InputStream in;
    private final OutputStream out;
    private final byte[] buf = new byte[8192];
    private int start;
    private int end;
    /** The first line of the last reply: [lineStart, lineEnd) of {@link #buf}, valid until the next read. */
    private int lineStart;
    private int lineEnd;
    private final byte[] lastLine = new byte[512];
    private int lastLineLength;
    private ByteBuffer sink;
    private ByteBuffer source;
    private final String host;

    private FastFtpClient(Socket control, String host) throws IOException {
        this.control = control;
        this.host = host;
        this.in = control.getInputStream();
        this.out = control.getOutputStream();
    }

    /** Connects and reads the 220 greeting. */
    public static FastFtpClient connect(String host, int port) throws IOException {
        Socket s = new Socket();
        try {
            s.setTcpNoDelay(true);
            s.setSoTimeout(60_000);
            s.connect(new InetSocketAddress(host, port), 10_000);
            FastFtpClient c = new FastFtpClient(s, host);
            c.expect(c.readReply(), 220, "greeting");
            return c;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** USER, PASS (230 expected), TYPE I. */
    public FastFtpClient login(String user, String password) throws IOException {
        int code = command("USER " + user);
        if (code == 331) {
            code = command("PASS " + password);
        }
        expect(code, 230, "login");
        return this;
    }

    public FastFtpClient binary() throws IOException {
        expect(command(TYPE_I), 200, "TYPE I");
        return this;
    }

    private static final byte[] TYPE_I = "TYPE I\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PASV = "PASV\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] QUIT = "QUIT\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] NOOP = "NOOP\r\n".getBytes(StandardCharsets.US_ASCII);

    /** Encodes {@code verb arg} once, for a command sent in a loop. */
    public static byte[] encode(String line) {
        return (line + "\r\n").getBytes(StandardCharsets.UTF_8);
    }

    /** Sends one line and returns the reply code. */
    public int command(String line) throws IOException {
        return command(encode(line));
    }

    public int command(byte[] encodedLine) throws IOException {
        out.write(encodedLine);
        return readReply();
    }

    public int noop() throws IOException {
        return command(NOOP);
    }

    /** RETR: returns the bytes received, dropped as they come. {@code retr} is {@code encode("RETR name")}. */
    public long retr(byte[] retr) throws IOException {
        return download(retr);
    }

    /** LIST, NLST or MLSD: returns the listing's size in bytes. */
    public long list(byte[] listCommand) throws IOException {
        return download(listCommand);
    }

    private long download(byte[] cmd) throws IOException {
        InetSocketAddress where = pasv();
        try (SocketChannel data = SocketChannel.open(where)) {
            int code = command(cmd);
            if (code / 100 != 1) {
                throw new IOException("transfer refused: " + lastLine());
            }
            ByteBuffer b = sink();
            long total = 0;
            int n;
            while ((n = data.read(b)) >= 0) {
                total += n;
                b.clear();
            }
            expect(readReply(), 226, "end of transfer");
            return total;
        }
    }

    /** STOR of {@code size} bytes (fixed content). {@code stor} is {@code encode("STOR name")}. */
    public long stor(byte[] stor, long size) throws IOException {
        InetSocketAddress where = pasv();
        try (SocketChannel data = SocketChannel.open(where)) {
            int code = command(stor);
            if (code / 100 != 1) {
                throw new IOException("STOR refused: " + lastLine());
            }
            ByteBuffer b = source();
            long left = size;
            while (left > 0) {
                b.clear().limit((int) Math.min(b.capacity(), left));
                while (b.hasRemaining()) {
                    left -= data.write(b);
                }
            }
            data.shutdownOutput();
        }
        expect(readReply(), 226, "end of STOR");
        return size;
    }

    /** PASV; returns the address from the 227 reply. */
    public InetSocketAddress pasv() throws IOException {
        expect(command(PASV), 227, "PASV");
        // 227 Entering Passive Mode (h1,h2,h3,h4,p1,p2): read the last two numbers
        int i = 0;
        while (i < lastLineLength && lastLine[i] != '(') {
            i++;
        }
        int[] v = new int[6];
        int k = 0;
        for (i++; i < lastLineLength && k < 6; i++) {
            byte c = lastLine[i];
            if (c >= '0' && c <= '9') {
                v[k] = v[k] * 10 + (c - '0');
            } else if (c == ',' || c == ')') {
                k++;
            }
        }
        if (k < 6) {
            throw new IOException("bad 227 reply: " + lastLine());
        }
        // The announced host is ours on loopback; use the control connection's host as every client does.
        return new InetSocketAddress(host, v[4] * 256 + v[5]);
    }

    /** QUIT, 221, and wait for the server to close (so the TIME_WAIT is the server's, as in real life). */
    public void quit() throws IOException {
        try {
            out.write(QUIT);
            readReply();
            while (in.read(buf) >= 0) {
                // drain to the server's FIN
            }
        } finally {
            control.close();
        }
    }

    @Override
    public void close() throws IOException {
        control.close();
    }

    public String lastLine() {
        return new String(lastLine, 0, lastLineLength, StandardCharsets.UTF_8);
    }

    private ByteBuffer sink() {
        if (sink == null) {
            sink = ByteBuffer.allocateDirect(DATA_BUFFER);
        }
        sink.clear();
        return sink;
    }

    private ByteBuffer source() {
        if (source == null) {
            source = ByteBuffer.allocateDirect(DATA_BUFFER);
            while (source.hasRemaining()) {
                source.put((byte) (source.position() * 31));
            }
        }
        return source;
    }

    private void expect(int code, int wanted, String what) throws IOException {
        if (code != wanted) {
            throw new IOException(what + ": expected " + wanted + ", got: " + lastLine());
        }
    }

    // ------------------------------------------------------------- replies

    /**
     * Reads one whole reply (RFC 959 4.2: a multi-line one ends with a line
     * starting with the same code and a space) and returns its code. The
     * first line is kept in {@link #lastLine} for PASV and for error messages.
     */
    public int readReply() throws IOException {
        int code = -1;
        boolean first = true;
        while (true) {
            if (!nextLine()) {
                throw new EOFException("control connection closed" + (first ? "" : " mid-reply"));
            }
            int len = lineEnd - lineStart;
            if (first) {
                lastLineLength = Math.min(len, lastLine.length);
                System.arraycopy(buf, lineStart, lastLine, 0, lastLineLength);
            }
            boolean hasCode = len >= 3 && isDigit(buf[lineStart]) && isDigit(buf[lineStart + 1])
                    && isDigit(buf[lineStart + 2]);
            int c = hasCode ? (buf[lineStart] - '0') * 100 + (buf[lineStart + 1] - '0') * 10 + (buf[lineStart + 2] - '0')
                    : -1;
            if (first) {
                if (!hasCode) {
                    throw new IOException("not a reply: " + lastLine());
                }
                code = c;
                first = false;
                if (len == 3 || buf[lineStart + 3] != '-') {
                    return code;
                }
            } else if (c == code && (len == 3 || buf[lineStart + 3] == ' ')) {
                return code;
            }
        }
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    /** Finds the next CRLF- (or LF-) ended line in the buffer, reading more as needed. */
    private boolean nextLine() throws IOException {
        while (true) {
            for (int i = start; i < end; i++) {
                if (buf[i] == '\n') {
                    lineStart = start;
                    lineEnd = i > start && buf[i - 1] == '\r' ? i - 1 : i;
                    start = i + 1;
                    return true;
                }
            }
            if (start > 0) {
                System.arraycopy(buf, start, buf, 0, end - start);
                end -= start;
                start = 0;
            }
            if (end == buf.length) {
                end = 0; // an absurdly long line: drop it rather than grow
            }
            int n = in.read(buf, end, buf.length - end);
            if (n < 0) {
                return false;
            }
            end += n;
        }
    }
}
