package org.nioftpd.command;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import org.nioftpd.data.AsciiCodec;
import org.nioftpd.data.ByteSource;
import org.nioftpd.data.DataTransferProcess;
import org.nioftpd.data.DeflatingSource;
import org.nioftpd.data.Download;
import org.nioftpd.data.FileSource;
import org.nioftpd.data.ListingSource;
import org.nioftpd.data.PassiveAddresses;
import org.nioftpd.data.PrefetchSource;
import org.nioftpd.data.Transfer;
import org.nioftpd.data.Upload;
import org.nioftpd.fs.FileInfo;
import org.nioftpd.fs.FileSystemView;
import org.nioftpd.fs.Glob;
import org.nioftpd.fs.ListFormat;
import org.nioftpd.fs.QuotaCharge;
import org.nioftpd.fs.StoreCapabilities;
import org.nioftpd.fs.TemporaryFiles;
import org.nioftpd.protocol.IpLiteral;
import org.nioftpd.protocol.Words;
import org.nioftpd.session.Session;

/**
 * Transfer parameters (TYPE, MODE, STRU, PASV, EPSV, PORT, EPRT, REST) and
 * the commands that move data (RETR, STOR, APPE, LIST, NLST, MLSD, ABOR).
 *
 * <p>Why one file of this size: every command that sets up or uses a data connection (TYPE,
 * MODE, PASV, EPSV, PORT, EPRT, RETR, STOR, APPE, STOU, LIST, NLST, MLSD, ABOR) is here, so
 * that what a transfer needs is read in one place.
 */
final class TransferCommands {

    private TransferCommands() {
    }

    // -------------------------------------------------- parameters, RFC 959 4.1.2

    /** TYPE A [N], TYPE I, TYPE L 8. EBCDIC and other byte sizes are refused with 504. */
    static void type(Session s, String arg) {
        String[] p = Words.split(arg.trim().toUpperCase(Locale.ROOT));
        switch (p[0]) {
            case "A" -> {
                if (p.length > 1 && !p[1].equals("N")) {
                    s.reply(504, "Only non-print ASCII format is supported.");
                    return;
                }
                s.dataType(Session.DataType.ASCII);
                s.reply(200, "Type set to A.");
            }
            case "I" -> {
                s.dataType(Session.DataType.IMAGE);
                s.reply(200, "Type set to I.");
            }
            case "L" -> {
                if (p.length == 2 && p[1].equals("8")) {
                    s.dataType(Session.DataType.IMAGE);
                    s.reply(200, "Type set to L 8.");
                } else {
                    s.reply(504, "Only byte size 8 is supported.");
                }
            }
            case "E" -> s.reply(504, "EBCDIC is not supported.");
            default -> s.reply(501, "Unknown TYPE: " + arg + ".");
        }
    }

    /** MODE S (stream) and MODE Z (deflate, draft-preston-ftpext-deflate); block and compressed modes are refused. */
    static void mode(Session s, String arg) {
        switch (arg.trim().toUpperCase(Locale.ROOT)) {
            case "S" -> {
                s.deflate(false);
                s.reply(200, "Mode set to S.");
            }
            case "Z" -> {
                s.deflate(true);
                s.reply(200, "Mode set to Z.");
            }
            case "B", "C" -> s.reply(504, "Only stream and deflate modes are supported.");
            default -> s.reply(501, "Unknown MODE: " + arg + ".");
        }
    }

    static void stru(Session s, String arg) {
        switch (arg.trim().toUpperCase(Locale.ROOT)) {
            case "F" -> s.reply(200, "Structure set to F.");
            case "R", "P" -> s.reply(504, "Only file structure is supported.");
            default -> s.reply(501, "Unknown STRU: " + arg + ".");
        }
    }

    /** RFC 959 4.1.3: REST offset, for the next RETR or STOR only (REST STREAM, RFC 3659 section 5). */
    static void rest(Session s, String arg) {
        long offset;
        try {
            offset = Long.parseLong(arg.trim());
        } catch (NumberFormatException e) {
            offset = -1;
        }
        if (offset < 0) {
            s.reply(501, "REST needs a non-negative byte offset.");
            return;
        }
        s.restartOffset(offset);
        s.reply(350, "Restarting at " + offset + ". Send STOR or RETR.");
    }

    // ------------------------------------------------------ data connection setup

