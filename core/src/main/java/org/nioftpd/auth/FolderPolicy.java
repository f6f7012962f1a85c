package org.nioftpd.auth;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A user's tree beyond its home: virtual folders (mounts), rights per path
 * and quotas. Immutable; built from configuration lines with {@link #with},
 * the same syntax in the config file and in the users file's options column:
 * <pre>
 * mount  = /shared /srv/shared          a virtual directory onto a directory of its own
 * rights = /incoming upload-only        rights replace what /incoming inherits
 * rights = /pub -delete,-rename         or change it: + adds, - removes
 * rights = /private none hidden         hidden: left out of its parent's listing
 * rights = /pub hide=*.tmp deny=*.exe   name patterns below /pub: left out of listings, or refused too
 * quota  = /incoming 100M files=1000 max-file=10M
 * quota  = 1G                           no path: the user's whole tree (/)
 * </pre>
 * A rule on a path holds below it until a deeper rule says otherwise. A quota
 * belongs to {@code /} or to a mount: it counts what is stored there and in
 * the mounts below that have no quota of their own.
 */
public final class FolderPolicy {

    /** Nothing beyond the home. */
    public static final FolderPolicy NONE = new FolderPolicy(Map.of(), Map.of(), Map.of());

    /**
     * What one {@code rights} line says about a path.
     *
     * @param set      the rights, if the line replaces the inherited ones; else null
     * @param add      rights added to the inherited ones
     * @param remove   rights taken from the inherited ones
     * @param hidden   the path is left out of its parent's listings
     * @param hide     name patterns ({@code *}, {@code ?}) left out of listings below the path (vsftpd's hide_file)
     * @param deny     name patterns hidden and refused below the path (vsftpd's deny_file)
     */
    public record Rule(Set<Right> set, Set<Right> add, Set<Right> remove, boolean hidden, List<String> hide,
                       List<String> deny) {
        public Rule {
            set = set == null ? null : Set.copyOf(set);
            add = Set.copyOf(add);
            remove = Set.copyOf(remove);
            hide = List.copyOf(hide);
            deny = List.copyOf(deny);
        }

        /** A rule without name patterns. */
        public Rule(Set<Right> set, Set<Right> add, Set<Right> remove, boolean hidden) {
            this(set, add, remove, hidden, List.of(), List.of());
        }

        /** The rights under this rule's path, given those inherited from above it. */
        public Set<Right> apply(Set<Right> inherited) {
            EnumSet<Right> r = EnumSet.noneOf(Right.class);
            r.addAll(set != null ? set : inherited);
            r.addAll(add);
            r.removeAll(remove);
            return r;
        }
    }

    private final Map<String, Path> mounts;
    private final Map<String, Rule> rules;
    private final Map<String, Quota> quotas;

    private FolderPolicy(Map<String, Path> mounts, Map<String, Rule> rules, Map<String, Quota> quotas) {
        this.mounts = Collections.unmodifiableMap(new LinkedHashMap<>(mounts));
        this.rules = Collections.unmodifiableMap(new LinkedHashMap<>(rules));
        this.quotas = Collections.unmodifiableMap(new LinkedHashMap<>(quotas));
    }

    /** Virtual path of each mount (never "/") to its directory. */
    public Map<String, Path> mounts() {
        return mounts;
    }

    /** Virtual path to the rule set there. */
    public Map<String, Rule> rules() {
        return rules;
    }

    /** Quota root ("/" or a mount) to its limits. */
    public Map<String, Quota> quotas() {
        return quotas;
    }

    public boolean isEmpty() {
        return mounts.isEmpty() && rules.isEmpty() && quotas.isEmpty();
    }

    /** With a mount of {@code dir} (absolute) at {@code virtual}. */
    public FolderPolicy mount(String virtual, Path dir) {
        String v = normal(virtual);
        if (v.equals("/")) {
            throw new IllegalArgumentException("/ is the user's home; mount a directory below it, e.g. /shared");
        }
        if (!dir.isAbsolute()) {
            throw new IllegalArgumentException("mount " + v + ": the directory must be an absolute path: " + dir);
        }
        Map<String, Path> m = new LinkedHashMap<>(mounts);
        m.put(v, dir);
        return new FolderPolicy(m, rules, quotas);
    }

    /** With {@code rule} at {@code virtual}. */
    public FolderPolicy rights(String virtual, Rule rule) {
        Map<String, Rule> r = new LinkedHashMap<>(rules);
        r.put(normal(virtual), Objects.requireNonNull(rule));
        return new FolderPolicy(mounts, r, quotas);
    }

    /** With {@code quota} on {@code virtual}, "/" or a mount (checked by {@link #check}). */
    public FolderPolicy quota(String virtual, Quota quota) {
        Map<String, Quota> q = new LinkedHashMap<>(quotas);
        q.put(normal(virtual), Objects.requireNonNull(quota));
        return new FolderPolicy(mounts, rules, q);
    }

    /**
     * This policy with {@code over}'s entries added, and taking the place of
     * this one's for the same path: a user's own lines over the server's.
     */
    public FolderPolicy merge(FolderPolicy over) {
        if (over.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return over;
        }
        Map<String, Path> m = new LinkedHashMap<>(mounts);
        m.putAll(over.mounts);
        Map<String, Rule> r = new LinkedHashMap<>(rules);
        r.putAll(over.rules);
        Map<String, Quota> q = new LinkedHashMap<>(quotas);
        q.putAll(over.quotas);
        return new FolderPolicy(m, r, q).check();
    }

    /**
     * Parses one configuration line's value, {@code key} being {@code mount},
     * {@code rights} or {@code quota}, into this policy plus that line.
     *
     * @throws IllegalArgumentException with what is wrong, for a {@code file:line} message
     */
    public FolderPolicy with(String key, String value) {
        String v = value == null ? "" : value.strip();
        return switch (key) {
            case "mount" -> {
                String[] w = v.split("\\s+", 2);
                if (w.length < 2 || !w[0].startsWith("/")) {
                    throw new IllegalArgumentException("expected 'mount = /VIRTUAL /DIRECTORY', e.g. mount = /shared /srv/shared");
                }
                String dir = w[1].strip();
                // a URI mounts another store (s3x://..., jimfs://...): see StorePaths
                yield mount(w[0], StorePaths.isUri(dir) ? StorePaths.of(dir) : Path.of(dir)).check();
            }
            case "rights" -> {
                String[] w = v.split("[\\s,]+");
                if (w.length < 2 || !w[0].startsWith("/")) {
                    throw new IllegalArgumentException("expected 'rights = /PATH RIGHT[,RIGHT...]', e.g."
                            + " rights = /incoming upload-only");
                }
                yield rights(w[0], rule(w, 1)).check();
            }
            case "quota" -> {
                String[] w = v.split("\\s+");
                boolean path = w.length > 0 && w[0].startsWith("/");
                // checked against the mounts by check() once every line is read: a mount may come later
                yield quota(path ? w[0] : "/", Quota.parse(w, path ? 1 : 0));
            }
            default -> throw new IllegalArgumentException("unknown folder setting '" + key + "'");
        };
    }

    private static Rule rule(String[] words, int from) {
        EnumSet<Right> set = null;
        EnumSet<Right> add = EnumSet.noneOf(Right.class);
        EnumSet<Right> remove = EnumSet.noneOf(Right.class);
        boolean hidden = false;
        List<String> hide = new ArrayList<>();
        List<String> deny = new ArrayList<>();
        for (int i = from; i < words.length; i++) {
            String w = words[i];
            if (w.isEmpty()) {
                continue;
            }
            if (w.startsWith("hide=") || w.startsWith("deny=")) {
                String pattern = w.substring(5);
                if (pattern.isEmpty() || pattern.indexOf('/') >= 0 || pattern.indexOf('\0') >= 0
                        || pattern.length() > 255) {
                    throw new IllegalArgumentException("a name pattern is one file name with * and ?, no '/': '"
                            + pattern + "'");
                }
                (w.startsWith("hide=") ? hide : deny).add(pattern);
            } else if (w.equalsIgnoreCase("hidden")) {
                hidden = true;
            } else if (w.startsWith("+")) {
                add.addAll(Right.named(w.substring(1)));
            } else if (w.startsWith("-")) {
                remove.addAll(Right.named(w.substring(1)));
            } else {
                if (set == null) {
                    set = EnumSet.noneOf(Right.class);
                }
                set.addAll(Right.named(w));
            }
        }
        if (set == null && add.isEmpty() && remove.isEmpty() && !hidden && hide.isEmpty() && deny.isEmpty()) {
            throw new IllegalArgumentException("rights: name at least one right");
        }
        return new Rule(set, add, remove, hidden, hide, deny);
    }

    /** Checks what holds between lines: quotas on "/" or a mount only. Returns this. */
    public FolderPolicy check() {
        for (String q : quotas.keySet()) {
            if (!q.equals("/") && !mounts.containsKey(q)) {
                throw new IllegalArgumentException("quota " + q + ": a quota belongs to / or to a mount;"
                        + " add 'mount = " + q + " /DIRECTORY' first, or put the quota on /");
            }
        }
        return this;
    }

    /**
     * {@code path} as an absolute, normal virtual path ("/a/b"); ".." and "."
     * refused, as configuration should say what it means.
     */
    public static String normal(String path) {
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("a virtual path starts with '/': '" + path + "'");
        }
        Deque<String> parts = new ArrayDeque<>();
        for (String p : path.split("/")) {
            if (p.isEmpty()) {
                continue;
            }
            if (p.equals(".") || p.equals("..")) {
                throw new IllegalArgumentException("'.' and '..' are not allowed in a virtual path: '" + path + "'");
            }
            parts.add(p);
        }
        return parts.isEmpty() ? "/" : "/" + String.join("/", parts);
    }

    @Override
    public String toString() {
        return "mounts=" + mounts + " rules=" + rules + " quotas=" + quotas;
    }
}
