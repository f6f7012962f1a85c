package org.nioftpd.fs;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import org.nioftpd.protocol.Printable;

/**
 * One user's view of the disk: a root directory that the client sees as
 * {@code /}, and a current directory inside it.
 *
 * <p>Confinement happens in two steps. First the client's path is resolved as
 * text, component by component, against the virtual current directory: a
 * {@code ..} at {@code /} stays at {@code /}, so no spelling of a path climbs
 * above the root. Then the real path is checked after the file system has
 * followed symbolic links: a link that points outside the root is treated as
 * if it did not exist. Paths are compared by component ({@link Path#startsWith}),
 * never as strings: {@code /srv/ftp2} is not inside {@code /srv/ftp}.
 *
 * <p>Names: every path resolved here, and every directory listed through
 * {@link #openDirectory}, passes the user's {@link NamePolicy} (dot files
 * denied by default), on the path as written and on the real path under the
 * root: the one check, so that no command can bypass it.
 *
 * <p>One thread at a time (one view per session): the loop's on the local
 * disk, whose calls block as page-cached disk I/O does, which is accepted on
 * the loop; a storage thread's, the session suspended, for any other store
 * (see {@link StoreCapabilities#local}).
 */
public final class FileSystemView {

    /** Longest path, in characters, a client may send. */
    public static final int MAX_PATH_CHARS = 4096;
    /** Most components a path may have (its depth below the root), unless set otherwise: see {@link #maxDepth}. */
    public static final int DEFAULT_MAX_DEPTH = 128;

    private final Path root;
    /** What the root's file system can do (asked once: see {@link StoreCapabilities}). */
    private final StoreCapabilities capabilities;
    private final boolean writable;
    private final String dropBox;
    private final NamePolicy names;
    private String cwd = "/";
    private int maxDepth = DEFAULT_MAX_DEPTH;
    /** Path components handed to the file system to resolve (their sum over calls): the work depth costs. */
    private long componentsResolved;

    /** A view for a user who may change anything under {@code root}; dot files denied. */
    public FileSystemView(Path root) throws IOException {
        this(root, true, null);
    }

    /** As below, with {@link NamePolicy#DEFAULT}: dot files denied. */
    public FileSystemView(Path root, boolean writable, String dropBox) throws IOException {
        this(root, writable, dropBox, NamePolicy.DEFAULT);
    }

    /**
     * {@code root} must exist; it is resolved to its real path once, here.
     *
     * @param writable whether the user may change files
     * @param dropBox  for a read-only user, a directory (virtual path) where it
     *                 may create new files but not read, list or overwrite
     *                 anything; null for none
     * @param names    what the user may not see or use (already narrowed by {@link NamePolicy#forUser})
     */
    public FileSystemView(Path root, boolean writable, String dropBox, NamePolicy names) throws IOException {
        this.root = root.toRealPath();
        this.capabilities = StoreCapabilities.of(this.root.getFileSystem());
        this.writable = writable;
        this.dropBox = dropBox == null ? null : virtualPathFrom("/", dropBox);
        this.names = names;
    }

    public NamePolicy names() {
        return names;
    }

    /** What the store under this view can do; {@code local()} false means its calls must not run on a loop. */
    public StoreCapabilities capabilities() {
        return capabilities;
    }

    /**
     * Refuses a virtual path with a denied component, before the disk is
     * asked anything: the reply is the same whether the name exists or not.
     */
    private void checkNames(String virtual) throws AccessDeniedException {
        if (names.isEmpty()) {
            return;
        }
        int i = 1;
        int n = virtual.length();
        while (i < n) {
            int j = virtual.indexOf('/', i);
            if (j < 0) {
                j = n;
            }
            if (names.denied(virtual.substring(i, j))) {
                throw new AccessDeniedException(virtual, null, "name not allowed");
            }
            i = j + 1;
        }
    }

    /** The same for where a path really is: a link to a denied name is refused too. */
    private void checkNames(String virtual, Path real) throws AccessDeniedException {
        if (names.isEmpty() || !within(real, root)) {
            return;
        }
        for (Path part : below(root, real)) {
            if (names.denied(FileInfo.nameOf(part))) {
                throw new AccessDeniedException(virtual, null, "name not allowed");
            }
        }
    }

    /**
     * Opens a directory for a listing: names the user may not see are left
     * out, the rest pass {@code filter}, and they come sorted by name within
     * windows of {@link SortedDirectoryStream#WINDOW} entries (see there).
     */
    public DirectoryStream<Path> openDirectory(Resolved dir, DirectoryStream.Filter<? super Path> filter)
            throws IOException {
        DirectoryStream<Path> stream = Files.newDirectoryStream(dir.real(), entry -> {
            String name = FileInfo.nameOf(entry);
            return (name == null || !names.hidden(name)) && filter.accept(entry);
        });
        return new SortedDirectoryStream(stream);
    }

