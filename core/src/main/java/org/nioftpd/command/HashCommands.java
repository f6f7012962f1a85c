package org.nioftpd.command;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.zip.CRC32;
import org.nioftpd.data.LocalFileException;
import org.nioftpd.fs.FileSystemView;
import org.nioftpd.protocol.Words;
import org.nioftpd.session.ChecksumLimits;
import org.nioftpd.session.Session;

/**
 * File checksums: HASH with OPTS HASH (draft-bryan-ftpext-hash) and the
 * older XCRC, XMD5, XSHA1, XSHA256 with an optional byte range. Hashing a
 * large file is CPU work measured in seconds, so it runs on the bulk lane
 * (a pool of its own, never the one logins and commits use) with the session
 * suspended, never on the loop; {@link ChecksumLimits} bounds what one
 * address may ask for.
 */
final class HashCommands {

    /** The algorithms, as FEAT and OPTS HASH name them, in FEAT order. */
    enum Algorithm {
        SHA_256("SHA-256", "SHA-256"), SHA_1("SHA-1", "SHA-1"), MD5("MD5", "MD5"), CRC32("CRC32", null);

        final String ftpName;
        final String jdkName;

        Algorithm(String ftpName, String jdkName) {
            this.ftpName = ftpName;
            this.jdkName = jdkName;
        }

        static Algorithm byName(String name) {
            for (Algorithm a : values()) {
                if (a.ftpName.equalsIgnoreCase(name)) {
                    return a;
                }
            }
            return null;
        }
    }

    /** The FEAT line; the session's current choice is marked with '*' by {@link #featLine}. */
    static final String FEAT = "HASH SHA-256*;SHA-1;MD5;CRC32";

    private HashCommands() {
    }

    static String featLine(Algorithm selected) {
        StringBuilder sb = new StringBuilder("HASH ");
        for (Algorithm a : Algorithm.values()) {
            sb.append(a.ftpName).append(a == selected ? "*" : "").append(';');
        }
        sb.setLength(sb.length() - 1);
        return sb.toString();
    }

    /** HASH path: {@code 213 SHA-256 0-49 <hex> path}. */
    static void hash(Session s, String arg) throws IOException {
        FileSystemView.Resolved r = regularFile(s, arg);
        if (r == null) {
            return;
        }
        Algorithm a = Algorithm.byName(s.hashAlgorithm());
        long size = Files.size(r.real());
        run(s, r.real(), a, 0, size, hex ->
                s.reply(213, a.ftpName + " 0-" + Math.max(0, size - 1) + " " + hex + " " + r.virtual()));
    }

    /**
     * Digests bytes [from, to) of {@code file} on the bulk lane, then
     * {@code success} replies with the hex digest. Refused at once, nothing
     * queued, when the request is larger than the byte cap (504: asking again
     * cannot help, a smaller range can) or when the client's address already
     * has its share of checksums running or queued (450: later it can). One
     * job per session needs no count: the session is suspended until it ends.
     */
    private static void run(Session s, Path file, Algorithm a, long from, long to,
                            java.util.function.Consumer<String> success) {
        ChecksumLimits limits = s.context().checksums();
        if (limits.maxBytes() > 0 && to - from > limits.maxBytes()) {
            s.reply(504, "Refusing to hash more than " + limits.maxBytes()
                    + " bytes in one request; ask for a range (XSHA256 path start end).");
            return;
        }
        InetAddress client = s.remoteAddress().getAddress();
        if (!limits.tryAcquire(client)) {
            s.reply(450, "Too many checksums running for your address; try again later.");
            return;
        }
        s.offloadBulk(() -> {
            try {
                return digest(file, a, from, to);
            } finally {
                limits.release(client); // here, not in the reply: a session closed meanwhile gets no reply
            }
        }, (hex, failure) -> {
            if (failure != null) {
                s.reply(451, "Local error: " + LocalFileException.describe(failure)); // never the real path
            } else {
                success.accept(hex);
            }
            s.resume();
        }, () -> {
            limits.release(client);
            s.reply(450, "Too many checksums waiting; try again later.");
            s.resume();
        });
    }

