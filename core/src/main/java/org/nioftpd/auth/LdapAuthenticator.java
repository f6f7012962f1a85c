package org.nioftpd.auth;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.Collection;
import java.util.Hashtable;
import java.util.Locale;
import java.util.Objects;
import javax.naming.AuthenticationException;
import javax.naming.Context;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.Attributes;
import javax.naming.directory.SearchControls;
import javax.naming.directory.SearchResult;
import javax.naming.ldap.InitialLdapContext;
import javax.naming.ldap.LdapContext;
import javax.naming.ldap.StartTlsRequest;
import javax.naming.ldap.StartTlsResponse;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * Logins checked against an LDAP directory by binding as the user, through
 * the JDK's own JNDI LDAP provider (no dependency). Two ways to find the
 * user's entry:
 * <ul>
 * <li><b>DN template</b>: {@code uid={user},ou=people,dc=example,dc=org}: bind
 *     as that DN with the password, then read the entry (as the user) with
 *     the allow filter;</li>
 * <li><b>search, then bind</b>: bind as a service account (or anonymously),
 *     search {@code searchBase} with {@code (&(userFilter)(allowFilter))},
 *     where {@code userFilter} is e.g. {@code (uid={user})}; exactly one entry
 *     must match; then bind as that entry's DN with the password.</li>
 * </ul>
 * The user name is escaped where it goes: RFC 4515 in filters ({@code *},
 * {@code (}, {@code )}, {@code \}, NUL), RFC 4514 in DNs ({@code ,+"\<>;=},
 * a leading {@code #} or space, a trailing space), so that {@code *} or
 * {@code )(uid=*} is only ever a name no one has. An empty password is
 * refused before it reaches the directory: to LDAP it is an unauthenticated
 * bind, which succeeds (RFC 4513 5.1.2).
 *
 * <p>The account: home from {@code homeAttribute} (an absolute path) if the
 * entry has it, else {@code homeTemplate} with {@code {user}} (names with
 * {@code /}, {@code \} or only dots are refused for it), else the default
 * home; rights from {@code rightsAttribute} ({@code rw}/{@code ro},
 * {@code read-write}/{@code read-only}, {@code true}/{@code false}) if set,
 * else the default.
 *
 * <p>Every call is a network round trip: {@link #isCheap()} is false, so the
 * server calls it on its worker pool, and connect and read timeouts bound
 * it. A directory that fails or does not answer refuses the login without
 * counting it toward bans (the client did nothing wrong) and is logged.
 * A wrong password, an unknown user or a user outside the filter counts.
 * Thread-safe: each login opens its own connection.
 */
public final class LdapAuthenticator implements Authenticator {

    private static final System.Logger LOG = System.getLogger(LdapAuthenticator.class.getName());
    private static final int MAX_NAME = 256;

    private final String url;
    private final String bindDnTemplate;
    private final String searchBase;
    private final String userFilter;
    private final String allowFilter;
    private final String serviceDn;
    private final String servicePassword;
    private final boolean startTls;
    private final SSLSocketFactory tlsSockets;
    private final String homeAttribute;
    private final String homeTemplate;
    private final Path defaultHome;
    private final String rightsAttribute;
    private final boolean defaultWritable;
    private final Duration connectTimeout;
    private final Duration readTimeout;

    private LdapAuthenticator(Builder b) {
        this.url = b.url;
        this.bindDnTemplate = b.bindDnTemplate;
        this.searchBase = b.searchBase;
        this.userFilter = b.userFilter;
        this.allowFilter = b.allowFilter;
        this.serviceDn = b.serviceDn;
        this.servicePassword = b.servicePassword;
        this.startTls = b.startTls;
        this.tlsSockets = b.caFile == null ? null : socketFactory(b.caFile);
        this.homeAttribute = b.homeAttribute;
        this.homeTemplate = b.homeTemplate;
        this.defaultHome = b.defaultHome;
        this.rightsAttribute = b.rightsAttribute;
        this.defaultWritable = b.defaultWritable;
        this.connectTimeout = b.connectTimeout;
        this.readTimeout = b.readTimeout;
    }

    /** A directory at {@code url}: {@code ldap://host:389/} or {@code ldaps://host:636/}. */
    public static Builder builder(String url) {
        return new Builder(url);
    }

    /** Settings; {@link #build} checks that they make one of the two modes. */
    public static final class Builder {
        private final String url;
        private String bindDnTemplate;
        private String searchBase;
        private String userFilter = "(uid={user})";
        private String allowFilter;
        private String serviceDn;
        private String servicePassword;
        private boolean startTls;
        private Path caFile;
        private String homeAttribute;
        private String homeTemplate;
        private Path defaultHome;
        private String rightsAttribute;
        private boolean defaultWritable;
        private Duration connectTimeout = Duration.ofSeconds(5);
        private Duration readTimeout = Duration.ofSeconds(10);

        private Builder(String url) {
            this.url = Objects.requireNonNull(url, "url");
        }

        /** DN-template mode: the user's DN, with {@code {user}} for the (escaped) name. */
        public Builder bindDnTemplate(String template) {
            this.bindDnTemplate = template;
            return this;
        }

        /** Search-then-bind mode: where users are searched (subtree). */
        public Builder searchBase(String base) {
            this.searchBase = base;
            return this;
        }

        /** The filter that finds a user by name, {@code {user}} for the escaped name; default {@code (uid={user})}. */
        public Builder userFilter(String filter) {
            this.userFilter = Objects.requireNonNull(filter);
            return this;
        }

        /** An extra filter the user's entry must match to log in, e.g. {@code (memberOf=cn=ftp,ou=groups,...)}. */
        public Builder allowFilter(String filter) {
            this.allowFilter = filter;
            return this;
        }

        /** The account that searches (search-then-bind); without one the search binds anonymously. */
        public Builder serviceAccount(String dn, String password) {
            this.serviceDn = dn;
            this.servicePassword = password;
            return this;
        }

        /** StartTLS (RFC 4511 4.14) on an {@code ldap://} URL before any bind. */
        public Builder startTls(boolean on) {
            this.startTls = on;
            return this;
        }

        /** CA certificates (PEM) the directory's certificate must chain to, for StartTLS; default: the JDK's. */
        public Builder caFile(Path pem) {
            this.caFile = pem;
            return this;
        }

        /** The attribute holding the user's home (an absolute path), e.g. {@code homeDirectory}. */
        public Builder homeAttribute(String name) {
            this.homeAttribute = name;
            return this;
        }

        /** The home when the entry names none: {@code /srv/ftp/{user}}. */
        public Builder homeTemplate(String template) {
            this.homeTemplate = template;
            return this;
        }

        /** The home when neither the attribute nor the template gives one. */
        public Builder defaultHome(Path home) {
            this.defaultHome = home;
            return this;
        }

        /** The attribute holding the rights: rw / ro (read-write / read-only, true / false). */
        public Builder rightsAttribute(String name) {
            this.rightsAttribute = name;
            return this;
        }

        /** The rights when the entry states none; default read-only. */
        public Builder defaultWritable(boolean writable) {
            this.defaultWritable = writable;
            return this;
        }

        public Builder timeouts(Duration connect, Duration read) {
            this.connectTimeout = positive(connect, "connect timeout");
            this.readTimeout = positive(read, "read timeout");
            return this;
        }

        /** Throws IllegalArgumentException on settings that cannot work, naming the problem. */
        public LdapAuthenticator build() {
            URI u;
            try {
                u = new URI(url);
            } catch (URISyntaxException e) {
                throw new IllegalArgumentException("LDAP: bad URL '" + url + "': " + e.getMessage());
            }
            String scheme = String.valueOf(u.getScheme()).toLowerCase(Locale.ROOT);
            if (!scheme.equals("ldap") && !scheme.equals("ldaps") || u.getHost() == null) {
                throw new IllegalArgumentException("LDAP: URL must be ldap://host[:port]/ or ldaps://host[:port]/: " + url);
            }
            if (startTls && scheme.equals("ldaps")) {
                throw new IllegalArgumentException("LDAP: StartTLS is for ldap:// URLs; ldaps:// is TLS already");
            }
            if ((bindDnTemplate == null) == (searchBase == null)) {
                throw new IllegalArgumentException("LDAP: give either a bind DN template or a search base, one of them");
            }
            if (bindDnTemplate != null && !bindDnTemplate.contains("{user}")) {
                throw new IllegalArgumentException("LDAP: the bind DN template has no {user}: " + bindDnTemplate);
            }
            if (searchBase != null && !userFilter.contains("{user}")) {
                throw new IllegalArgumentException("LDAP: the user filter has no {user}: " + userFilter);
            }
            checkFilter(userFilter, "user filter");
            if (allowFilter != null) {
                checkFilter(allowFilter, "allow filter");
            }
            if ((serviceDn == null) != (servicePassword == null) || servicePassword != null && servicePassword.isEmpty()) {
                throw new IllegalArgumentException("LDAP: the service account needs a DN and a non-empty password");
            }
            if (homeAttribute == null && homeTemplate == null && defaultHome == null) {
                throw new IllegalArgumentException("LDAP: no way to find a home: give a home attribute, a home"
                        + " template or a default home");
            }
            if (homeTemplate != null && !Path.of(homeTemplate.replace("{user}", "x")).isAbsolute()) {
                throw new IllegalArgumentException("LDAP: the home template must be an absolute path: " + homeTemplate);
            }
            return new LdapAuthenticator(this);
        }

        private static void checkFilter(String f, String what) {
            if (!f.startsWith("(") || !f.endsWith(")")) {
                throw new IllegalArgumentException("LDAP: the " + what + " must be in parentheses: " + f);
            }
        }

        private static Duration positive(Duration d, String what) {
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("LDAP: " + what + " must be positive");
            }
            return d;
        }
    }

    @Override
    public UserAccount authenticate(String user, String password) {
        LoginResult r = login(LoginRequest.of(user, password));
        return r.accepted() ? r.account() : null;
    }

    @Override
    public LoginResult login(LoginRequest request) {
        String user = request.user();
        String password = request.password();
        if (password == null) {
            return LoginResult.passwordRequired(); // a client certificate does not log in here
        }
        if (password.isEmpty()) {
            return LoginResult.rejectCounted("empty password (to LDAP an unauthenticated bind) refused");
        }
        if (user.isEmpty() || user.length() > MAX_NAME || user.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            return LoginResult.rejectCounted("user name unfit for LDAP");
        }
        try {
            Found found = bindDnTemplate != null ? bindByTemplate(user, password) : searchThenBind(user, password);
            if (found.refusal != null) {
                return LoginResult.rejectCounted(found.refusal);
            }
            return account(user, found.attributes);
        } catch (AuthenticationException e) {
            return LoginResult.rejectCounted("LDAP bind refused: wrong password");
        } catch (NamingException | IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "LDAP " + url + " failed for " + user + ": " + e);
            return LoginResult.reject("LDAP directory unavailable: " + e);
        }
    }

    /** The user's entry's attributes, or why not. */
    private record Found(Attributes attributes, String refusal) {
    }

    private Found bindByTemplate(String user, String password) throws NamingException, IOException {
        String dn = bindDnTemplate.replace("{user}", escapeDnValue(user));
        LdapContext ctx = connect(dn, password);
        try {
            String filter = allowFilter != null ? allowFilter : "(objectClass=*)";
            NamingEnumeration<SearchResult> r = ctx.search(dn, filter, controls(SearchControls.OBJECT_SCOPE));
            try {
                if (!r.hasMore()) {
                    return new Found(null, "entry " + dn + " does not match the allow filter");
                }
                return new Found(r.next().getAttributes(), null);
            } finally {
                r.close();
            }
        } finally {
            ctx.close();
        }
    }

    private Found searchThenBind(String user, String password) throws NamingException, IOException {
        String filter = userFilter.replace("{user}", escapeFilterValue(user));
        if (allowFilter != null) {
            filter = "(&" + filter + allowFilter + ")";
        }
        String dn;
        Attributes attributes;
        LdapContext service = connect(serviceDn, servicePassword);
        try {
            SearchControls sc = controls(SearchControls.SUBTREE_SCOPE);
            sc.setCountLimit(2);
            NamingEnumeration<SearchResult> r = service.search(searchBase, filter, sc);
            try {
                if (!r.hasMore()) {
                    return new Found(null, "no entry under " + searchBase + " matches " + filter);
                }
                SearchResult first = r.next();
                boolean more;
                try {
                    more = r.hasMore();
                } catch (javax.naming.SizeLimitExceededException e) {
                    more = true;
                }
                if (more) {
                    return new Found(null, "more than one entry matches " + filter);
                }
                dn = first.getNameInNamespace();
                attributes = first.getAttributes();
            } finally {
                r.close();
            }
        } finally {
            service.close();
        }
        connect(dn, password).close(); // the bind is the password check
        return new Found(attributes, null);
    }

    private SearchControls controls(int scope) {
        SearchControls sc = new SearchControls();
        sc.setSearchScope(scope);
        sc.setTimeLimit((int) Math.min(Integer.MAX_VALUE, readTimeout.toMillis()));
        String[] wanted = java.util.stream.Stream.of(homeAttribute, rightsAttribute)
                .filter(Objects::nonNull).toArray(String[]::new);
        sc.setReturningAttributes(wanted.length == 0 ? new String[] {"1.1"} : wanted); // 1.1: no attributes
        return sc;
    }

    /** A connection bound as {@code dn} (anonymous when null), after StartTLS if configured. */
    private LdapContext connect(String dn, String password) throws NamingException, IOException {
        Hashtable<String, Object> env = new Hashtable<>();
        env.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.ldap.LdapCtxFactory");
        env.put(Context.PROVIDER_URL, url);
        env.put(Context.REFERRAL, "ignore");
        env.put("java.naming.ldap.version", "3");
        env.put("com.sun.jndi.ldap.connect.timeout", Long.toString(connectTimeout.toMillis()));
        env.put("com.sun.jndi.ldap.read.timeout", Long.toString(readTimeout.toMillis()));
        env.put("com.sun.jndi.ldap.connect.pool", "false");
        if (!startTls) {
            putCredentials(env, dn, password);
            return new InitialLdapContext(env, null);
        }
        env.put(Context.SECURITY_AUTHENTICATION, "none");
        LdapContext ctx = new InitialLdapContext(env, null);
        try {
            StartTlsResponse tls = (StartTlsResponse) ctx.extendedOperation(new StartTlsRequest());
            if (tlsSockets != null) {
                tls.negotiate(tlsSockets);
            } else {
                tls.negotiate();
            }
            if (dn != null) {
                // Bound on the same, now encrypted, connection at the next operation.
                ctx.addToEnvironment(Context.SECURITY_AUTHENTICATION, "simple");
                ctx.addToEnvironment(Context.SECURITY_PRINCIPAL, dn);
                ctx.addToEnvironment(Context.SECURITY_CREDENTIALS, password);
                ctx.getAttributes("", new String[] {"1.1"}); // forces the bind: a wrong password fails here
            }
            return ctx;
        } catch (NamingException | IOException | RuntimeException e) {
            ctx.close();
            throw e;
        }
    }

    private static void putCredentials(Hashtable<String, Object> env, String dn, String password) {
        if (dn == null) {
            env.put(Context.SECURITY_AUTHENTICATION, "none");
            return;
        }
        env.put(Context.SECURITY_AUTHENTICATION, "simple");
        env.put(Context.SECURITY_PRINCIPAL, dn);
        env.put(Context.SECURITY_CREDENTIALS, password);
    }

    private LoginResult account(String user, Attributes attrs) throws NamingException {
        Path home = null;
        String fromAttribute = value(attrs, homeAttribute);
        if (fromAttribute != null) {
            try {
                home = Path.of(fromAttribute);
            } catch (InvalidPathException e) {
                return LoginResult.reject("LDAP " + homeAttribute + " of " + user + " is not a path: " + fromAttribute);
            }
            if (!home.isAbsolute()) {
                return LoginResult.reject("LDAP " + homeAttribute + " of " + user + " is not absolute: " + fromAttribute);
            }
        } else if (homeTemplate != null) {
            if (user.contains("/") || user.contains("\\") || user.chars().allMatch(c -> c == '.')) {
                return LoginResult.rejectCounted("user name cannot be part of a home path: " + user);
            }
            home = Path.of(homeTemplate.replace("{user}", user)).normalize();
        } else if (defaultHome != null) {
            home = defaultHome;
        }
        if (home == null) {
            return LoginResult.reject("LDAP entry of " + user + " has no " + homeAttribute + " and there is no default");
        }
        boolean writable = defaultWritable;
        String rights = value(attrs, rightsAttribute);
        if (rights != null) {
            switch (rights.strip().toLowerCase(Locale.ROOT)) {
                case "rw", "read-write", "true", "yes" -> writable = true;
                case "ro", "read-only", "false", "no" -> writable = false;
                default -> {
                    return LoginResult.reject("LDAP " + rightsAttribute + " of " + user + " is neither rw nor ro: "
                            + rights);
                }
            }
        }
        return LoginResult.accept(new UserAccount(user, home, writable));
    }

    private static String value(Attributes attrs, String name) throws NamingException {
        if (name == null || attrs == null) {
            return null;
        }
        Attribute a = attrs.get(name);
        if (a == null || a.size() == 0) {
            return null;
        }
        Object v = a.get();
        return v instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : String.valueOf(v);
    }

    @Override
    public boolean isCheap() {
        return false;
    }

    // ------------------------------------------------------------- escaping

    /** RFC 4515 section 3: a value in a search filter, with {@code * ( ) \ NUL} as {@code \2a} etc. */
    public static String escapeFilterValue(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '*' -> sb.append("\\2a");
                case '(' -> sb.append("\\28");
                case ')' -> sb.append("\\29");
                case '\\' -> sb.append("\\5c");
                case '\0' -> sb.append("\\00");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    /**
     * RFC 4514 section 2.4: an attribute value in a DN, with {@code , + " \ < > ; =}
     * backslash-escaped, a leading space or {@code #} and a trailing space
     * escaped, and NUL as {@code \00}.
     */
    public static String escapeDnValue(String value) {
        StringBuilder sb = new StringBuilder(value.length() + 8);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean edge = (i == 0 && (c == ' ' || c == '#')) || (i == value.length() - 1 && c == ' ');
            if (c == '\0') {
                sb.append("\\00");
            } else if (edge || ",+\"\\<>;=".indexOf(c) >= 0) {
                sb.append('\\').append(c);
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    // ----------------------------------------------------------------- TLS

    private static SSLSocketFactory socketFactory(Path caPem) {
        try (InputStream in = Files.newInputStream(caPem)) {
            Collection<? extends Certificate> cas = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (cas.isEmpty()) {
                throw new IllegalArgumentException("LDAP: no certificate in " + caPem);
            }
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            int n = 0;
            for (Certificate c : cas) {
                ks.setCertificateEntry("ca-" + n++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("LDAP: cannot read CA file " + caPem + ": " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "LDAP " + url + (startTls ? " (StartTLS)" : "")
                + (bindDnTemplate != null ? ", bind DN " + bindDnTemplate : ", search " + searchBase + " " + userFilter);
    }
}
