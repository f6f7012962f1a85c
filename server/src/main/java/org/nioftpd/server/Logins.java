package org.nioftpd.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.nioftpd.auth.Authenticator;
import org.nioftpd.auth.FolderPolicy;
import org.nioftpd.auth.InMemoryAuthenticator;
import org.nioftpd.auth.LoginRequest;
import org.nioftpd.auth.LoginResult;
import org.nioftpd.auth.PasswordHash;
import org.nioftpd.auth.UserAccount;
import org.nioftpd.auth.UsersFile;

/**
 * Everyone who may log in to the daemon: the {@code --user} logins (plain
 * passwords given on the command line or in the config file), the accounts
 * of a {@code --users} file (PBKDF2 hashes), and anonymous. Who answers for
 * a name, in order:
 * <ol>
 * <li>a {@code --user} of that name (it shadows a users-file entry of the same name);</li>
 * <li>a users-file account of that name;</li>
 * <li>anonymous, for {@code anonymous} or {@code ftp} in any case, when anonymous is on;</li>
 * <li>the LDAP directory ({@code --ldap-url}), when there is one, for every other name;</li>
 * <li>otherwise the users file, which hashes against a decoy: an unknown name
 *     costs what a known one does, and gets the same 530.</li>
 * </ol>
 * A users-file account's networks and certificate binding are its own
 * ({@link UsersFile#login}); a client certificate logs in only a users-file
 * account bound to it.
 * With a users file this authenticator is not cheap, so the server checks
 * logins on its worker pool; without one it is a map lookup, checked on the loop.
 *
 * <p>Thread-safety: {@link #authenticate} runs on any worker or loop thread;
 * {@link #reload} on a signal thread. The users file swaps its whole set at
 * once, and the names it holds are swapped with it.
 */
final class Logins implements Authenticator {

    private record Plain(byte[] password, UserAccount account) {
    }

    private static final System.Logger LOG = System.getLogger(Logins.class.getName());

    private final Map<String, Plain> plain = new LinkedHashMap<>();
    private final Path anonymousRoot;
    private final String anonymousUploadDir;
    private final UsersFile usersFile;
    private final Path usersPath;
    /** Names in the users file; only to know whether "ftp" is a user or anonymous. */
    private volatile Set<String> fileNames = Set.of();
    /** The config file's mount, rights and quota lines, under each user's own; swapped whole on reload. */
    private volatile FolderPolicy folders = FolderPolicy.NONE;
    /** The config file they are re-read from on reload, or null (none, or given on the command line). */
    private String foldersConfig;
    /** Hashed against when a --user password is wrong, so that it costs what a users-file check does. */
    private final String decoy;
    /** The directory ({@code --ldap-url}), asked for names no other source has; or null. */
    private volatile Authenticator ldap;

    /**
     * @param users         the {@code --user} logins, all served {@code root}
     * @param anonymousRoot the directory anonymous sees as {@code /}, or null for no anonymous
     * @param usersPath     the users file, or null
     * @throws IllegalArgumentException naming the file and line of a bad entry
     */
    Logins(List<Values.User> users, Path root, Path anonymousRoot, String anonymousUploadDir, Path usersPath)
            throws IOException {
        for (Values.User u : users) {
            plain.put(u.name(), new Plain(u.password().getBytes(StandardCharsets.UTF_8),
                    new UserAccount(u.name(), root, u.writable())));
        }
        this.anonymousRoot = anonymousRoot;
        this.anonymousUploadDir = anonymousUploadDir;
        this.usersPath = usersPath;
        this.usersFile = usersPath == null ? null : new UsersFile(usersPath);
        this.decoy = usersPath == null ? null : PasswordHash.create("decoy".toCharArray());
        if (usersFile != null) {
            fileNames = readNames(usersPath);
            warnShadowed();
        }
    }

    /** Users from both sources (a name in both counts once). */
    int size() {
        if (usersFile == null) {
            return plain.size();
        }
        Set<String> all = new HashSet<>(fileNames);
        all.addAll(plain.keySet());
        return all.size();
    }

    boolean hasUsersFile() {
        return usersFile != null;
    }

    Path usersPath() {
        return usersPath;
    }

    /** The server-wide folder lines; {@code reloadFrom}: the config file that {@link #reloadFolders} re-reads. */
    void folders(FolderPolicy f, String reloadFrom) {
        this.folders = f;
        this.foldersConfig = reloadFrom;
    }

    FolderPolicy folders() {
        return folders;
    }

    boolean reloadsFolders() {
        return foldersConfig != null;
    }