    /** OPTS HASH [algorithm]: shows or selects the algorithm HASH uses. */
    static void opts(Session s, String value) {
        if (value.isBlank()) {
            s.reply(200, s.hashAlgorithm());
            return;
        }
        Algorithm a = Algorithm.byName(value.trim());
        if (a == null) {
            s.reply(501, "Unknown algorithm; use SHA-256, SHA-1, MD5 or CRC32.");
            return;
        }
        s.hashAlgorithm(a.ftpName);
        s.reply(200, a.ftpName);
    }

    static void xcrc(Session s, String arg) throws IOException {
        ranged(s, arg, Algorithm.CRC32);
    }

    static void xmd5(Session s, String arg) throws IOException {
        ranged(s, arg, Algorithm.MD5);
    }

    static void xsha1(Session s, String arg) throws IOException {
        ranged(s, arg, Algorithm.SHA_1);
    }

    static void xsha256(Session s, String arg) throws IOException {
        ranged(s, arg, Algorithm.SHA_256);
    }

    /**
     * {@code XCRC path [start [end]]}, or with the path in double quotes.
     * {@code start} is the first byte, {@code end} the offset after the last
     * (default: the end of the file). A path that exists as given is taken
     * whole, so a name ending in digits is not mistaken for a range.
     */
    private static void ranged(Session s, String arg, Algorithm a) throws IOException {
        String path = arg;
        String range = "";
        if (arg.startsWith("\"")) {
            int close = arg.indexOf('"', 1);
            if (close < 0) {
                s.reply(501, "Unbalanced quotes.");
                return;
            }
            path = arg.substring(1, close);
            range = arg.substring(close + 1).trim();
        } else if (!exists(s, arg)) {
            String[] p = arg.split(" ");
            int numbers = 0;
            for (int i = p.length - 1; i > 0 && numbers < 2 && p[i].matches("\\d{1,19}"); i--) {
                numbers++;
            }
            path = String.join(" ", java.util.Arrays.copyOf(p, p.length - numbers));
            range = String.join(" ", java.util.Arrays.copyOfRange(p, p.length - numbers, p.length));
        }
        FileSystemView.Resolved r = regularFile(s, path);
        if (r == null) {
            return;
        }
        long size = Files.size(r.real());
        long start = 0;
        long end = size;
        try {
            String[] n = range.isEmpty() ? new String[0] : Words.split(range);
            if (n.length > 0) {
                start = Long.parseLong(n[0]);
            }
            if (n.length > 1) {
                end = Long.parseLong(n[1]);
            }
            if (n.length > 2 || start < 0 || end > size || start > end) {
                throw new NumberFormatException();
            }
        } catch (NumberFormatException e) {
            s.reply(501, "Range must be 0 <= start <= end <= " + size + ".");
            return;
        }
        long from = start;
        long to = end;
        run(s, r.real(), a, from, to, hex -> s.reply(250, a == Algorithm.CRC32 ? hex.toUpperCase(Locale.ROOT) : hex));
    }

    private static boolean exists(Session s, String arg) {
        try {
            return Files.isRegularFile(s.fs().resolveExisting(arg).real());
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static FileSystemView.Resolved regularFile(Session s, String arg) throws IOException {
        FileSystemView.Resolved r = s.fs().resolveExisting(arg);
        if (!Files.isRegularFile(r.real())) {
            s.reply(550, "Not a plain file.");
            return null;
        }
        return r;
    }

    /** Worker thread: the digest of bytes [from, to) of {@code file}, in lower-case hex. */
    static String digest(Path file, Algorithm a, long from, long to) throws IOException, NoSuchAlgorithmException {
        MessageDigest md = a.jdkName != null ? MessageDigest.getInstance(a.jdkName) : null;
        CRC32 crc = md == null ? new CRC32() : null;
        ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long position = from;
            while (position < to) {
                buffer.clear();
                buffer.limit((int) Math.min(buffer.capacity(), to - position));
                int n = ch.read(buffer, position);
                if (n < 0) {
                    break;
                }
                position += n;
                buffer.flip();
                if (md != null) {
                    md.update(buffer);
                } else {
                    crc.update(buffer);
                }
            }
        }
        if (md != null) {
            return HexFormat.of().formatHex(md.digest());
        }
        return String.format("%08x", crc.getValue());
    }
}
