package org.nioftpd.data;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/**
 * Without a configured range, passive ports are drawn at random from
 * 49152-65535 and bound explicitly, not left to the kernel (port 0), whose
 * search through TIME_WAIT sockets the bench found to be most of a loop's
 * time under load.
 */
@Timeout(30)
class PassivePortDefaultTest {

    @TempDir
    Path dir;

    @Test
    void passivePortsComeFromTheDynamicRangeAtRandom() throws Exception {
        try (TestServer server = TestServer.start(dir); RawClient c = new RawClient(server.port())) {
            c.reply();
            c.login("u", "p");
            Set<Integer> ports = new HashSet<>();
            for (int i = 0; i < 20; i++) {
                int port = c.epsv();
                assertTrue(port >= 49152 && port <= 65535, "port " + port);
                ports.add(port);
            }
            assertTrue(ports.size() >= 10, "random, not sequential reuse: " + ports);
        }
    }
}
