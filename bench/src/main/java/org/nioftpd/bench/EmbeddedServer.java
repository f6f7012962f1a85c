package org.nioftpd.bench;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.ftpserver.ConnectionConfigFactory;
import org.apache.ftpserver.DataConnectionConfigurationFactory;
import org.apache.ftpserver.FtpServerFactory;
import org.apache.ftpserver.ftplet.Authentication;
import org.apache.ftpserver.ftplet.AuthenticationFailedException;
import org.apache.ftpserver.ftplet.Authority;
import org.apache.ftpserver.ftplet.User;
import org.apache.ftpserver.ftplet.UserManager;
import org.apache.ftpserver.listener.ListenerFactory;
import org.apache.ftpserver.usermanager.UsernamePasswordAuthentication;
import org.apache.ftpserver.usermanager.impl.BaseUser;
import org.apache.ftpserver.usermanager.impl.ConcurrentLoginPermission;
import org.apache.ftpserver.usermanager.impl.TransferRatePermission;
import org.apache.ftpserver.usermanager.impl.WritePermission;
import org.nioftpd.FtpServer;

/**
 * A server under test, embedded in this JVM on 127.0.0.1 and a free port,
 * serving {@code root} to one read-write user {@link #USER}/{@link #PASSWORD}.
 * Both kinds are set up alike: no login limits, no failed-login delay, logging
 * off (each would otherwise log a line per login, which is not what we measure).
 */
public abstract class EmbeddedServer implements AutoCloseable {

    public static final String USER = "bench";
    public static final String PASSWORD = "bench";

    /** The kinds {@link #start} knows: nioftpd, and Apache FtpServer (MINA) as the Java peer. */
    public static final List<String> KINDS = List.of("nioftpd", "apache");

    public abstract int port();

    public abstract String kind();

    @Override
    public abstract void close();

    /**
     * @param kind  "nioftpd" or "apache"
     * @param port  0 for any free port
     * @param loops nioftpd's event loops (ignored by Apache FtpServer, which sizes its own MINA pool)
     */
    public static EmbeddedServer start(String kind, Path root, int port, int loops) throws IOException {
        return start(kind, root, port, loops, null);
    }

    /** @param passivePorts "LOW-HIGH", or null for any free port (the default of both servers) */
    public static EmbeddedServer start(String kind, Path root, int port, int loops, String passivePorts)
            throws IOException {
        quietLogging();
        return switch (kind) {
            case "nioftpd" -> startNioftpd(root, port, loops, passivePorts);
            case "apache" -> startApache(root, port, passivePorts);
            default -> throw new IllegalArgumentException("unknown server kind '" + kind + "', expected one of " + KINDS);
        };
    }

    /** nioftpd logs through System.Logger, i.e. java.util.logging here: INFO per login is noise for a benchmark. */
    private static void quietLogging() {
        Logger.getLogger("").setLevel(Level.WARNING);
        Logger.getLogger("org.nioftpd").setLevel(Level.WARNING);
    }