    /**
     * Paths deeper than {@code n} components below the root are refused (550)
     * before any file system call. Resolving a path's links ({@code realpath})
     * costs the square of its depth (each component's prefix is walked again:
     * 0.2 ms at depth 64, 3.5 ms at 256, 26 ms at 1,000 measured), all on the
     * loop: without a cap, a client that makes a deep tree stalls its loop's
     * other sessions for seconds with a few pipelined commands.
     */
    public FileSystemView maxDepth(int n) {
        if (n < 1) {
            throw new IllegalArgumentException("max path depth must be positive");
        }
        this.maxDepth = n;
        return this;
    }

    /** Path components resolved through the file system so far (for tests that count work). */
    long componentsResolved() {
        return componentsResolved;
    }

    /** The real path of {@code p}, links followed; counts the components the file system walks. */
    private Path realPath(Path p) throws IOException {
        componentsResolved += p.getNameCount();
        return p.toRealPath();
    }

    /**
     * {@code arg} as an absolute virtual path, checked against what holds
     * before any file system call: its depth, and that no component is one of
     * the server's temporary files (those are missing to clients: listed
     * nowhere, never read, renamed, deleted or written through).
     */
    private String confined(String arg) throws IOException {
        String virtual = virtualPath(arg);
        int depth = 0;
        int start = 1;
        for (int i = 1; i <= virtual.length(); i++) {
            if (i == virtual.length() || virtual.charAt(i) == '/') {
                if (i > start && TemporaryFiles.isTemporary(virtual.substring(start, i))) {
                    throw new NoSuchFileException(virtual);
                }
                start = i + 1;
                if (++depth > maxDepth) {
                    throw new FileSystemException(null, null, "path too deep (more than " + maxDepth + " levels)");
                }
            }
        }
        return virtual;
    }

    /**
     * {@code p} is {@code root} or inside it, compared by component. A root with no name elements
     * (a bucket's "/" on an object store) contains every absolute path of its file system; asked
     * directly, some providers fail on it (S3's {@code startsWith} takes a zero-length subpath).
     */
    static boolean within(Path p, Path root) {
        if (root.getNameCount() == 0) {
            return p.isAbsolute() && p.getFileSystem() == root.getFileSystem();
        }
        return p.startsWith(root);
    }

    /** The components of {@code real} below {@code root} (which contains it: see {@link #within}). */
    private static Iterable<Path> below(Path root, Path real) {
        return root.getNameCount() == 0 ? real : root.relativize(real);
    }

    /**
     * On an object store a directory is a key prefix, and its providers name it with a trailing '/'
     * ("docs/"): the path a client spells ("docs") names no object. For a path that is no object, the
     * directory form is used if that exists. Elsewhere (and for any object that exists): {@code p}.
     */
    private Path directoryForm(Path p) {
        if (!capabilities.objectStore() || p.toString().endsWith("/") || Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
            return p;
        }
        Path dir = p.getFileSystem().getPath(p.toString() + "/");
        return Files.exists(dir) ? dir : p; // a prefix with objects under it (or its marker "dir/")
    }

    /** {@code lexical} in the same form as {@code real} (see {@link #directoryForm(Path)}). */
    private static Path directoryForm(Path lexical, Path real) {
        return real.toString().endsWith("/") && !lexical.toString().endsWith("/")
                ? lexical.getFileSystem().getPath(lexical.toString() + "/") : lexical;
    }

    /** True when a read-only user has a drop box and {@code virtual} is in it. */
    private boolean inDropBox(String virtual) {
        return !writable && dropBox != null
                && (virtual.equals(dropBox) || virtual.startsWith(dropBox.equals("/") ? "/" : dropBox + "/"));
    }

    public Path root() {
        return root;
    }

    /** The current directory, as the client sees it (always absolute, no trailing slash but for {@code /}). */
    public String cwd() {
        return cwd;
    }

    /** Resolves {@code arg} against the current directory as text: an absolute, normal virtual path. */
    public String virtualPath(String arg) throws InvalidPathException {
        return virtualPathFrom(cwd, arg);
    }

    private static String virtualPathFrom(String cwd, String arg) throws InvalidPathException {
        if (arg == null || arg.isEmpty()) {
            return cwd;
        }
        if (arg.length() > MAX_PATH_CHARS) {
            throw new InvalidPathException(arg.substring(0, 32) + "...", "path too long");
        }
        if (arg.indexOf('\0') >= 0) {
            throw new InvalidPathException(arg.replace('\0', '?'), "NUL in path");
        }
        Deque<String> parts = new ArrayDeque<>();
        if (!arg.startsWith("/")) {
            split(cwd, parts);
        }
        split(arg, parts);
        if (parts.isEmpty()) {
            return "/";
        }
        StringBuilder sb = new StringBuilder();
        for (String p : parts) {
            sb.append('/').append(p);
        }
        return sb.toString();
    }

    private static void split(String path, Deque<String> parts) {
        int i = 0;
        int n = path.length();
        while (i < n) {
            int j = path.indexOf('/', i);
            if (j < 0) {
                j = n;
            }
            String part = path.substring(i, j);
            if (part.isEmpty() || part.equals(".")) {
                // "//" and "." change nothing
            } else if (part.equals("..")) {
                parts.pollLast(); // at the root, ".." stays at the root
            } else {
                parts.addLast(part);
            }
            i = j + 1;
        }
    }

