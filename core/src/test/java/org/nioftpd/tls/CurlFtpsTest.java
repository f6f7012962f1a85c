package org.nioftpd.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nioftpd.testing.TestServer;

/**
 * curl (OpenSSL) over FTPS: explicit ({@code --ssl-reqd}, which also sends
 * PBSZ 0 and PROT P) and implicit ({@code ftps://}), TLS 1.2 and 1.3, upload
 * then download, compared by SHA-256. curl resumes the control session on
 * its data connections, so these also run with session reuse required.
 * Skipped when curl is missing.
 */
@Timeout(120)
class CurlFtpsTest {

    @TempDir
    Path dir;
    private Path root;
    private Path work;

    @BeforeEach
    void dirs() throws Exception {
        assumeTrue(External.available("curl"), "curl not installed");
        root = Files.createDirectories(dir.resolve("root"));
        work = Files.createDirectories(dir.resolve("work"));
    }

    @ParameterizedTest(name = "implicit={0}, TLS max {1}, reuse required={2}")
    @CsvSource({
        "false, 1.3, false",
        "false, 1.2, false",
        "true, 1.3, false",
        "true, 1.2, false",
        "false, 1.3, true",
        "false, 1.2, true",
    })
    void uploadThenDownload(boolean implicit, String tlsMax, boolean reuse) throws Exception {
        byte[] data = TlsTesting.randomBytes(5 * 1024 * 1024 + 3, 11);
        Path src = Files.write(work.resolve("src.bin"), data);
        try (TestServer server = TlsTesting.server(root, b -> b.tlsRequireSessionReuse(reuse))) {
            String base = implicit
                    ? "ftps://127.0.0.1:" + server.server().implicitTlsPort() + "/"
                    : "ftp://127.0.0.1:" + server.port() + "/";
            curl(tlsMax, "-T", src.toString(), base + "up.bin");
            assertEquals(TlsTesting.sha256(data), TlsTesting.sha256(root.resolve("up.bin")));
            curl(tlsMax, "-o", work.resolve("back.bin").toString(), base + "up.bin");
            assertEquals(TlsTesting.sha256(data), TlsTesting.sha256(work.resolve("back.bin")));
            curl(tlsMax, "-o", work.resolve("list.txt").toString(), "--list-only", base);
            assertEquals("up.bin", Files.readString(work.resolve("list.txt")).strip());
        }
    }

    private void curl(String tlsMax, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("curl", "--silent", "--show-error", "--fail",
                "--ssl-reqd", "-k", "--tls-max", tlsMax, "--user", "u:p",
                "--connect-timeout", "10", "--max-time", "60"));
        cmd.addAll(List.of(args));
        External.Result r = External.run(work, Duration.ofSeconds(90), cmd);
        assertEquals(0, r.exit(), String.join(" ", cmd) + "\n" + r.output());
    }
}
