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
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.nioftpd.auth.FolderPolicy;
import org.nioftpd.auth.Quota;
import org.nioftpd.auth.Right;
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
 * <p>Mounts: the tree is {@code /} (the home) plus any number of virtual
 * folders ({@link FolderPolicy#mounts}), each onto a directory of its own and
 * listed in its parent as a directory, whether or not the parent has one of
 * that name. A path resolves in the mount with the longest matching virtual
 * path, and is confined to that mount's directory (links leaving it are as
 * missing). A mount point itself cannot be deleted, removed or renamed. A
 * mount may be on another store than the home (see {@link #capabilities(Resolved)}).
 *
 * <p>Rights: the one decision point. The protocol interpreter sets the
 * command's {@link Op} ({@link #op}) before its handler runs; every path the
 * handler resolves is checked here against the rights the user has there
 * (the deepest rule above the path, {@link FolderPolicy#rules}), so no handler
 * can forget the check. A refusal is an {@link AccessDeniedException}: 550.
 *
 * <p>One thread at a time (one view per session): the loop's when every store
 * of the view is the local disk, whose calls block as page-cached disk I/O
 * does, which is accepted on the loop; a storage thread's, the session
 * suspended, when the home or any mount is on another store (see
 * {@link #allLocal} and {@link StoreCapabilities#local}).
 */
public final class FileSystemView {

    /** Longest path, in characters, a client may send. */
    public static final int MAX_PATH_CHARS = 4096;
    /** Most components a path may have (its depth below the root), unless set otherwise: see {@link #maxDepth}. */
    public static final int DEFAULT_MAX_DEPTH = 128;

    private static final System.Logger LOG = System.getLogger(FileSystemView.class.getName());

    /** A virtual folder: its path as the client sees it, and the real directory behind it. */
    private record Mount(String virtual, Path root) {
    }

    private final Path root;
    /** What the home's file system can do (asked once: see {@link StoreCapabilities}). */
    private final StoreCapabilities capabilities;
    /** Whether the home and every mount are on the local disk: then no call needs the storage pool. */
    private final boolean allLocal;
    /** Whether the home and every mount are on read-only stores: nothing at all can be written. */
    private final boolean readOnlyStore;
    private final NamePolicy names;
    /** Longest virtual path first, "/" last: the first match is the mount a path is in. */
    private final List<Mount> mounts;
    /** Rule path to the rights there, inheritance already applied. Always has "/". */
    private final Map<String, Set<Right>> rights;
    /** Rule paths left out of their parent's listing. */
    private final Set<String> hidden;
    /** Quota root (virtual) to its usage. */
    private final Map<String, QuotaUsage> quotas;
    private final boolean mayWrite;
    /** Rule path to the name patterns (hide=, deny=) that hold below it; empty for most users. */
    private final Map<String, NamePolicy> folderNames;
    private Op op = Op.NONE;
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
        this(root, writable, dropBox, names, FolderPolicy.NONE, "", UnaryOperator.identity());
    }

    /**
     * A view with virtual folders, rights per path and quotas.
     *
     * @param writable the rights on {@code /} unless {@code folders} has a rule there: all, or list and read
     * @param dropBox  a shorthand for the rule {@code rights = dropBox upload-only}; null for none
     * @param user     whose usage the quotas count (the key in the shared registry)
     * @param intern   the registry: given a new usage, returns the one all sessions of the user share
     */
    public FileSystemView(Path root, boolean writable, String dropBox, NamePolicy names, FolderPolicy folders,
                          String user, UnaryOperator<QuotaUsage> intern) throws IOException {
        this.root = root.toRealPath();
        this.capabilities = StoreCapabilities.of(this.root.getFileSystem());
        this.names = names;
        List<Mount> ms = new ArrayList<>();
        for (Map.Entry<String, Path> m : folders.mounts().entrySet()) {
            try {
                ms.add(new Mount(m.getKey(), m.getValue().toRealPath()));
            } catch (IOException e) {
                // a missing disk must not lock the user out of the rest of its tree
                LOG.log(System.Logger.Level.WARNING, "mount " + m.getKey() + " of " + user
                        + " left out: " + m.getValue() + ": " + e);
            }
        }
        ms.sort(Comparator.comparingInt((Mount m) -> m.virtual().length()).reversed());
        ms.add(new Mount("/", this.root));
        this.mounts = List.copyOf(ms);
        boolean local = true;
        boolean readOnly = true;
        for (Mount m : mounts) {
            StoreCapabilities c = StoreCapabilities.of(m.root().getFileSystem());
            local &= c.local();
            readOnly &= c.readOnly();
        }
        this.allLocal = local;
        this.readOnlyStore = readOnly;

        Map<String, FolderPolicy.Rule> rules = new HashMap<>();
        rules.put("/", new FolderPolicy.Rule(writable ? Right.ALL : Right.READ_ONLY, Set.of(), Set.of(), false));
        if (dropBox != null && !writable) {
            rules.put(virtualPathFrom("/", dropBox), new FolderPolicy.Rule(Right.UPLOAD_ONLY, Set.of(), Set.of(),
                    false));
        }
        rules.putAll(folders.rules());
        List<String> paths = new ArrayList<>(rules.keySet());
        paths.sort(Comparator.comparingInt(FileSystemView::depth)); // parents before children
        Map<String, Set<Right>> effective = new LinkedHashMap<>();
        Set<String> hiddenPaths = new HashSet<>();
        boolean anyWrite = false;
        for (String p : paths) {
            FolderPolicy.Rule rule = rules.get(p);
            Set<Right> inherited = p.equals("/") ? (writable ? Right.ALL : Right.READ_ONLY) : rightsIn(effective, p);
            Set<Right> r = Set.copyOf(rule.apply(inherited));
            effective.put(p, r);
            if (rule.hidden()) {
                hiddenPaths.add(p);
            }
            for (Right x : r) {
                anyWrite |= x.writes();
            }
        }
        this.rights = effective;
        Map<String, NamePolicy> patterns = new HashMap<>();
        for (Map.Entry<String, FolderPolicy.Rule> r : rules.entrySet()) {
            if (!r.getValue().hide().isEmpty() || !r.getValue().deny().isEmpty()) {
                patterns.put(r.getKey(), NamePolicy.of(NamePolicy.DotFiles.ALL, r.getValue().hide(),
                        r.getValue().deny()));
            }
        }
        this.folderNames = Map.copyOf(patterns);
        this.hidden = Set.copyOf(hiddenPaths);
        this.mayWrite = anyWrite;

        Map<String, QuotaUsage> qs = new LinkedHashMap<>();
        for (Map.Entry<String, Quota> q : folders.quotas().entrySet()) {
            Mount m = mountAt(q.getKey());
            if (m == null) {
                continue; // not "/" or a mount: the configuration check says so
            }
            List<Path> dirs = new ArrayList<>();
            Set<Path> skip = new HashSet<>();
            for (Mount other : mounts) {
                if (other == m) {
                    dirs.add(other.root());
                } else if (under(other.virtual(), m.virtual())) {
                    if (folders.quotas().containsKey(other.virtual())) {
                        skip.add(other.root());
                    } else {
                        dirs.add(other.root());
                    }
                } else {
                    skip.add(other.root()); // another tree's directory, physically nested here: not ours
                }
            }
            QuotaUsage usage = intern.apply(new QuotaUsage(user, m.virtual(), q.getValue(), dirs, skip));
            usage.limits(q.getValue());
            qs.put(m.virtual(), usage);
        }
        this.quotas = Map.copyOf(qs);
    }

    private static int depth(String virtual) {
        int n = 0;
        for (int i = 0; i < virtual.length(); i++) {
            if (virtual.charAt(i) == '/') {
                n++;
            }
        }
        return virtual.equals("/") ? 0 : n;
    }

    /** True if {@code path} is {@code ancestor} or below it. */
    private static boolean under(String path, String ancestor) {
        return ancestor.equals("/") || path.equals(ancestor)
                || path.length() > ancestor.length() && path.startsWith(ancestor) && path.charAt(ancestor.length()) == '/';
    }

    /** The rights of the deepest rule at or above {@code virtual}. */
    private static Set<Right> rightsIn(Map<String, Set<Right>> rules, String virtual) {
        String p = virtual;
        while (true) {
            Set<Right> r = rules.get(p);
            if (r != null) {
                return r;
            }
            if (p.equals("/")) {
                return Right.READ_ONLY; // unreachable: "/" always has a rule
            }
            int slash = p.lastIndexOf('/');
            p = slash == 0 ? "/" : p.substring(0, slash);
        }
    }

    /** What the user may do at {@code virtual} (an absolute, normal virtual path). */
    public Set<Right> rightsAt(String virtual) {
        return rightsIn(rights, virtual);
    }

    /** Whether any change is allowed at {@code virtual}: what the perm facts and LIST's mode bits say. */
    public boolean writableAt(String virtual) {
        for (Right r : rightsAt(virtual)) {
            if (r.writes()) {
                return true;
            }
        }
        return false;
    }

    /** False if no path of the tree allows any change: write commands are refused before their handler. */
    public boolean mayWrite() {
        return mayWrite;
    }

    /** The command in hand: what the paths it resolves are checked for (see the class comment). */
    public FileSystemView op(Op op) {
        this.op = op;
        return this;
    }

    public Op op() {
        return op;
    }

    /**
     * Refuses {@code virtual} unless the op in hand is allowed there;
     * {@code exists} tells STORE and APPEND (which need CREATE for a new name)
     * and RENAME's target (which needs OVERWRITE too) what they meet.
     */
    private void checkRights(String virtual, boolean exists) throws AccessDeniedException {
        Set<Right> r = rightsAt(virtual);
        boolean ok = switch (op) {
            case NONE -> false;
            case NAVIGATE -> true;
            case LIST -> r.contains(Right.LIST);
            case READ -> r.contains(Right.READ);
            case STORE -> r.contains(exists ? Right.OVERWRITE : Right.CREATE);
            case STORE_UNIQUE -> r.contains(Right.CREATE);
            case APPEND -> r.contains(exists ? Right.APPEND : Right.CREATE);
            case DELETE -> r.contains(Right.DELETE);
            case RENAME -> r.contains(Right.RENAME) && (!exists || r.contains(Right.OVERWRITE));
            case MKDIR -> r.contains(Right.MKDIR);
            case RMDIR -> r.contains(Right.RMDIR);
            case CHMOD -> r.contains(Right.CHMOD);
            case TIMES -> r.contains(Right.TIMES);
        };
        if (!ok) {
            throw new AccessDeniedException(virtual, null, "Permission denied");
        }
    }

    /** The mount whose virtual path is exactly {@code virtual}, or null. */
    private Mount mountAt(String virtual) {
        for (Mount m : mounts) {
            if (m.virtual().equals(virtual)) {
                return m;
            }
        }
        return null;
    }

    /** The mount {@code virtual} is in: the longest whose path is {@code virtual} or above it. */
    private Mount mountOf(String virtual) {
        for (Mount m : mounts) {
            if (under(virtual, m.virtual())) {
                return m;
            }
        }
        throw new IllegalStateException("no mount for " + virtual); // "/" matches everything
    }

    /** True if {@code virtual} is a mount point (not "/"): it cannot be deleted, removed or renamed. */
    public boolean isMountPoint(String virtual) {
        return !virtual.equals("/") && mountAt(virtual) != null;
    }

    /** The usage counted for {@code virtual}: its nearest quota root's, or null when none applies. */
    public QuotaUsage quotaFor(String virtual) {
        if (quotas.isEmpty()) {
            return null;
        }
        for (Mount m : mounts) { // deepest first
            if (under(virtual, m.virtual())) {
                QuotaUsage q = quotas.get(m.virtual());
                if (q != null) {
                    return q;
                }
            }
        }
        return null;
    }

    /** Every quota of the user's tree, by root (SITE QUOTA). */
    public Collection<QuotaUsage> quotas() {
        return quotas.values();
    }

    public NamePolicy names() {
        return names;
    }

    /** What the home's store can do (FEAT after login); a mount's is {@link #capabilities(Resolved)}. */
    public StoreCapabilities capabilities() {
        return capabilities;
    }

    /** What the store of the mount {@code r} is in can do: the refusals (APPE, MFMT, read-only) follow it. */
    public StoreCapabilities capabilities(Resolved r) {
        return StoreCapabilities.of(r.root().getFileSystem());
    }

    /**
     * Whether the home and every mount are on the local disk. False means some path of this view is on
     * another store, and commands that touch the store run on the storage pool (decided per view, not
     * per path: the path a command touches is known only once its handler resolves it).
     */
    public boolean allLocal() {
        return allLocal;
    }

    /** Whether every store of this view (the home's and each mount's) is read-only (a zip archive...). */
    public boolean readOnlyStore() {
        return readOnlyStore;
    }

    /**
     * Refuses a virtual path with a denied component, before the disk is
     * asked anything: the reply is the same whether the name exists or not.
     */
    private void checkNames(String virtual) throws AccessDeniedException {
        if (!folderNames.isEmpty()) {
            checkFolderNames(virtual);
        }
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

    /** The name patterns of the rules at or above {@code dir}: what holds for the names in it. */
    private List<NamePolicy> folderNamesIn(String dir) {
        if (folderNames.isEmpty()) {
            return List.of();
        }
        List<NamePolicy> in = new ArrayList<>();
        for (Map.Entry<String, NamePolicy> e : folderNames.entrySet()) {
            if (under(dir, e.getKey())) {
                in.add(e.getValue());
            }
        }
        return in;
    }

    /** Refuses a component that a deny= pattern of a folder above it names. */
    private void checkFolderNames(String virtual) throws AccessDeniedException {
        int i = 1;
        int n = virtual.length();
        while (i < n) {
            int j = virtual.indexOf('/', i);
            if (j < 0) {
                j = n;
            }
            String parent = i == 1 ? "/" : virtual.substring(0, i - 1);
            String name = virtual.substring(i, j);
            for (NamePolicy p : folderNamesIn(parent)) {
                if (p.denied(name)) {
                    throw new AccessDeniedException(virtual, null, "name not allowed");
                }
            }
            i = j + 1;
        }
    }

    /**
     * The same for where a path really is: a link to a denied name is refused too. {@code lexical}
     * is the path as spelled, before links were followed: when following them changed nothing
     * ({@code real} equals it), its names are the virtual path's, which
     * {@link #checkNames(String)} has checked already.
     */
    private void checkNames(String virtual, Path mountRoot, Path lexical, Path real) throws AccessDeniedException {
        if (names.isEmpty() || real.equals(lexical) || !within(real, mountRoot)) {
            return;
        }
        // by index, not through relativize(): the names below the mount's root, one by one
        for (int i = mountRoot.getNameCount(); i < real.getNameCount(); i++) {
            if (names.denied(FileInfo.nameOf(real.getName(i)))) {
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
        String prefix = dir.virtual().equals("/") ? "/" : dir.virtual() + "/";
        Map<Path, String> mounted = new LinkedHashMap<>();
        Set<String> shadowed = new HashSet<>();
        for (Mount m : mounts) {
            String v = m.virtual();
            if (!v.equals("/") && v.startsWith(prefix) && v.indexOf('/', prefix.length()) < 0) {
                String name = v.substring(prefix.length());
                shadowed.add(name); // a real entry of the same name is hidden by the mount
                if (!hidden.contains(v) && !names.hidden(name) && filter.accept(dir.real().resolve(name))) {
                    mounted.put(m.root(), name);
                }
            }
        }
        boolean checkHidden = !hidden.isEmpty();
        List<NamePolicy> here = folderNamesIn(dir.virtual());
        // the names are checked where the sort decodes them (once an entry), not in a filter of the JDK's
        SortedDirectoryStream sorted = new SortedDirectoryStream(Files.newDirectoryStream(dir.real()), (n, entry) -> {
            if (n == null) {
                return filter.accept(entry);
            }
            for (NamePolicy p : here) {
                if (p.hidden(n)) {
                    return false;
                }
            }
            return !names.hidden(n) && !shadowed.contains(n)
                    && (!checkHidden || !hidden.contains(prefix + n)) && filter.accept(entry);
        });
        return mounted.isEmpty() ? sorted : new Listing(sorted, mounted);
    }

    /**
     * A directory's entries with the mounts in it first: the real directory
     * of each mount stands for it, under the mount's name ({@link #nameOf}).
     */
    public static final class Listing implements DirectoryStream<Path> {
        private final DirectoryStream<Path> entries;
        private final Map<Path, String> mounted;

        Listing(DirectoryStream<Path> entries, Map<Path, String> mounted) {
            this.entries = entries;
            this.mounted = mounted;
        }

        /** The name to list {@code entry} under: a mount's virtual name, else its own. */
        public String nameOf(Path entry) {
            String n = mounted.get(entry);
            return n != null ? n : String.valueOf(FileInfo.nameOf(entry));
        }

        @Override
        public Iterator<Path> iterator() {
            Iterator<Path> first = mounted.keySet().iterator();
            Iterator<Path> rest = entries.iterator();
            return new Iterator<>() {
                @Override
                public boolean hasNext() {
                    return first.hasNext() || rest.hasNext();
                }

                @Override
                public Path next() {
                    if (first.hasNext()) {
                        return first.next();
                    }
                    if (!rest.hasNext()) {
                        throw new NoSuchElementException();
                    }
                    return rest.next();
                }
            };
        }

        @Override
        public void close() throws IOException {
            entries.close();
        }
    }

    /** The name a listing shows for {@code entry} of {@code stream} (from {@link #openDirectory}). */
    public static String nameOf(DirectoryStream<Path> stream, Path entry) {
        return stream instanceof Listing l ? l.nameOf(entry) : String.valueOf(FileInfo.nameOf(entry));
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
     * A path of another file system (a mount on another store) is never inside.
     */
    static boolean within(Path p, Path root) {
        if (p.getFileSystem() != root.getFileSystem()) {
            return false;
        }
        if (root.getNameCount() == 0) {
            return p.isAbsolute();
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
    private static Path directoryForm(Path p) {
        if (!StoreCapabilities.of(p.getFileSystem()).objectStore() || p.toString().endsWith("/")
                || Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
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

    /** The real directory served as {@code /} (the home); mounts have their own ({@link Resolved#root}). */
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
     * No rights are checked: it names a file, it does not open it.
     */
    public Path lexical(String virtual) {
        return lexical(mountOf(virtual), virtual);
    }

    private static Path lexical(Mount m, String virtual) {
        // In one resolve, not one per component: each resolve copies the whole path so far.
        Path base = m.root();
        char separator = base.getFileSystem().getSeparator().charAt(0);
        if (separator != '/' && virtual.indexOf(separator) >= 0) {
            // On a system whose separator is not '/', a client's "a\..\.." must not become a path.
            throw new InvalidPathException(virtual, "separator in a file name");
        }
        int skip = m.virtual().equals("/") ? 1 : m.virtual().length() + 1;
        return virtual.length() <= skip ? base : base.resolve(virtual.substring(skip));
    }

    /**
     * The real path of an existing file or directory named by {@code arg},
     * checked against the rights for the op in hand. A path that leaves its
     * mount through a link, or does not exist, is a {@link NoSuchFileException}
     * carrying the virtual path, never the real one.
     */
    public Resolved resolveExisting(String arg) throws IOException {
        Resolved r = resolveExistingUnchecked(arg);
        checkRights(r.virtual(), true);
        return r;
    }

    private Resolved resolveExistingUnchecked(String arg) throws IOException {
        String virtual = confined(arg);
        checkNames(virtual);
        Mount m = mountOf(virtual);
        Path lexical = lexical(m, virtual);
        Path real;
        try {
            real = realPath(lexical);
        } catch (IOException e) {
            throw new NoSuchFileException(virtual);
        }
        if (!within(real, m.root())) {
            throw new NoSuchFileException(virtual);
        }
        checkNames(virtual, m.root(), lexical, real);
        real = directoryForm(real);
        return new Resolved(virtual, directoryForm(lexical, real), real, m.root());
    }

    /**
     * A directory entry itself, its last component not followed: what DELE,
     * RMD and RNFR act on, so that deleting a link deletes the link and not
     * what it points to. The parent must exist inside the mount; the root
     * and the mount points are refused.
     */
    public Resolved resolveEntry(String arg) throws IOException {
        Resolved r = resolveEntryUnchecked(arg);
        checkRights(r.virtual(), false); // the entry acted on itself: RNFR's source needs no OVERWRITE
        return r;
    }

    private Resolved resolveEntryUnchecked(String arg) throws IOException {
        String virtual = confined(arg);
        if (virtual.equals("/")) {
            throw new NoSuchFileException(virtual);
        }
        if (isMountPoint(virtual)) {
            throw new AccessDeniedException(virtual, null, virtual + " is a mount point");
        }
        checkNames(virtual);
        Mount m = mountOf(virtual);
        Path lexical = lexical(m, virtual);
        Path parent;
        try {
            parent = realPath(lexical.getParent());
        } catch (IOException e) {
            throw new NoSuchFileException(virtual);
        }
        if (!within(parent, m.root())) {
            throw new NoSuchFileException(virtual);
        }
        checkNames(virtual, m.root(), lexical.getParent(), parent);
        Path real = directoryForm(parent.resolve(lexical.getFileName()));
        return new Resolved(virtual, directoryForm(lexical, real), real, m.root());
    }

    /**
     * A path to create or overwrite: its parent must exist inside its mount;
     * the name itself, if it exists, must resolve inside the mount too (a link
     * there is followed by the write, so it is checked like any other path).
     * The rights checked depend on whether it exists (CREATE or OVERWRITE...).
     */
    public Resolved resolveForCreate(String arg) throws IOException {
        Resolved entry = resolveEntryUnchecked(arg);
        if (Printable.hasControl(entry.name())) {
            // a CR or LF in a name breaks every listing line and log line that shows it: 553
            throw new InvalidPathException(Printable.name(entry.name()), "control character in a new name");
        }
        boolean exists = Files.exists(entry.real(), LinkOption.NOFOLLOW_LINKS);
        checkRights(entry.virtual(), exists);
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
        if (!within(target, entry.root())) {
            throw new NoSuchFileException(entry.virtual());
        }
        checkNames(entry.virtual(), entry.root(), entry.real(), target);
        return new Resolved(entry.virtual(), entry.lexical(), target, entry.root());
    }

    /** CWD: changes the current directory to an existing directory of the tree (a drop box too: it is not listed). */
    public String changeDirectory(String arg) throws IOException {
        Resolved r = resolveExistingUnchecked(arg);
        if (!Files.isDirectory(r.real())) {
            throw new NoSuchFileException(r.virtual());
        }
        cwd = r.virtual();
        return cwd;
    }

    /** The virtual path of a real path inside the root (for replies such as STOU's). */
    public String toVirtual(Path real) {
        Mount in = mounts.get(mounts.size() - 1);
        for (Mount m : mounts) {
            if (within(real, m.root()) && (!within(real, in.root())
                    || m.root().getNameCount() > in.root().getNameCount())) {
                in = m;
            }
        }
        Iterable<Path> rel = below(in.root(), real);
        StringBuilder sb = new StringBuilder(in.virtual().equals("/") ? "" : in.virtual());
        for (Path part : rel) {
            sb.append('/').append(FileInfo.nameOf(part));
        }
        return sb.length() == 0 ? "/" : sb.toString();
    }

    /**
     * A resolved path: what the client called it (virtual, for replies), the
     * path as spelt under the root (lexical, for operations on a link itself,
     * such as DELE of a link), where it really is, and the real directory of
     * the mount it is in (what links must stay inside).
     */
    public record Resolved(String virtual, Path lexical, Path real, Path root) {

        /** The last component of the virtual path ("" for the root). */
        public String name() {
            int slash = virtual.lastIndexOf('/');
            return virtual.substring(slash + 1);
        }
    }
}
