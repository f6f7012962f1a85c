package org.nioftpd.auth;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.cert.CertificateEncodingException;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.security.auth.x500.X500Principal;
import org.nioftpd.protocol.Cidr;

/**
 * Users from a file, one a line, passwords as salted PBKDF2 hashes:
 * <pre>
 * # name:password-hash:home:rw|ro[:option...]
 * alice:$pbkdf2-sha256$600000$c2FsdA$...:/srv/ftp/alice:rw:max-sessions=4:download-rate=2M
 * drop:$pbkdf2-sha256$600000$...:/srv/ftp/drop:ro:upload-only=/incoming
 * old:$pbkdf2-sha256$600000$...:/srv/ftp/old:ro:disabled
 * bob:$pbkdf2-sha256$600000$...:/srv/ftp/bob:ro:mount=/shared /srv/shared:rights=/shared rw:quota=/shared 1G
 * </pre>
 * Options: {@code upload-only=DIR} (a virtual path where a read-only user
 * may only store new files), {@code max-sessions=N},
 * {@code download-rate=RATE}, {@code upload-rate=RATE} (bytes per second,
 * with an optional K, M or G suffix, powers of 1024), {@code disabled};
 * {@code mount=}, {@code rights=} and {@code quota=}, repeatable, with the
 * values of the config file's lines of those names ({@link FolderPolicy}),
 * which they override for the same path.
 * Blank lines and lines starting with {@code #} are ignored.
 *
 * <p>Networks: {@code allow=CIDR,CIDR...} (the user may log in only from
 * these) and {@code deny=CIDR,...} (never from these; deny wins), e.g.
 * {@code allow=10.0.0.0/8,::1/128}. A refusal is "530 Login incorrect." on
 * the wire and the reason in the log; it does not count toward bans, since
 * the password was right (a wrong one is refused, and counted, first).
 *
 * <p>Client certificates (FTPS with {@code --tls-client-auth}):
 * {@code cert-sha256=HEX} pins the SHA-256 fingerprint of the user's
 * certificate (64 hex digits, with or without colons: {@code AB:CD:...}),
 * {@code cert-subject=DN} names its subject ({@code cert-subject=CN=alice,O=Example},
 * compared as X.500 names, so spacing and case of attribute names do not
 * matter; the DN must not contain a colon). A user with either option must
 * present a matching certificate, which was already verified against the
 * client CA: then USER alone logs in with 232 (RFC 4217), unless the user
 * also has {@code cert-password}, which asks for the password too (331 at
 * USER, then PASS). Without a matching certificate the user cannot log in,
 * not even with the right password. A password field of {@code *} means no
 * password at all (certificate-only users).
 *
 * <p>{@link #reload} re-reads the file and swaps the whole set at once: a
 * session already logged in keeps its account; a file with an error is
 * rejected whole and the old set stays.
 */
public final class UsersFile implements Authenticator {

    private record Entry(String hash, UserAccount account, boolean enabled, List<Cidr> allow, List<Cidr> deny,
                         byte[] certSha256, X500Principal certSubject, boolean certPassword) {

        boolean certBound() {
            return certSha256 != null || certSubject != null;
        }
    }

    /** The password field of a user who has none (certificate-only). */
    public static final String NO_PASSWORD = "*";

    private final Path file;
    private volatile Map<String, Entry> users;
    /** Hashed against when the user is unknown, so that both failures cost the same time. */
    private final String decoy = PasswordHash.create("decoy".toCharArray());

    /** Reads {@code file}; throws IllegalArgumentException naming the line of the first error. */
    public UsersFile(Path file) throws IOException {
        this.file = file;
        this.users = parse(file);
    }

    /** Re-reads the file; on an error the old users stay and the exception says why. */
    public void reload() throws IOException {
        this.users = parse(file);
    }

    public int size() {
        return users.size();
    }

    /** Whether {@code user} is a name of this file. */
    public boolean contains(String user) {
        return users.containsKey(user);
    }

    @Override
    public UserAccount authenticate(String user, String password) {
        LoginResult r = login(LoginRequest.of(user, password));
        return r.accepted() ? r.account() : null;
    }

