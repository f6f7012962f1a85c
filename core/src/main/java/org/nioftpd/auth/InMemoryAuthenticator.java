package org.nioftpd.auth;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Users given on the command line or by an embedding program: plain-text
 * passwords held in memory, compared in constant time. Anonymous login (user
 * {@code anonymous} or {@code ftp}, any password) is read-only when enabled.
 */
public final class InMemoryAuthenticator implements Authenticator {

    /** No user, no anonymous: add them with {@link #addUser} and {@link #anonymous}. */
    public InMemoryAuthenticator() {
    }

    private record Entry(byte[] password, UserAccount account) {
    }

    private final Map<String, Entry> users = new ConcurrentHashMap<>();
    private volatile Path anonymousRoot;
    private volatile String anonymousUploadOnly;

    public InMemoryAuthenticator addUser(String name, String password, Path home, boolean writable) {
        users.put(name, new Entry(password.getBytes(StandardCharsets.UTF_8), new UserAccount(name, home, writable)));
        return this;
    }

    /** Allows anonymous, read-only, with {@code root} served as {@code /}; null turns it off. */
    public InMemoryAuthenticator anonymous(Path root) {
        return anonymous(root, null);
    }

    /** Anonymous as above, with an upload-only directory (e.g. "/incoming"), or null. */
    public InMemoryAuthenticator anonymous(Path root, String uploadOnly) {
        this.anonymousRoot = root;
        this.anonymousUploadOnly = uploadOnly;
        return this;
    }

    public static boolean isAnonymousName(String user) {
        String u = user.toLowerCase(Locale.ROOT);
        return u.equals("anonymous") || u.equals("ftp");
    }

    @Override
    public UserAccount authenticate(String user, String password) {
        Path anon = anonymousRoot;
        if (anon != null && isAnonymousName(user) && !isUserName(user)) {
            return new UserAccount("anonymous", anon, false, true, UserAccount.Limits.NONE, anonymousUploadOnly);
        }
        Entry e = users.get(user);
        byte[] given = password.getBytes(StandardCharsets.UTF_8);
        // Compare even when the user is unknown, so that both failures take the same time.
        byte[] expected = e != null ? e.password : new byte[given.length + 1];
        boolean ok = MessageDigest.isEqual(expected, given);
        return ok && e != null ? e.account : null;
    }

    /** A configured user whose name is {@code name} in any case: then "FTP" is that user, not anonymous. */
    private boolean isUserName(String name) {
        for (String u : users.keySet()) {
            if (u.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean isCheap() {
        return true;
    }
}