    /**
     * RFC 959 4.1.2: 227 Entering Passive Mode (h1,h2,h3,h4,p1,p2). IPv4 only.
     * The address is chosen by the client's network (issue 15, item 4); a host
     * name not yet resolved is looked up off the loop, with the session suspended.
     */
    static void pasv(Session s, String arg) throws IOException {
        if (refusedByEpsvAll(s)) {
            return;
        }
        PassiveAddresses.Answer answer = s.context().passiveAddresses()
                .answer(s.remoteAddress().getAddress(), s.localAddress().getAddress());
        if (answer.pending() == null) {
            enterPassive(s, answer);
            return;
        }
        s.offload(answer.pending(), (resolved, failure) -> {
            try {
                if (resolved == null) {
                    s.reply(425, "Can't open passive connection: the passive address does not resolve ("
                            + (failure == null ? "no address" : failure.getMessage()) + ").");
                } else if (!s.isClosed()) {
                    enterPassive(s, resolved);
                }
            } catch (IOException e) {
                s.reply(425, "Can't open passive connection: " + e.getMessage() + ".");
            }
            s.resume();
        });
    }

    private static void enterPassive(Session s, PassiveAddresses.Answer answer) throws IOException {
        InetAddress announce = answer.announce();
        if (!(announce instanceof Inet4Address)) {
            s.reply(425, "PASV needs IPv4; use EPSV.");
            return;
        }
        int port = listen(s, answer.bind());
        if (port < 0) {
            return;
        }
        byte[] a = announce.getAddress();
        // concatenated, not String.format: PASV comes once per file, and a Formatter (its parse, its
        // locale's digits) was among what the JIT compiled on that path
        s.reply(227, "Entering Passive Mode (" + (a[0] & 0xff) + ',' + (a[1] & 0xff) + ',' + (a[2] & 0xff) + ','
                + (a[3] & 0xff) + ',' + (port >> 8) + ',' + (port & 0xff) + ").");
    }

    /** RFC 2428 section 3: EPSV [1|2|ALL]; 229 Entering Extended Passive Mode (|||port|). */
    static void epsv(Session s, String arg) throws IOException {
        String a = arg.trim().toUpperCase(Locale.ROOT);
        if (a.equals("ALL")) {
            s.epsvAll(true);
            s.reply(200, "EPSV ALL ok.");
            return;
        }
        if (!a.isEmpty()) {
            String family = s.localAddress().getAddress() instanceof Inet6Address ? "2" : "1";
            if (!a.equals(family)) {
                s.reply(522, "Network protocol not supported, use (" + family + ").");
                return;
            }
        }
        int port = listen(s);
        if (port >= 0) {
            s.reply(229, "Entering Extended Passive Mode (|||" + port + "|).");
        }
    }

    private static int listen(Session s) throws IOException {
        return listen(s, s.localAddress().getAddress());
    }

    private static int listen(Session s, InetAddress bind) throws IOException {
        try {
            return s.data().listen(bind).getPort();
        } catch (DataTransferProcess.PassivePortsExhaustedException e) {
            s.reply(425, "Can't open passive connection: " + e.getMessage() + ".");
            return -1;
        } catch (DataTransferProcess.PassiveListenerLimitException e) {
            // Issue 19, item 6: a few addresses must not hold the whole passive range.
            s.reply(425, "Too many passive connections from your address (" + e.limit()
                    + "); use the ones you opened, or try again later.");
            return -1;
        }
    }

    /** RFC 959 4.1.2: PORT h1,h2,h3,h4,p1,p2. */
    static void port(Session s, String arg) {
        if (refusedByEpsvAll(s)) {
            return;
        }
        String[] p = arg.trim().split(",");
        if (p.length != 6) {
            s.reply(501, "Syntax: PORT h1,h2,h3,h4,p1,p2.");
            return;
        }
        byte[] address = new byte[4];
        int[] port = new int[2];
        try {
            for (int i = 0; i < 6; i++) {
                int v = Integer.parseInt(p[i].trim());
                if (v < 0 || v > 255) {
                    throw new NumberFormatException();
                }
                if (i < 4) {
                    address[i] = (byte) v;
                } else {
                    port[i - 4] = v;
                }
            }
            setActive(s, new InetSocketAddress(InetAddress.getByAddress(address), port[0] << 8 | port[1]));
        } catch (NumberFormatException | java.net.UnknownHostException e) {
            s.reply(501, "Syntax: PORT h1,h2,h3,h4,p1,p2.");
        }
    }

