package org.nioftpd.security;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;

/**
 * A strict control connection for the security tests: it may bind its own
 * source address (127.0.0.2 stands for "another host"), sends raw bytes, and
 * reads replies byte by byte, failing on any reply line that is not
 * {@code ddd<space|hyphen>text CRLF}. The shared {@code RawClient} reads
 * leniently with {@code readLine}; here malformed output is itself a finding.
 */
final class Ctl implements AutoCloseable {

    static final InetAddress LOCAL = InetAddress.getLoopbackAddress();
    /** Another loopback address: on Linux the whole of 127/8 is local, so it plays "another host". */
    static final InetAddress OTHER = address("127.0.0.2");

    private static final Pattern PASV = Pattern.compile("\\((\\d+),(\\d+),(\\d+),(\\d+),(\\d+),(\\d+)\\)");

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private Ctl(Socket socket) throws IOException {
        this.socket = socket;
        this.in = new java.io.BufferedInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    static Ctl open(int port) throws IOException {
        return open(port, null);
    }

    /** Connects from {@code from} (null: any), reads nothing yet. */
    static Ctl open(int port, InetAddress from) throws IOException {
        Socket s = new Socket();
        if (from != null) {
            s.bind(new InetSocketAddress(from, 0));
        }
        s.connect(new InetSocketAddress(LOCAL, port), 10_000);
        s.setSoTimeout(20_000);
        return new Ctl(s);
    }

    /** Connects, expects the 220 greeting, logs in. */
    static Ctl login(int port, String user, String password) throws IOException {
        Ctl c = open(port);
        expect("220", c.reply());
        c.login(user, password);
        return c;
    }

    static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    Socket socket() {
        return socket;
    }

    Ctl send(String line) throws IOException {
        return sendRaw((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    Ctl sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    String command(String line) throws IOException {
        send(line);
        return reply();
    }

    /** The first reply that is not preliminary (1xx), after sending {@code line}. */
    String finalReply(String line) throws IOException {
        send(line);
        return finalReply();
    }

    String finalReply() throws IOException {
        String r;
        do {
            r = reply();
        } while (r != null && r.charAt(0) == '1');
        return r;
    }

    void login(String user, String password) throws IOException {
        expect("331", command("USER " + user));
        expect("230", command("PASS " + password));
    }

    /**
     * One reply; lines of a multi-line reply joined by '\n'. Null at end of
     * stream (or a reset) before the first byte. Throws AssertionError if the
     * server's output is not well-formed (RFC 959 4.2).
     */
    String reply() throws IOException {
        String first = line();
        if (first == null) {
            return null;
        }
        checkFirst(first);
        if (first.charAt(3) == ' ') {
            return first;
        }
        String end = first.substring(0, 3) + " ";
        StringBuilder sb = new StringBuilder(first);
        while (true) {
            String next = line();
            if (next == null) {
                throw new AssertionError("multi-line reply cut off after: " + sb);
            }
            sb.append('\n').append(next);
            if (next.startsWith(end)) {
                return sb.toString();
            }
        }
    }

    static void checkFirst(String line) {
        if (line.length() < 4 || !Character.isDigit(line.charAt(0)) || !Character.isDigit(line.charAt(1))
                || !Character.isDigit(line.charAt(2)) || (line.charAt(3) != ' ' && line.charAt(3) != '-')
                || line.charAt(0) < '1' || line.charAt(0) > '5') {
            throw new AssertionError("malformed reply line: " + printable(line));
        }
    }

    /** One line ending in CRLF, without it; null at end of stream. A bare CR or LF is malformed. */
    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        while (true) {
            int c;
            try {
                c = in.read();
            } catch (SocketException reset) {
                c = -1; // a reset is the server closing too
            }
            if (c < 0) {
                if (b.size() > 0) {
                    throw new AssertionError("reply line cut off: " + printable(b.toString(StandardCharsets.UTF_8)));
                }
                return null;
            }
            if (c == '\n') {
                throw new AssertionError("bare LF in reply: " + printable(b.toString(StandardCharsets.UTF_8)));
            }
            if (c == '\r') {
                int n = in.read();
                if (n != '\n') {
                    throw new AssertionError("bare CR in reply: " + printable(b.toString(StandardCharsets.UTF_8)));
                }
                return b.toString(StandardCharsets.UTF_8);
            }
            b.write(c);
            if (b.size() > 1 << 20) {
                throw new AssertionError("reply line over 1 MiB");
            }
        }
    }

    /**
     * Reads (and checks) replies until the server closes the connection, for
     * at most {@code within}; returns them. Fails if it is still open then.
     */
    List<String> repliesUntilClosed(Duration within) throws IOException {
        long deadline = System.nanoTime() + within.toNanos();
        List<String> replies = new ArrayList<>();
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("still open after " + within + "; replies: " + replies);
            }
            socket.setSoTimeout((int) Math.max(1, left / 1_000_000));
            String r;
            try {
                r = reply();
            } catch (SocketTimeoutException e) {
                throw new AssertionError("still open after " + within + "; replies: " + replies);
            }
            if (r == null) {
                return replies;
            }
            replies.add(r);
        }
    }

    /** PASV, and the port it announces. */
    int pasv() throws IOException {
        String r = command("PASV");
        Matcher m = PASV.matcher(r);
        if (!r.startsWith("227") || !m.find()) {
            throw new AssertionError("PASV: " + r);
        }
        return Integer.parseInt(m.group(5)) * 256 + Integer.parseInt(m.group(6));
    }

    static void expect(String code, String reply) {
        if (reply == null || !reply.startsWith(code)) {
            throw new AssertionError("expected " + code + " but got: " + reply);
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    /** Closes with a TCP reset instead of a FIN: SO_LINGER 0. */
    void reset() throws IOException {
        reset(socket);
    }

    static void reset(Socket s) throws IOException {
        s.setSoLinger(true, 0);
        s.close();
    }

    // ------------------------------------------------------------------ data

    static Socket data(int port) throws IOException {
        return data(port, null);
    }

    static Socket data(int port, InetAddress from) throws IOException {
        Socket s = new Socket();
        if (from != null) {
            s.bind(new InetSocketAddress(from, 0));
        }
        s.connect(new InetSocketAddress(LOCAL, port), 10_000);
        s.setSoTimeout(20_000);
        return s;
    }

    static byte[] readAll(Socket s) throws IOException {
        try (s) {
            return s.getInputStream().readAllBytes();
        }
    }

    /**
     * True if {@code s} reaches end of stream (or is reset) within {@code within},
     * whatever it reads on the way; false if it is still open then.
     */
    static boolean closedWithin(Socket s, Duration within) throws IOException {
        long deadline = System.nanoTime() + within.toNanos();
        byte[] buffer = new byte[64 * 1024];
        while (true) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            s.setSoTimeout((int) Math.max(1, left / 1_000_000));
            try {
                if (s.getInputStream().read(buffer) < 0) {
                    return true;
                }
            } catch (SocketTimeoutException e) {
                return false;
            } catch (SocketException e) {
                return true; // reset
            }
        }
    }

    /**
     * A listener registered with a selector is really closed (its socket
     * released) when the loop next selects, just after the turn that sent the
     * reply: a connect in that instant lands in a backlog nobody accepts
     * from and is reset. So "refused" is awaited, briefly.
     */
    @SuppressWarnings("try") // the connect is the test: the socket is only closed
    static void awaitRefused(int port) {
        org.nioftpd.testing.Await.until(Duration.ofSeconds(5), "port " + port + " to refuse connections", () -> {
            try (Socket s = Ctl.data(port)) {
                return false;
            } catch (java.net.ConnectException refused) {
                return true;
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        });
    }

    // ---------------------------------------------------------- the machine

    /** Open file descriptors of this JVM (the server runs in it too), or -1 where /proc/self/fd is missing. */
    static long openFds() {
        Path fd = Path.of("/proc/self/fd");
        if (!Files.isDirectory(fd)) {
            return -1;
        }
        try (var list = Files.list(fd)) {
            return list.count();
        } catch (IOException e) {
            return -1;
        }
    }

    /**
     * Everything about a tree that a write could change: each entry's relative
     * path, kind, size, content hash, modification time, permissions, and a
     * link's target (links are never followed). {@code skip} (may be null) is
     * left out with all it holds.
     */
    static String fingerprint(Path tree, Path skip) throws IOException {
        TreeMap<String, String> entries = new TreeMap<>();
        Files.walkFileTree(tree, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (skip != null && dir.equals(skip)) {
                    entries.put(tree.relativize(dir).toString(), "(skipped)");
                    return FileVisitResult.SKIP_SUBTREE;
                }
                entries.put(tree.relativize(dir) + "/", describe(dir, attrs));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                entries.put(tree.relativize(file).toString(), describe(file, attrs));
                return FileVisitResult.CONTINUE;
            }
        });
        StringBuilder sb = new StringBuilder();
        entries.forEach((k, v) -> sb.append(k).append(" = ").append(v).append('\n'));
        return sb.toString();
    }

    private static String describe(Path p, BasicFileAttributes a) throws IOException {
        String perms = PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
        String what;
        if (a.isSymbolicLink()) {
            what = "link -> " + Files.readSymbolicLink(p);
        } else if (a.isDirectory()) {
            what = "dir";
        } else {
            what = "file " + a.size() + " " + sha256(Files.readAllBytes(p));
        }
        return what + " mtime " + a.lastModifiedTime().toMillis() + " " + perms;
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < s.length() && sb.length() < 300; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                sb.append(String.format("\\x%02x", (int) c));
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    /** {@code n} consecutive ports outside the ephemeral range that are free now. */
    static int freeRange(int n) throws IOException {
        for (int attempt = 0; attempt < 50; attempt++) {
            int base = ThreadLocalRandom.current().nextInt(20_000, 30_000);
            List<ServerSocket> held = new ArrayList<>();
            try {
                for (int p = base; p < base + n; p++) {
                    ServerSocket s = new ServerSocket();
                    held.add(s);
                    s.bind(new InetSocketAddress(Ctl.LOCAL, p));
                }
                return base;
            } catch (IOException taken) {
                // try another base
            } finally {
                for (ServerSocket s : held) {
                    s.close();
                }
            }
        }
        throw new IOException("no free port range of " + n);
    }
}
