package org.nioftpd;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.auth.InMemoryAuthenticator;

class FtpServerLifecycleTest {

    @TempDir
    Path dir;

    /** Regression: a failed bind left loops that were never started, and close() waited 10 s for them. */
    @Test
    @Timeout(3)
    void failedStartReportsTheAddressAndClosesAtOnce() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            InetSocketAddress busy = new InetSocketAddress(InetAddress.getLoopbackAddress(), taken.getLocalPort());
            FtpServer server = FtpServer.builder().root(dir).listen(busy).build();
            IOException e = assertThrows(IOException.class, server::start);
            assertTrue(e.getMessage().contains("cannot listen on") && e.getMessage().contains(
                    String.valueOf(taken.getLocalPort())), e.getMessage());
            server.close();
        }
    }

    /** Regression: with a real user "ftp", "FTP" logged in as anonymous instead of being refused. */
    @Test
    void anonymousNameInAnotherCaseIsTheRealUser() {
        InMemoryAuthenticator auth = new InMemoryAuthenticator().addUser("ftp", "secret", dir, true).anonymous(dir);
        assertNull(auth.authenticate("FTP", "whatever"));
        assertTrue(auth.authenticate("ftp", "secret").writable());
        assertTrue(auth.authenticate("anonymous", "me@").anonymous());
    }
}
