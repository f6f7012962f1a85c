package org.nioftpd.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real OpenLDAP slapd for a test: its configuration (slapd.conf, an mdb
 * database) and data (an LDIF loaded with slapadd) in a temporary directory,
 * listening on a free port of 127.0.0.1, in the foreground ({@code -d 0}),
 * stopped by {@link #close}. Tests that need one are skipped, saying why,
 * where slapd is not installed (Debian: apt-get install slapd).
 */
public final class Slapd implements AutoCloseable {

    public static final String SUFFIX = "dc=example,dc=org";
    public static final String ROOT_DN = "cn=admin," + SUFFIX;
    public static final String ROOT_PASSWORD = "rootsecret";

    private final Process process;
    private final int port;
    private final Path dir;

    private Slapd(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /** The slapd binary, or a skipped test. */
    public static Path binary(String name) {
        for (String d : List.of("/usr/sbin", "/usr/local/sbin", "/usr/libexec", "/usr/local/libexec")) {
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, name))) {
                return Path.of(d, name);
            }
        }
        Assumptions.abort(name + " not installed (OpenLDAP: apt-get install slapd)");
        return null;
    }

    /**
     * Starts slapd in {@code dir} with {@code ldif} loaded (without the
     * suffix entry, which is made here) and {@code extraConfig} lines (ACLs,
     * TLS, security) added to slapd.conf.
     */
    public static Slapd start(Path dir, String ldif, String extraConfig) throws IOException {
        Path slapd = binary("slapd");
        Path slapadd = binary("slapadd");
        Path modules = Path.of("/usr/lib/ldap");
        Files.createDirectories(dir.resolve("db"));
        String conf = String.join("\n",
                "include /etc/ldap/schema/core.schema",
                "include /etc/ldap/schema/cosine.schema",
                "include /etc/ldap/schema/inetorgperson.schema",
                "include /etc/ldap/schema/nis.schema",
                Files.isDirectory(modules) ? "modulepath " + modules : "",
                Files.exists(modules.resolve("back_mdb.so")) ? "moduleload back_mdb" : "",
                "pidfile " + dir.resolve("slapd.pid"),
                extraConfig,
                "database mdb",
                "maxsize 16777216",
                "suffix \"" + SUFFIX + "\"",
                "rootdn \"" + ROOT_DN + "\"",
                "rootpw " + ROOT_PASSWORD,
                "directory " + dir.resolve("db"),
                "access to attrs=userPassword by anonymous auth by self read by * none",
                "access to * by self read by users read by * none",
                "");
        Assumptions.assumeTrue(Files.isRegularFile(Path.of("/etc/ldap/schema/inetorgperson.schema")),
                "OpenLDAP schema files not in /etc/ldap/schema");
        Path confFile = dir.resolve("slapd.conf");
        Files.writeString(confFile, conf);
        Path data = dir.resolve("data.ldif");
        Files.writeString(data, "dn: " + SUFFIX + "\nobjectClass: dcObject\nobjectClass: organization\no: Example\n"
                + "dc: example\n\n" + ldif);
        run(List.of(slapadd.toString(), "-f", confFile.toString(), "-l", data.toString()), dir);
        IOException last = null;
        for (int attempt = 0; attempt < 5; attempt++) { // the free port may be taken between close and bind
            int port = freePort();
            Process p = new ProcessBuilder(slapd.toString(), "-f", confFile.toString(),
                    "-h", "ldap://127.0.0.1:" + port + "/", "-d", "0")
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(dir.resolve("slapd.log").toFile())
                    .start();
            try {
                awaitListening(p, port);
                return new Slapd(p, port, dir);
            } catch (IOException e) {
                p.destroyForcibly();
                last = e;
            }
        }
        throw last;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "ldap://127.0.0.1:" + port + "/";
    }

    private static void awaitListening(Process p, int port) throws IOException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("slapd exited with " + p.exitValue());
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException notYet) {
                try {
                    p.waitFor(50, TimeUnit.MILLISECONDS); // a bounded pause between connection attempts
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IOException(e);
                }
            }
        }
        throw new IOException("slapd did not listen on " + port + " within 20 s");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket()) {
            s.bind(new InetSocketAddress("127.0.0.1", 0));
            return s.getLocalPort();
        }
    }

    /** Runs a command to its end (bounded), failing with its output. */
    public static String run(List<String> cmd, Path dir) throws IOException {
        Process p = new ProcessBuilder(new ArrayList<>(cmd)).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("cmd.log").toFile()).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + cmd);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        String out = Files.readString(dir.resolve("cmd.log"), StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException(cmd + " failed (" + p.exitValue() + "):\n" + out);
        }
        return out;
    }

    /** The slapd's own output, for a failure message. */
    public String log() {
        try {
            return Files.readString(dir.resolve("slapd.log"), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