    /** RFC 2428 section 2: EPRT |1|132.235.1.2|6275| or |2|::1|6275|, any delimiter 33-126. */
    static void eprt(Session s, String arg) {
        if (refusedByEpsvAll(s)) {
            return;
        }
        String a = arg.trim();
        if (a.length() < 7 || a.charAt(0) < 33 || a.charAt(0) > 126) {
            s.reply(501, "Syntax: EPRT |proto|address|port|.");
            return;
        }
        String d = String.valueOf(a.charAt(0));
        String[] p = a.substring(1).split(java.util.regex.Pattern.quote(d), -1);
        if (p.length != 4 || !p[3].isEmpty()) {
            s.reply(501, "Syntax: EPRT |proto|address|port|.");
            return;
        }
        InetAddress address;
        int port;
        try {
            port = Integer.parseInt(p[2]);
            if (port < 1 || port > 65535) {
                throw new NumberFormatException();
            }
            switch (p[0]) {
                case "1" -> address = IpLiteral.v4(p[1]);
                case "2" -> address = IpLiteral.v6(p[1]);
                default -> {
                    s.reply(522, "Network protocol not supported, use (1,2).");
                    return;
                }
            }
        } catch (NumberFormatException | java.net.UnknownHostException e) {
            s.reply(501, "Syntax: EPRT |proto|address|port|.");
            return;
        }
        setActive(s, new InetSocketAddress(address, port));
    }

    /**
     * The bounce attack (RFC 2577): PORT to someone else's host, or to a
     * privileged port, would make us attack it. Refused unless site-to-site
     * transfers are allowed.
     */
    private static void setActive(Session s, InetSocketAddress target) {
        if (!s.context().data().allowForeignData()) {
            if (!IpLiteral.sameHost(target.getAddress(), s.remoteAddress().getAddress())) {
                s.reply(504, "Refused: the data address must be the client's own.");
                return;
            }
            if (target.getPort() < 1024) {
                s.reply(504, "Refused: the data port must be 1024 or above.");
                return;
            }
        }
        s.data().activeTarget(target);
        s.reply(200, "PORT command successful.");
    }

    private static boolean refusedByEpsvAll(Session s) {
        if (s.epsvAll()) {
            s.reply(503, "EPSV ALL in effect: only EPSV may set up the data connection.");
            return true;
        }
        return false;
    }

    // ------------------------------------------------------------------ transfers

    /** RFC 959 4.1.3. TYPE I goes zero-copy from the REST offset; TYPE A through the converter. */
    static void retr(Session s, String arg) throws IOException {
        FileSystemView.Resolved r = s.fs().resolveExisting(arg);
        if (!Files.isRegularFile(r.real())) {
            s.reply(550, "Not a plain file.");
            return;
        }
        long offset = s.restartOffset();
        FileChannel file = FileChannel.open(r.real(), StandardOpenOption.READ);
        long size = file.size();
        if (offset > size) {
            file.close();
            s.reply(554, "Restart offset " + offset + " is past the end of the file (" + size + ").");
            return;
        }
        boolean image = s.dataType() == Session.DataType.IMAGE;
        Transfer t = !local(r.real())
                ? Download.of("RETR " + r.virtual(), viaStorage(s, false, compressed(s, new FileSource(file, offset, !image))))
                : image && !s.deflate()
                ? Download.zeroCopy("RETR " + r.virtual(), file, offset)
                : Download.of("RETR " + r.virtual(), compressed(s, new FileSource(file, offset, !image)));
        t.logEntry(new Transfer.LogEntry(r.virtual(), r.real(), false, !image));
        if (image && !s.deflate()) {
            t.expectedBytes(size - offset); // what `nioftpd who` shows progress against
        }
        s.startTransfer(t, "Opening " + (image ? "BINARY" : "ASCII") + " mode data connection for "
                + r.name() + " (" + (size - offset) + " bytes).");
    }

    /**
     * Whether {@code p} is on the local disk: sendfile and calls on the loop. Any other store (the
     * home's or a mount's): calls on the storage pool.
     */
    private static boolean local(Path p) {
        return StoreCapabilities.of(p.getFileSystem()).local();
    }

