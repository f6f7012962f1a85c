package org.nioftpd.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.testing.TestServer;

/**
 * rclone (Go crypto/tls) over explicit FTPS, one of the two clients of issue
 * 16: files copied up, compared by SHA-256 (it failed with 426 for any file
 * the server had not read whole when rclone closed). Skipped when rclone is
 * missing (Debian package "rclone"); FtpsUploadCloseTest tests the mechanism
 * without it. wput, the other, has WputFtpsTest.
 */
@Timeout(120)
class RcloneFtpsTest {

    @TempDir
    Path dir;

    @Test
    void rcloneCopiesADirectory() throws Exception {
        assumeTrue(External.available("rclone"), "rclone not installed");
        Path root = Files.createDirectories(dir.resolve("root"));
        Path work = Files.createDirectories(dir.resolve("work"));
        Path src = Files.createDirectories(work.resolve("src"));
        byte[] small = TlsTesting.randomBytes(5_000, 1);
        byte[] large = TlsTesting.randomBytes(300_001, 2);
        Files.write(src.resolve("small.bin"), small);
        Files.write(src.resolve("large.bin"), large);
        try (TestServer server = TlsTesting.server(root)) {
            External.Result obscured = External.run(work, Duration.ofSeconds(30), List.of("rclone", "obscure", TestServer.PASSWORD));
            assertEquals(0, obscured.exit(), obscured.output());
            String remote = ":ftp,host=127.0.0.1,port=" + server.port() + ",user=" + TestServer.USER
                    + ",pass=" + obscured.output().strip() + ",explicit_tls=true,no_check_certificate=true:dest";
            External.Result r = External.run(work, Duration.ofSeconds(90), List.of("rclone", "copy",
                    "--config", "/dev/null", "--retries", "1", "--low-level-retries", "1", "--contimeout", "15s",
                    "--timeout", "30s", "-v", src.toString(), remote));
            assertEquals(0, r.exit(), r.output());
            assertEquals(TlsTesting.sha256(small), TlsTesting.sha256(root.resolve("dest/small.bin")), r.output());
            assertEquals(TlsTesting.sha256(large), TlsTesting.sha256(root.resolve("dest/large.bin")), r.output());
        }
    }
}
