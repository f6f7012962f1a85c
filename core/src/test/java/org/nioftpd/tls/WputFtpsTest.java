package org.nioftpd.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.testing.TestServer;

/**
 * wput 0.6.2 (GnuTLS) over explicit FTPS, the other client of issue 16: an
 * upload, and a resumed one (wput sends SIZE, then REST and STOR of the rest).
 * It failed twice: its control connection broke on the TLS 1.3
 * NewSessionTicket in front of the first reply, and its upload data
 * connections end with a FIN and no close_notify, which the default strict
 * check answers with 426. Skipped when wput is missing (Debian package
 * "wput"); FtpsUploadCloseTest tests both mechanisms without it.
 */
@Timeout(120)
class WputFtpsTest {

    @TempDir
    Path dir;

    private static External.Result wput(Path work, TestServer server, String file) throws Exception {
        return External.run(work, Duration.ofSeconds(90), List.of("wput", "--tries=1", "--timeout=150",
                "--force-tls", "--reupload", file,
                "ftp://" + TestServer.USER + ":" + TestServer.PASSWORD + "@127.0.0.1:" + server.port() + "/" + file));
    }

    @Test
    void wputUploadsAFile() throws Exception {
        assumeTrue(External.available("wput"), "wput not installed");
        Path root = Files.createDirectories(dir.resolve("root"));
        Path work = Files.createDirectories(dir.resolve("work"));
        byte[] data = TlsTesting.randomBytes(300_001, 3);
        Files.write(work.resolve("up.bin"), data);
        try (TestServer server = TlsTesting.server(root)) {
            External.Result r = wput(work, server, "up.bin");
            assertEquals(0, r.exit(), r.output());
            assertEquals(TlsTesting.sha256(data), TlsTesting.sha256(root.resolve("up.bin")), r.output());
        }
    }

    @Test
    void wputResumesAnUpload() throws Exception {
        assumeTrue(External.available("wput"), "wput not installed");
        Path root = Files.createDirectories(dir.resolve("root"));
        Path work = Files.createDirectories(dir.resolve("work"));
        byte[] data = TlsTesting.randomBytes(400_003, 4);
        Files.write(work.resolve("part.bin"), data);
        Files.write(root.resolve("part.bin"), Arrays.copyOf(data, 123_457)); // an earlier upload, cut short
        try (TestServer server = TlsTesting.server(root)) {
            External.Result r = External.run(work, Duration.ofSeconds(90), List.of("wput", "--tries=1",
                    "--timeout=150", "--force-tls", "part.bin",
                    "ftp://" + TestServer.USER + ":" + TestServer.PASSWORD + "@127.0.0.1:" + server.port() + "/part.bin"));
            assertEquals(0, r.exit(), r.output());
            assertEquals(TlsTesting.sha256(data), TlsTesting.sha256(root.resolve("part.bin")), r.output());
        }
    }
}
