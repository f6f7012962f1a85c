package org.nioftpd.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nioftpd.testing.TestServer;

/**
 * lftp (GnuTLS) over FTPS, explicit with ftp:ssl-force and implicit, PROT P:
 * upload, download, listing, compared by SHA-256. Skipped when lftp is
 * missing (Debian package "lftp").
 */
@Timeout(120)
class LftpFtpsTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "implicit={0}")
    @ValueSource(booleans = {false, true})
    void putGetList(boolean implicit) throws Exception {
        assumeTrue(External.available("lftp"), "lftp not installed");
        Path root = Files.createDirectories(dir.resolve("root"));
        Path work = Files.createDirectories(dir.resolve("work"));
        byte[] data = TlsTesting.randomBytes(5 * 1024 * 1024 + 1, 13);
        Files.write(work.resolve("src.bin"), data);
        try (TestServer server = TlsTesting.server(root)) {
            String url = implicit
                    ? "ftps://127.0.0.1:" + server.server().implicitTlsPort()
                    : "ftp://127.0.0.1:" + server.port();
            String script = String.join("; ",
                    "set ftp:ssl-force true",
                    "set ftp:ssl-protect-data true",
                    "set ftp:ssl-protect-list true",
                    "set ssl:verify-certificate no",
                    "set net:max-retries 1",
                    "set net:timeout 15",
                    "set net:reconnect-interval-base 1",
                    "set cmd:fail-exit true",
                    "open -u u,p " + url,
                    "put src.bin -o up.bin",
                    "get up.bin -o back.bin",
                    "cls -1",
                    "quote STAT",
                    "bye");
            External.Result r = External.run(work, Duration.ofSeconds(90), List.of("lftp", "-c", script));
            assertEquals(0, r.exit(), r.output());
            assertEquals(TlsTesting.sha256(data), TlsTesting.sha256(root.resolve("up.bin")));
            assertEquals(TlsTesting.sha256(data), TlsTesting.sha256(work.resolve("back.bin")));
            assertTrue(r.output().contains("up.bin"), r.output());
            assertTrue(r.output().contains("Control connection: TLSv1.3") && r.output().contains("PROT P"), r.output());
        }
    }
}
