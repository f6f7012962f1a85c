package org.nioftpd.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Consumer;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPReply;
import org.nioftpd.FtpServer;

/**
 * A real nioftpd on 127.0.0.1, port 0, serving a fresh temporary directory,
 * with a read-write user {@code u}/{@code p}, a read-only user {@code ro}/{@code p}
 * and anonymous. Close it to stop the server (the directory stays for the test's @TempDir).
 */
public final class TestServer implements AutoCloseable {

    public static final String USER = "u";
    public static final String PASSWORD = "p";

    private final FtpServer server;
    private final Path root;

    private TestServer(FtpServer server, Path root) {
        this.server = server;
        this.root = root;
    }

    public static TestServer start(Path root) throws IOException {
        return start(root, b -> { });
    }

    /** Starts with the defaults above, then whatever {@code customize} changes. */
    public static TestServer start(Path root, Consumer<FtpServer.Builder> customize) throws IOException {
        return start(root, new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), customize);
    }

    /** Listens on {@code listen} (127.0.0.1 or [::1], port 0) instead of the default. */
    public static TestServer start(Path root, InetSocketAddress listen, Consumer<FtpServer.Builder> customize)
            throws IOException {
        if (!Files.isDirectory(root)) { // a read-only store's root exists and refuses even a no-op create
            Files.createDirectories(root);
        }
        FtpServer.Builder b = FtpServer.builder()
                .listen(listen)
                .root(root)
                .user(USER, PASSWORD, true)
                .user("ro", PASSWORD, false)
                .anonymous(true)
                .loops(2)
                // Every test client is 127.0.0.1: the per-address caps would be the whole server's.
                .maxSessionsPerAddress(1000)
                .maxPassivePerAddress(1000)
                .failedLoginDelay(Duration.ofMillis(50))
                .idleTimeout(Duration.ofMinutes(1))
                .acceptTimeout(Duration.ofSeconds(20));
        customize.accept(b);
        FtpServer server = b.build();
        server.start();
        return new TestServer(server, root);
    }

    /** A raw control connection to the server, greeting not yet read. */
    public RawClient raw() throws IOException {
        return new RawClient(server.addresses().get(0).getAddress(), port());
    }

    /** A raw control connection, greeting read, logged in as {@code u}. */
    public RawClient rawLoggedIn() throws IOException {
        RawClient r = raw();
        try {
            return r.greetAndLogin(USER, PASSWORD);
        } catch (IOException | RuntimeException | Error e) {
            r.close();
            throw e;
        }
    }

    public int port() {
        return server.port();
    }

    public Path root() {
        return root;
    }

    public FtpServer server() {
        return server;
    }

    /** A Commons Net client, connected and logged in as {@code u}, passive, binary. */
    public FTPClient client() throws IOException {
        return client(USER, PASSWORD);
    }

    public FTPClient client(String user, String password) throws IOException {
        return client(server.addresses().get(0).getAddress(), user, password);
    }

    /** A logged-in client to {@code host} (the address the server listens on). */
    public FTPClient client(InetAddress host, String user, String password) throws IOException {
        FTPClient c = newClient();
        c.connect(host, port());
        if (!FTPReply.isPositiveCompletion(c.getReplyCode())) {
            throw new IOException("greeting: " + c.getReplyString());
        }
        if (!c.login(user, password)) {
            throw new IOException("login: " + c.getReplyString());
        }
        c.enterLocalPassiveMode();
        c.setFileType(FTP.BINARY_FILE_TYPE);
        return c;
    }

    /** A client with timeouts set, not yet connected: every test stays bounded in time. */
    public static FTPClient newClient() {
        FTPClient c = new FTPClient();
        c.setConnectTimeout(10_000);
        c.setDefaultTimeout(20_000);
        c.setDataTimeout(Duration.ofSeconds(20));
        c.setControlKeepAliveReplyTimeout(Duration.ofSeconds(10));
        return c;
    }

    @Override
    public void close() {
        server.close();
    }
}