    /**
     * Checks the password (against a decoy hash when the user is unknown, so
     * that both cost the same), then the certificate binding, then the
     * user's networks. At USER (null password) it accepts only a
     * certificate-bound user without {@code cert-password} whose certificate
     * matches, and otherwise asks for the password without saying why.
     */
    @Override
    public LoginResult login(LoginRequest r) {
        Entry e = users.get(r.user());
        if (r.password() == null) {
            if (e != null && e.enabled && e.certBound() && !e.certPassword && certMatches(e, r.certificate())
                    && networkRefusal(e, r) == null) {
                return LoginResult.accept(e.account);
            }
            return LoginResult.passwordRequired();
        }
        boolean hasHash = e != null && e.hash != null;
        boolean ok = PasswordHash.verify(r.password().toCharArray(), hasHash ? e.hash : decoy) && hasHash;
        if (!ok) {
            return LoginResult.rejectCounted(e == null ? "unknown user"
                    : e.hash == null ? "user has no password (certificate only)" : "wrong password");
        }
        if (!e.enabled) {
            return LoginResult.rejectCounted("account disabled");
        }
        if (e.certBound() && !certMatches(e, r.certificate())) {
            return LoginResult.rejectCounted(r.certificate() == null ? "user requires a client certificate"
                    : "client certificate " + r.certificate().getSubjectX500Principal() + " does not match the user's");
        }
        String refusal = networkRefusal(e, r);
        return refusal != null ? LoginResult.reject(refusal) : LoginResult.accept(e.account);
    }

    private static boolean certMatches(Entry e, X509Certificate cert) {
        if (cert == null) {
            return false;
        }
        if (e.certSubject != null && !e.certSubject.equals(cert.getSubjectX500Principal())) {
            return false;
        }
        return e.certSha256 == null || MessageDigest.isEqual(e.certSha256, sha256(cert));
    }