    /**
     * Unless {@code local}, the bytes are made on the storage pool (file reads, each listed entry's
     * attributes) and sent by the loop: see {@link PrefetchSource}.
     */
    private static ByteSource viaStorage(Session s, boolean local, ByteSource source) {
        return local ? source : new PrefetchSource(source, s.context().storage(), s.loop());
    }

    /** Under MODE Z, the source goes through the deflater. */
    private static ByteSource compressed(Session s, ByteSource source) {
        return s.deflate() ? new DeflatingSource(source, s.deflateLevel()) : source;
    }

    /** RFC 959 4.1.3: STOR replaces the file; after REST it writes from the offset. */
    static void stor(Session s, String arg) throws IOException {
        FileSystemView.Resolved r = s.fs().resolveForCreate(arg);
        if (Files.isDirectory(r.real())) {
            s.reply(550, "Is a directory.");
            return;
        }
        if (refusedWithoutDataSetup(s)) {
            return;
        }
        long offset = s.restartOffset();
        if (offset > 0 && !s.fs().capabilities(r).append()) {
            s.reply(550, "REST before STOR is not supported: this store (" + s.fs().capabilities(r).kind()
                    + ") writes whole files only; send STOR without REST.");
            return;
        }
        if (offset > 0) {
            // Checked before the open below, which creates the file: a refused STOR leaves nothing behind.
            if (offset > sizeOrZero(r.real())) {
                s.reply(554, "Restart offset " + offset + " is past the end of the file.");
                return;
            }
            QuotaCharge charge = QuotaCharge.open(s.fs().quotaFor(r.virtual()), existingSize(r.real()), offset, true);
            FileChannel file = FileChannel.open(r.real(), StandardOpenOption.WRITE, StandardOpenOption.CREATE);
            file.truncate(offset);
            file.position(offset);
            upload(s, r, "STOR", file, null, charge);
            return;
        }
        QuotaCharge charge = QuotaCharge.open(s.fs().quotaFor(r.virtual()), existingSize(r.real()), 0, false);
        if (!s.fs().capabilities(r).atomicRename()) {
            // An object store: a rename is a copy of the whole object, and an object appears only once
            // its writer closes, so the upload goes straight to its name (counted as a temporary would
            // be: a failed upload gives back all it counted, a landed one the object it replaced).
            boolean existed = Files.exists(r.real());
            FileChannel file;
            try {
                file = FileChannel.open(r.real(), StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                        StandardOpenOption.TRUNCATE_EXISTING);
            } catch (IOException | RuntimeException e) {
                if (charge != null) {
                    charge.abandoned(null);
                }
                throw e;
            }
            upload(s, r.virtual(), r.real(), "STOR", file, null, null, !existed, charge);
            return;
        }
        Path temporary = temporaryBeside(s, r.real());
        FileChannel file;
        try {
            file = FileChannel.open(temporary, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
        } catch (IOException | RuntimeException e) {
            if (charge != null) {
                charge.abandoned(null);
            }
            throw e;
        }
        upload(s, r, "STOR", file, temporary, charge);
    }

    /** The size of the regular file at {@code p}, or -1 if there is none (a new name, for the quota). */
    private static long existingSize(Path p) throws IOException {
        try {
            java.nio.file.attribute.BasicFileAttributes a =
                    Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class);
            return a.isRegularFile() ? a.size() : -1;
        } catch (java.nio.file.NoSuchFileException e) {
            return -1;
        }
    }

    /**
     * RFC 959 4.1.3 and RFC 1123 4.1.2.9: STOU stores under a name unique in
     * the directory (the argument, if given, is the base name), announced in
     * the 150 reply as "FILE: name".
     */
    static void stou(Session s, String arg) throws IOException {
        String base = arg.isBlank() ? "stou" : arg;
        FileSystemView.Resolved r = s.fs().resolveForCreate(base);
        if (refusedWithoutDataSetup(s)) {
            return; // before the unique file is created: a refused STOU leaves nothing behind
        }
        Path dir = r.real().getParent();
        String name = r.real().getFileName().toString();
        QuotaCharge charge = QuotaCharge.open(s.fs().quotaFor(r.virtual()), -1, 0, false);
        for (int i = 0; i < 1000; i++) {
            Path candidate = dir.resolve(i == 0 ? name : name + "." + i);
            FileChannel file;
            try {
                file = FileChannel.open(candidate, StandardOpenOption.WRITE, StandardOpenOption.CREATE_NEW);
            } catch (java.nio.file.FileAlreadyExistsException taken) {
                continue;
            } catch (IOException | RuntimeException e) {
                if (charge != null) {
                    charge.abandoned(null);
                }
                throw e;
            }
            // The unique file itself is the "temporary": removed if the upload fails, kept (renamed onto itself) if not.
            String parent = r.virtual().substring(0, r.virtual().lastIndexOf('/'));
            upload(s, parent + "/" + FileInfo.nameOf(candidate), candidate, "STOU", file, candidate,
                    "FILE: " + FileInfo.nameOf(candidate), false, charge);
            return;
        }
        if (charge != null) {
            charge.abandoned(null);
        }
        s.reply(553, "Could not find a unique name.");
    }