    /**
     * The real path behind a virtual path, without checking links: use
     * {@link #resolveExisting} or {@link #resolveForCreate} to touch files.
     */
    Path lexical(String virtual) {
        // In one resolve, not one per component: each resolve copies the whole path so far.
        char separator = root.getFileSystem().getSeparator().charAt(0);
        if (separator != '/' && virtual.indexOf(separator) >= 0) {
            // On a system whose separator is not '/', a client's "a\..\.." must not become a path.
            throw new InvalidPathException(virtual, "separator in a file name");
        }
        return virtual.length() <= 1 ? root : root.resolve(virtual.substring(1));
    }

    /**
     * The real path of an existing file or directory named by {@code arg}.
     * A path that leaves the root through a link, or does not exist, is a
     * {@link NoSuchFileException} carrying the virtual path, never the real one.
     */
    public Resolved resolveExisting(String arg) throws IOException {
        Resolved r = resolveExistingUnchecked(arg);
        if (inDropBox(r.virtual())) {
            throw new AccessDeniedException(r.virtual(), null, "upload only");
        }
        return r;
    }

    private Resolved resolveExistingUnchecked(String arg) throws IOException {
        String virtual = confined(arg);
        checkNames(virtual);
        Path lexical = lexical(virtual);
        Path real;
        try {
            real = realPath(lexical);
        } catch (IOException e) {
            throw new NoSuchFileException(virtual);
        }
        if (!within(real, root)) {
            throw new NoSuchFileException(virtual);
        }
        checkNames(virtual, real);
        real = directoryForm(real);
        return new Resolved(virtual, directoryForm(lexical, real), real);
    }

    /**
     * A directory entry itself, its last component not followed: what DELE,
     * RMD and RNFR act on, so that deleting a link deletes the link and not
     * what it points to. The parent must exist inside the root.
     */
    public Resolved resolveEntry(String arg) throws IOException {
        String virtual = confined(arg);
        if (virtual.equals("/")) {
            throw new NoSuchFileException(virtual);
        }
        checkNames(virtual);
        Path lexical = lexical(virtual);
        Path parent;
        try {
            parent = realPath(lexical.getParent());
        } catch (IOException e) {
            throw new NoSuchFileException(virtual);
        }
        if (!within(parent, root)) {
            throw new NoSuchFileException(virtual);
        }
        checkNames(virtual, parent);
        Path real = directoryForm(parent.resolve(lexical.getFileName()));
        return new Resolved(virtual, directoryForm(lexical, real), real);
    }

    /**
     * A path to create or overwrite: its parent must exist inside the root;
     * the name itself, if it exists, must resolve inside the root too (a link
     * there is followed by the write, so it is checked like any other path).
     */
    public Resolved resolveForCreate(String arg) throws IOException {
        Resolved entry = resolveEntry(arg);
        if (Printable.hasControl(entry.name())) {
            // a CR or LF in a name breaks every listing line and log line that shows it: 553
            throw new InvalidPathException(Printable.name(entry.name()), "control character in a new name");
        }
        boolean exists = Files.exists(entry.real(), LinkOption.NOFOLLOW_LINKS);
        if (!writable && (!inDropBox(entry.virtual()) || exists)) {
            // a read-only user creates new files in its drop box, and nothing else
            throw new AccessDeniedException(entry.virtual());
        }
        if (!exists) {
            return entry;
        }
        Path target;
        try {
            target = realPath(entry.real());
        } catch (IOException e) {
            // a dangling link: writing through it would create its target, wherever that is
            throw new NoSuchFileException(entry.virtual());
        }
        if (!within(target, root)) {
            throw new NoSuchFileException(entry.virtual());
        }
        checkNames(entry.virtual(), target);
        return new Resolved(entry.virtual(), entry.lexical(), target);
    }

    /** CWD: changes the current directory to an existing directory inside the root. */
    public String changeDirectory(String arg) throws IOException {
        Resolved r = resolveExistingUnchecked(arg); // entering a drop box is allowed; listing it is not
        if (!Files.isDirectory(r.real())) {
            throw new NoSuchFileException(r.virtual());
        }
        cwd = r.virtual();
        return cwd;
    }

    /** The virtual path of a real path inside the root (for replies such as STOU's). */
    public String toVirtual(Path real) {
        Iterable<Path> rel = below(root, real);
        StringBuilder sb = new StringBuilder();
        for (Path part : rel) {
            sb.append('/').append(FileInfo.nameOf(part));
        }
        return sb.length() == 0 ? "/" : sb.toString();
    }

    /**
     * A resolved path: what the client called it (virtual, for replies), the
     * path as spelt under the root (lexical, for operations on a link itself,
     * such as DELE of a link) and where it really is.
     */
    public record Resolved(String virtual, Path lexical, Path real) {

        /** The last component of the virtual path ("" for the root). */
        public String name() {
            int slash = virtual.lastIndexOf('/');
            return virtual.substring(slash + 1);
        }
    }
}