    /** The SHA-256 fingerprint of a certificate's DER encoding, as {@code openssl x509 -fingerprint -sha256} shows it. */
    public static byte[] sha256(X509Certificate cert) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
        } catch (NoSuchAlgorithmException | CertificateEncodingException e) {
            throw new IllegalStateException("cannot fingerprint a certificate: " + e.getMessage(), e);
        }
    }

    private static String networkRefusal(Entry e, LoginRequest r) {
        if (r.client() == null || (e.allow.isEmpty() && e.deny.isEmpty())) {
            return null;
        }
        InetAddress a = r.client().getAddress();
        if (a == null) {
            return "client address unresolved";
        }
        if (Cidr.anyContains(e.deny, a)) {
            return "address " + a.getHostAddress() + " is in the user's deny list";
        }
        if (!e.allow.isEmpty() && !Cidr.anyContains(e.allow, a)) {
            return "address " + a.getHostAddress() + " is not in the user's allow list";
        }
        return null;
    }

    static Map<String, Entry> parse(Path file) throws IOException {
        Map<String, Entry> map = new HashMap<>();
        List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            try {
                Entry e = parseLine(line);
                if (map.putIfAbsent(e.account.name(), e) != null) {
                    throw new IllegalArgumentException("user '" + e.account.name() + "' defined twice");
                }
            } catch (IllegalArgumentException ex) {
                throw new IllegalArgumentException(file + ":" + (i + 1) + ": " + ex.getMessage());
            }
        }
        return Map.copyOf(map);
    }

    private static Entry parseLine(String line) {
        String[] f = line.split(":", -1);
        if (f.length < 4) {
            throw new IllegalArgumentException("expected name:password-hash:home:rw|ro[:option...]");
        }
        String name = f[0];
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty user name");
        }
        if (!f[1].equals(NO_PASSWORD) && !PasswordHash.isValid(f[1])) {
            throw new IllegalArgumentException("password of '" + name + "' is not a $pbkdf2-sha256$ hash"
                    + " (make one with: java -jar nioftpd.jar hash-password)");
        }
        int mode = 3;
        while (mode < f.length - 1 && !f[mode].equals("rw") && !f[mode].equals("ro")) {
            mode++; // a URI home (s3://bucket/dir, jar:file:/a.zip!/) holds ':': it runs up to the mode
        }
        if (mode > 3) {
            String[] joined = new String[f.length - (mode - 3)];
            joined[0] = f[0];
            joined[1] = f[1];
            joined[2] = String.join(":", java.util.Arrays.copyOfRange(f, 2, mode));
            System.arraycopy(f, mode, joined, 3, f.length - mode);
            f = joined;
        }
        if (!StorePaths.isUri(f[2]) && !Path.of(f[2]).isAbsolute()) {
            throw new IllegalArgumentException("home of '" + name + "' must be an absolute path: " + f[2]);
        }
        Path home;
        try {
            home = StorePaths.of(f[2]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("home of '" + name + "': " + e.getMessage(), e);
        }
        boolean writable = switch (f[3]) {
            case "rw" -> true;
            case "ro" -> false;
            default -> throw new IllegalArgumentException("rights must be rw or ro: '" + f[3] + "'");
        };
        String uploadOnly = null;
        int maxSessions = 0;
        long down = 0;
        long up = 0;
        boolean enabled = true;
        FolderPolicy folders = FolderPolicy.NONE;
        List<Cidr> allow = List.of();
        List<Cidr> deny = List.of();
        byte[] certSha256 = null;
        X500Principal certSubject = null;
        boolean certPassword = false;
        for (String opt : options(f)) {
            int eq = opt.indexOf('=');
            String key = eq < 0 ? opt : opt.substring(0, eq);
            String value = eq < 0 ? null : opt.substring(eq + 1);
            switch (key) {
                case "allow" -> allow = cidrs(key, value);
                case "deny" -> deny = cidrs(key, value);
                case "cert-sha256" -> certSha256 = fingerprint(required(key, value));
                case "cert-subject" -> certSubject = subject(required(key, value));
                case "cert-password" -> certPassword = true;
                case "upload-only" -> uploadOnly = required(key, value);
                case "max-sessions" -> maxSessions = (int) positive(key, value, 1);
                case "download-rate" -> down = rate(key, value);
                case "upload-rate" -> up = rate(key, value);
                case "disabled" -> enabled = false;
                case "enabled" -> enabled = true;
                case "mount", "rights", "quota" -> folders = folders.with(key, required(key, value));
                default -> throw new IllegalArgumentException("unknown option '" + key + "'");
            }
        }
        UserAccount account = new UserAccount(name, home, writable, false,
                new UserAccount.Limits(down, up, maxSessions), uploadOnly, folders);
        if (f[1].equals(NO_PASSWORD) && (certSha256 == null && certSubject == null || certPassword)) {
            throw new IllegalArgumentException("'" + name + "' has no password (*): it needs cert-sha256 or"
                    + " cert-subject, and not cert-password");
        }
        if (certPassword && certSha256 == null && certSubject == null) {
            throw new IllegalArgumentException("cert-password needs cert-sha256 or cert-subject");
        }
        return new Entry(f[1].equals(NO_PASSWORD) ? null : f[1], account, enabled, allow, deny, certSha256,
                certSubject, certPassword);
    }

    private static final java.util.Set<String> KEYS = java.util.Set.of("upload-only", "max-sessions",
            "download-rate", "upload-rate", "disabled", "enabled", "allow", "deny", "cert-sha256", "cert-subject",
            "cert-password", "mount", "rights", "quota");
    /** Options whose values may hold colons: IPv6 addresses, AB:CD fingerprints, a mount's URI. */
    private static final java.util.Set<String> COLON_VALUES = java.util.Set.of("allow", "deny", "cert-sha256",
            "mount");

    /**
     * The options column, split at the colons that start an option: after
     * {@code allow=}, {@code deny=} and {@code cert-sha256=} a colon goes on
     * with the value ({@code allow=10.0.0.0/8,::1/128}) unless what follows
     * is a known option name.
     */
    private static List<String> options(String[] f) {
        List<String> out = new java.util.ArrayList<>();
        for (int i = 4; i < f.length; i++) {
            String part = f[i];
            int eq = part.indexOf('=');
            String key = eq < 0 ? part : part.substring(0, eq);
            if (!out.isEmpty() && !KEYS.contains(key)) {
                String prev = out.get(out.size() - 1);
                int peq = prev.indexOf('=');
                if (peq > 0 && COLON_VALUES.contains(prev.substring(0, peq))) {
                    out.set(out.size() - 1, prev + ":" + part);
                    continue;
                }
            }
            out.add(part);
        }
        return out;
    }

    private static List<Cidr> cidrs(String key, String value) {
        try {
            return Cidr.parseList(required(key, value));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(key + ": " + e.getMessage());
        }
    }

    private static byte[] fingerprint(String value) {
        String hex = value.replace(":", "");
        if (hex.length() != 64) {
            throw new IllegalArgumentException("cert-sha256: expected 64 hex digits (32 bytes), got '" + value + "'");
        }
        try {
            return HexFormat.of().parseHex(hex);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cert-sha256: not hex: '" + value + "'");
        }
    }

    private static X500Principal subject(String value) {
        try {
            return new X500Principal(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("cert-subject: not an X.500 name: '" + value + "'");
        }
    }

    private static String required(String key, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException(key + " needs a value");
        }
        return value;
    }

    private static long positive(String key, String value, long multiplier) {
        try {
            long n = Long.parseLong(required(key, value));
            if (n < 1) {
                throw new NumberFormatException();
            }
            return Math.multiplyExact(n, multiplier);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(key + ": not a positive number: '" + value + "'");
        }
    }

    /** Bytes per second: 1048576, 512K, 2M, 1G (powers of 1024). */
    public static long rate(String key, String value) {
        String v = required(key, value).toUpperCase(Locale.ROOT);
        long multiplier = 1;
        char last = v.charAt(v.length() - 1);
        if (last == 'K' || last == 'M' || last == 'G') {
            multiplier = last == 'K' ? 1024 : last == 'M' ? 1024 * 1024 : 1024L * 1024 * 1024;
            v = v.substring(0, v.length() - 1);
        }
        return positive(key, v, multiplier);
    }
}