    /** RFC 959 4.1.3: APPE adds to the end, creating the file if needed. */
    static void appe(Session s, String arg) throws IOException {
        FileSystemView.Resolved r = s.fs().resolveForCreate(arg);
        if (!s.fs().capabilities(r).append()) { // the store of the mount the path is in
            s.reply(502, "APPE is not supported: this store (" + s.fs().capabilities(r).kind()
                    + ") cannot add to an existing file.");
            return;
        }
        if (Files.isDirectory(r.real())) {
            s.reply(550, "Is a directory.");
            return;
        }
        if (refusedWithoutDataSetup(s)) {
            return;
        }
        long existing = existingSize(r.real());
        QuotaCharge charge = QuotaCharge.open(s.fs().quotaFor(r.virtual()), existing, Math.max(existing, 0), true);
        FileChannel file = FileChannel.open(r.real(), StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        upload(s, r, "APPE", file, null, charge);
    }

    /**
     * 425 when no PASV/PORT came first. Uploads ask before opening their file
     * (which creates it): startTransfer would refuse too, but only after the
     * file was made, and a refused command must leave no empty file behind.
     */
    private static boolean refusedWithoutDataSetup(Session s) {
        if (s.data().isConfigured()) {
            return false;
        }
        s.reply(425, "Use PORT, EPRT, PASV or EPSV first.");
        return true;
    }

    private static long sizeOrZero(Path p) throws IOException {
        try {
            return Files.size(p);
        } catch (java.nio.file.NoSuchFileException e) {
            return 0;
        }
    }

    private static void upload(Session s, FileSystemView.Resolved r, String verb, FileChannel file, Path temporary,
                               QuotaCharge charge) {
        upload(s, r.virtual(), r.real(), verb, file, temporary, null, false, charge);
    }

    /**
     * Starts an upload into {@code file}, bound for {@code target} (through
     * {@code temporary} when not null), in the session's TYPE and MODE.
     * {@code announce} is the 150 text, or null for the usual one.
     */
    private static void upload(Session s, String virtual, Path target, String verb, FileChannel file,
                               Path temporary, String announce, boolean createdInPlace, QuotaCharge charge) {
        AsciiCodec.Decoder ascii = s.dataType() == Session.DataType.ASCII
                ? new AsciiCodec.Decoder(System.lineSeparator()) : null;
        Transfer t = new Upload(verb + " " + virtual, file, inflater(s), ascii, temporary, target)
                .inflateLimit(s.context().guards().maxInflateRatio(), s.context().guards().inflateAllowance())
                .quota(charge)
                .logEntry(new Transfer.LogEntry(virtual, target, true, ascii != null));
        if (local(target)) {
            ((Upload) t).commitOn(s.context().workers());
        } else {
            ((Upload) t).viaStorage(s.context().storage()).inPlace(createdInPlace);
        }
        s.startTransfer(t, announce != null ? announce
                : "Ok to send data (" + (ascii != null ? "ASCII" : "BINARY") + " mode).");
    }

    private static java.util.zip.Inflater inflater(Session s) {
        return s.deflate() ? new java.util.zip.Inflater() : null;
    }

    /**
     * A hidden name in the same directory, so that the final rename is atomic.
     * The first upload into a directory in this run also has its stale
     * temporaries (a crash's) swept, on a worker: those not modified for twice
     * the data timeout, and at least an hour (a finished upload's commit may
     * wait in the worker queue a while after its last write).
     */
    private static Path temporaryBeside(Session s, Path target) {
        Duration stale = s.context().data().dataTimeout().multipliedBy(2);
        s.context().guards().temporaries().sweepOnce(target.getParent(),
                stale.compareTo(MIN_STALE) < 0 ? MIN_STALE : stale, s.context().workers());
        return TemporaryFiles.beside(target);
    }

    /** Temporary files younger than this are never swept, whatever the data timeout. */
    private static final Duration MIN_STALE = Duration.ofHours(1);

    // ------------------------------------------------------------------- listings

    static void list(Session s, String arg) throws IOException {
        listing(s, arg, ListFormat.LIST);
    }

    static void nlst(Session s, String arg) throws IOException {
        listing(s, arg, ListFormat.NLST);
    }

    /** RFC 3659 section 7: MLSD lists a directory; a file argument is 501. */
    static void mlsd(Session s, String arg) throws IOException {
        FileSystemView.Resolved r = s.fs().resolveExisting(arg);
        if (!Files.isDirectory(r.real())) {
            s.reply(501, "Not a directory.");
            return;
        }
        startListing(s, r, ListFormat.MLSD, entry -> true);
    }

    /**
     * LIST and NLST: {@code ls}-style options ("-la") are accepted and
     * ignored; {@code *} and {@code ?} in the last component filter a directory.
     */
    private static void listing(Session s, String arg, ListFormat format) throws IOException {
        String path = stripOptions(s, arg);
        int slash = path.lastIndexOf('/');
        String last = path.substring(slash + 1);
        if (Glob.hasWildcards(last)) {
            if (last.length() > Glob.MAX_PATTERN) {
                s.reply(501, "Pattern too long.");
                return;
            }
            String parent = slash < 0 ? "" : slash == 0 ? "/" : path.substring(0, slash);
            FileSystemView.Resolved dir = s.fs().resolveExisting(parent);
            if (!Files.isDirectory(dir.real())) {
                throw new java.nio.file.NoSuchFileException(dir.virtual());
            }
            startListing(s, dir, format, entry -> Glob.matches(last, FileInfo.nameOf(entry)));
            return;
        }
        FileSystemView.Resolved r = s.fs().resolveExisting(path);
        if (Files.isDirectory(r.real())) {
            startListing(s, r, format, entry -> true);
            return;
        }
        FileInfo info = FileInfo.read(r.real(),
                org.nioftpd.protocol.Printable.name(format == ListFormat.NLST ? path : r.name()), r.root());
        if (info == null) {
            s.reply(550, "No such file or directory.");
            return;
        }
        s.startTransfer(Download.of(format + " " + r.virtual(),
                viaStorage(s, true, compressed(s, new ListingSource(List.of(info), format, // read already
                        s.fs().writableAt(r.virtual()), s.mlstFacts())))), "Here comes the listing.");
    }

    private static void startListing(Session s, FileSystemView.Resolved dir, ListFormat format,
                                     DirectoryStream.Filter<Path> filter) throws IOException {
        if (refusedWithoutDataSetup(s)) {
            return;
        }
        DirectoryStream<Path> stream = s.fs().openDirectory(dir, filter); // hidden names out, sorted by name
        s.startTransfer(Download.of(format + " " + dir.virtual(),
                // the directory's entries, and any mount listed in it, may be on another store
                viaStorage(s, s.fs().allLocal(), compressed(s, new ListingSource(stream, dir.root(), format,
                        s.fs().writableAt(dir.virtual()), s.mlstFacts())))), "Here comes the listing.");
    }

    /**
     * Drops leading {@code ls} options ("-la") from a LIST, NLST or STAT argument.
     * A word that names an existing entry is a path, not options: curl's
     * {@code --ftp-method nocwd} sends {@code LIST -dash} for a directory called
     * "-dash", and taking that for options listed the current directory instead.
     */
    static String stripOptions(Session s, String arg) {
        String a = arg;
        while (a.startsWith("-") && !exists(s, a)) {
            int space = a.indexOf(' ');
            a = space < 0 ? "" : a.substring(space + 1).stripLeading();
        }
        return a;
    }

    private static boolean exists(Session s, String path) {
        try {
            s.fs().resolveExisting(path);
            return true;
        } catch (IOException | java.nio.file.InvalidPathException e) {
            return false;
        }
    }

    /** RFC 959 4.1.3: during a transfer 426 then 226; otherwise 225. */
    static void abor(Session s, String arg) {
        if (s.abortTransfer() || s.takeAbortedAhead()) {
            s.reply(226, "Abort successful.");
        } else {
            s.reply(225, "No transfer to abort.");
        }
    }
}