    private static EmbeddedServer startNioftpd(Path root, int port, int loops, String passivePorts)
            throws IOException {
        FtpServer.Builder b = FtpServer.builder();
        if (passivePorts != null) {
            String[] lh = passivePorts.split("-");
            b.passivePorts(Integer.parseInt(lh[0]), Integer.parseInt(lh[1]));
        }
        FtpServer server = b
                .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), port))
                .root(root)
                .user(USER, PASSWORD, true)
                .anonymous(true)
                .loops(loops)
                .failedLoginDelay(Duration.ZERO)
                .maxLoginFailures(1000)
                // the defaults (10,000 sessions, 50 per address) are a production server's guard;
                // here every client is 127.0.0.1 and the idle scenario holds 10,000 and one
                .maxSessions(100_000)
                .maxSessionsPerAddress(100_000)
                .maxPassivePerAddress(100_000) // 100 concurrent RETRs from one address may all be in PASV at once
                .banFailedLogins(0, Duration.ofMinutes(1), Duration.ofMinutes(1))
                .build();
        server.start();
        return new EmbeddedServer() {
            @Override
            public int port() {
                return server.port();
            }

            @Override
            public String kind() {
                return "nioftpd";
            }

            @Override
            public void close() {
                server.close();
            }
        };
    }

    private static EmbeddedServer startApache(Path root, int port, String passivePorts) throws IOException {
        FtpServerFactory factory = new FtpServerFactory();
        ListenerFactory listener = new ListenerFactory();
        listener.setServerAddress("127.0.0.1");
        listener.setPort(port);
        listener.setIdleTimeout(300);
        DataConnectionConfigurationFactory data = new DataConnectionConfigurationFactory();
        data.setPassiveAddress("127.0.0.1");
        data.setIdleTime(300);
        if (passivePorts != null) {
            data.setPassivePorts(passivePorts);
        }
        listener.setDataConnectionConfiguration(data.createDataConnectionConfiguration());
        factory.addListener("default", listener.createListener());

        ConnectionConfigFactory connections = new ConnectionConfigFactory();
        connections.setMaxLogins(100_000);
        connections.setMaxAnonymousLogins(100_000);
        connections.setAnonymousLoginEnabled(true);
        connections.setLoginFailureDelay(0);
        connections.setMaxLoginFailures(1000);
        factory.setConnectionConfig(connections.createConnectionConfig());
        factory.setUserManager(new OneUserManager(root));

        org.apache.ftpserver.FtpServer server = factory.createServer();
        try {
            server.start();
        } catch (org.apache.ftpserver.ftplet.FtpException e) {
            throw new IOException("Apache FtpServer did not start: " + e.getMessage(), e);
        }
        int bound = ((org.apache.ftpserver.impl.DefaultFtpServer) server).getListener("default").getPort();
        return new EmbeddedServer() {
            @Override
            public int port() {
                return bound;
            }

            @Override
            public String kind() {
                return "apache";
            }

            @Override
            public void close() {
                server.stop();
            }
        };
    }

    /** {@link #USER} and anonymous, both at {@code root}, no limits; {@link #USER} may write. */
    private static final class OneUserManager implements UserManager {
        private final BaseUser user;
        private final BaseUser anonymous;

        OneUserManager(Path root) {
            user = user(USER, PASSWORD, root, true);
            anonymous = user("anonymous", null, root, false);
        }

        private static BaseUser user(String name, String password, Path root, boolean write) {
            BaseUser u = new BaseUser();
            u.setName(name);
            u.setPassword(password);
            u.setHomeDirectory(root.toAbsolutePath().toString());
            u.setEnabled(true);
            u.setMaxIdleTime(0);
            List<Authority> authorities = write
                    ? List.of(new ConcurrentLoginPermission(0, 0), new TransferRatePermission(0, 0), new WritePermission())
                    : List.of(new ConcurrentLoginPermission(0, 0), new TransferRatePermission(0, 0));
            u.setAuthorities(authorities);
            return u;
        }

        @Override
        public User getUserByName(String name) {
            return USER.equals(name) ? user : "anonymous".equals(name) ? anonymous : null;
        }

        @Override
        public String[] getAllUserNames() {
            return new String[] {USER, "anonymous"};
        }

        @Override
        public void delete(String name) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void save(User u) {
            throw new UnsupportedOperationException();
        }

        @Override
        public boolean doesExist(String name) {
            return getUserByName(name) != null;
        }

        @Override
        public User authenticate(Authentication auth) throws AuthenticationFailedException {
            if (auth instanceof UsernamePasswordAuthentication up) {
                if (USER.equals(up.getUsername()) && PASSWORD.equals(up.getPassword())) {
                    return user;
                }
                if ("anonymous".equals(up.getUsername())) {
                    return anonymous;
                }
            } else if (auth instanceof org.apache.ftpserver.usermanager.AnonymousAuthentication) {
                return anonymous;
            }
            throw new AuthenticationFailedException("Authentication failed");
        }

        @Override
        public String getAdminName() {
            return "admin";
        }

        @Override
        public boolean isAdmin(String name) {
            return false;
        }
    }
}