    /** SIGHUP: the config file's mount, rights and quota lines again, for new sessions; on an error the old stay. */
    FolderPolicy reloadFolders() throws Options.UsageError {
        FolderPolicy f = Options.foldersFrom(foldersConfig);
        this.folders = f;
        return f;
    }

    /**
     * The account with the server's folder lines under its own. A users-file
     * quota on a path that is no mount (for this user) cannot be honoured:
     * the login is refused rather than served without the quota.
     */
    private UserAccount withFolders(UserAccount account) {
        if (account == null) {
            return null;
        }
        try {
            UserAccount a = account.withServerFolders(folders);
            a.folders().check();
            return a;
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.ERROR, "login of " + account.name() + " refused: " + e.getMessage());
            return null;
        }
    }

    /**
     * Re-reads the users file (SIGHUP). Sessions already logged in keep
     * their accounts. A file with an error changes nothing: the exception
     * says which line, and the old users stay.
     */
    void reload() throws IOException {
        if (usersFile == null) {
            return;
        }
        usersFile.reload();
        fileNames = readNames(usersPath);
        warnShadowed();
    }

    /** Names that are neither --user, users-file nor anonymous go to {@code directory}. */
    Logins ldap(Authenticator directory) {
        this.ldap = directory;
        return this;
    }

    boolean hasLdap() {
        return ldap != null;
    }

    /** The directory, for the startup lines: URL and how users are found. */
    String ldapDescription() {
        return String.valueOf(ldap);
    }

    @Override
    public UserAccount authenticate(String user, String password) {
        LoginResult r = login(LoginRequest.of(user, password));
        return r.accepted() ? r.account() : null;
    }

    /** Routes the login (below), then puts the server's folder lines under the account it gives. */
    @Override
    public LoginResult login(LoginRequest request) {
        LoginResult r = route(request);
        if (!r.accepted()) {
            return r;
        }
        UserAccount a = withFolders(r.account());
        return a != null ? LoginResult.accept(a) : LoginResult.reject("its folder lines cannot be honoured");
    }

    private LoginResult route(LoginRequest request) {
        String user = request.user();
        if (usersFile != null && !plain.containsKey(user) && fileNames.contains(user)) {
            return usersFile.login(request);
        }
        Authenticator directory = ldap;
        if (directory != null && !plain.containsKey(user)
                && !(anonymousRoot != null && InMemoryAuthenticator.isAnonymousName(user) && !isNamedUser(user))) {
            return directory.login(request);
        }
        if (request.password() == null) {
            return LoginResult.passwordRequired();
        }
        UserAccount account = passwordLogin(user, request.password());
        return account != null ? LoginResult.accept(account) : LoginResult.rejectCounted("wrong user or password");
    }

    private UserAccount passwordLogin(String user, String password) {
        Plain p = plain.get(user);
        if (p != null) {
            boolean ok = MessageDigest.isEqual(p.password, password.getBytes(StandardCharsets.UTF_8));
            if (!ok && decoy != null) {
                // A wrong --user password must not answer faster than a wrong users-file one.
                PasswordHash.verify(password.toCharArray(), decoy);
            }
            return ok ? p.account : null;
        }
        if (usersFile != null && fileNames.contains(user)) {
            return usersFile.authenticate(user, password);
        }
        if (anonymousRoot != null && InMemoryAuthenticator.isAnonymousName(user) && !isNamedUser(user)) {
            return new UserAccount("anonymous", anonymousRoot, false, true, UserAccount.Limits.NONE,
                    anonymousUploadDir);
        }
        return usersFile != null ? usersFile.authenticate(user, password) : null;
    }

    /** "FTP" is a user, not anonymous, when some user is called that in any case. */
    private boolean isNamedUser(String name) {
        for (String u : plain.keySet()) {
            if (u.equalsIgnoreCase(name)) {
                return true;
            }
        }
        for (String u : fileNames) {
            if (u.equalsIgnoreCase(name)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean isCheap() {
        return usersFile == null && ldap == null;
    }

    private void warnShadowed() {
        for (String name : plain.keySet()) {
            if (fileNames.contains(name)) {
                LOG.log(System.Logger.Level.WARNING, "user {0} of {1} is shadowed by a --user of the same name",
                        name, usersPath);
            }
        }
    }

    /**
     * The user names in a users file that {@link UsersFile} has just parsed:
     * the first field of each entry. (UsersFile does not list its names; this
     * reads the file a second time rather than widen the core API.)
     */
    private static Set<String> readNames(Path file) throws IOException {
        Set<String> names = new HashSet<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String s = line.strip();
            int colon = s.indexOf(':');
            if (!s.isEmpty() && !s.startsWith("#") && colon > 0) {
                names.add(s.substring(0, colon));
            }
        }
        return Set.copyOf(names);
    }
}
