package org.nioftpd.bench.e2e;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.X509TrustManager;
import org.apache.commons.net.ftp.FTP;
import org.apache.commons.net.ftp.FTPClient;
import org.apache.commons.net.ftp.FTPSClient;
import org.nioftpd.FtpServer;
import org.nioftpd.bench.Fixtures;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * FTPS against plain FTP, on nioftpd: RETR and STOR of the 64 MiB fixture
 * over PROT P (TLS on the data connection, the JDK's SSLEngine on the loop)
 * beside the same transfers in the clear. Both modes use the same client,
 * Commons Net ({@code FTPSClient} for TLS, {@code FTPClient} otherwise), so
 * the ratio between the two rows is the cost of TLS; the absolute numbers
 * include Commons Net's stream copies and are below {@link LargeTransferBench}'s.
 *
 * <p>The certificate is a self-signed RSA key made at setup by the JDK's
 * own {@code keytool}.
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@State(Scope.Thread)
public class TlsTransferBench {

    @Param({"plain", "tls"})
    public String mode;

    private FtpServer server;
    private FTPClient client;
    private Path keyDir;
    private final byte[] buffer = new byte[1 << 20];

    /** The MB/s of the operations, next to JMH's operations per second. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Megabytes {
        public double megabytes;

        @Setup(Level.Iteration)
        public void reset() {
            megabytes = 0;
        }
    }

    @Setup(Level.Trial)
    public void start() throws Exception {
        Path root = Fixtures.ensure(Fixtures.defaultRoot());
        FtpServer.Builder b = FtpServer.builder()
                .listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0))
                .root(root)
                .user("bench", "bench", true)
                .failedLoginDelay(Duration.ZERO)
                .loops(2);
        if (mode.equals("tls")) {
            keyDir = Files.createTempDirectory("nioftpd-bench-tls");
            Path p12 = keyDir.resolve("bench.p12");
            Process keytool = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", "bench", "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                    "-dname", "CN=localhost", "-storetype", "PKCS12", "-keystore", p12.toString(),
                    "-storepass", "benchpass", "-keypass", "benchpass")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!keytool.waitFor(60, TimeUnit.SECONDS) || keytool.exitValue() != 0) {
                throw new IOException("keytool failed to make the benchmark's certificate");
            }
            b.tlsKeyStore(p12, "benchpass".toCharArray());
        }
        server = b.build();
        server.start();
        client = mode.equals("tls") ? trustingFtpsClient() : new FTPClient();
        client.setDefaultTimeout(60_000);
        client.setDataTimeout(Duration.ofSeconds(60));
        client.setBufferSize(1 << 20);
        client.connect("127.0.0.1", server.port());
        if (!client.login("bench", "bench")) {
            throw new IOException("login: " + client.getReplyString());
        }
        if (client instanceof FTPSClient ftps) {
            ftps.execPBSZ(0);
            ftps.execPROT("P");
        }
        client.enterLocalPassiveMode();
        client.setFileType(FTP.BINARY_FILE_TYPE);
    }

    private static FTPSClient trustingFtpsClient() {
        FTPSClient c = new FTPSClient(false);
        c.setTrustManager(new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] chain, String authType) {
            }

            public void checkServerTrusted(X509Certificate[] chain, String authType) {
                // the benchmark's own self-signed certificate
            }

            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        });
        return c;
    }

    @TearDown(Level.Trial)
    public void stop() throws IOException {
        if (client != null && client.isConnected()) {
            client.disconnect();
        }
        if (server != null) {
            server.close();
        }
        if (keyDir != null) {
            try (var files = Files.list(keyDir)) {
                for (Path p : files.toList()) {
                    Files.deleteIfExists(p);
                }
            }
            Files.deleteIfExists(keyDir);
        }
    }

    @Benchmark
    public long retr64m(Megabytes mb) throws IOException {
        long n = 0;
        try (InputStream in = client.retrieveFileStream(Fixtures.BIG)) {
            if (in == null) {
                throw new IOException("RETR: " + client.getReplyString());
            }
            for (int r; (r = in.read(buffer)) >= 0; ) {
                n += r;
            }
        }
        if (!client.completePendingCommand() || n != Fixtures.BIG_SIZE) {
            throw new IOException("RETR: " + n + " bytes, " + client.getReplyString());
        }
        mb.megabytes += n / 1e6;
        return n;
    }

    @Benchmark
    public long stor64m(Megabytes mb) throws IOException {
        long n = 0;
        try (OutputStream out = client.storeFileStream(Fixtures.UPLOAD + "/jmh-tls-stor.bin")) {
            if (out == null) {
                throw new IOException("STOR: " + client.getReplyString());
            }
            while (n < Fixtures.BIG_SIZE) {
                int chunk = (int) Math.min(buffer.length, Fixtures.BIG_SIZE - n);
                out.write(buffer, 0, chunk);
                n += chunk;
            }
        }
        if (!client.completePendingCommand()) {
            throw new IOException("STOR: " + client.getReplyString());
        }
        mb.megabytes += n / 1e6;
        return n;
    }
}
