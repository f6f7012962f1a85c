package org.nioftpd.session;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/** A PROXY-protocol listener takes the client's address from the header, for STAT, limits and PORT checks. */
@Timeout(30)
class ProxyProtocolTest {

    @TempDir
    Path dir;

    @Test
    void v1HeaderNamesTheClient() throws Exception {
        try (TestServer server = TestServer.start(dir, b -> b.proxyProtocol(true).maxSessionsPerAddress(1));
             RawClient c = new RawClient(server.port())) {
            c.sendRaw("PROXY TCP4 127.0.0.9 127.0.0.1 40000 21\r\n".getBytes(StandardCharsets.US_ASCII));
            assertTrue(c.reply().startsWith("220"));
            c.login("u", "p");
            assertTrue(c.command("STAT").contains("Connected to 127.0.0.9"));
            // PORT must name the real client now, not the proxy's address
            assertTrue(c.command("PORT 127,0,0,1,200,10").startsWith("504"));
            assertTrue(c.command("PORT 127,0,0,9,200,10").startsWith("200"));
            // The per-address limit counts the real client: a second session "from" 127.0.0.9 is refused...
            try (RawClient d = new RawClient(server.port())) {
                d.sendRaw("PROXY TCP4 127.0.0.9 127.0.0.1 40001 21\r\n".getBytes(StandardCharsets.US_ASCII));
                assertTrue(d.reply().startsWith("421"));
            }
            // ...while one from another client behind the same proxy is not.
            try (RawClient e = new RawClient(server.port())) {
                e.sendRaw("PROXY TCP4 127.0.0.10 127.0.0.1 40002 21\r\n".getBytes(StandardCharsets.US_ASCII));
                assertTrue(e.reply().startsWith("220"));
            }
        }
    }

    @Test
    void connectionWithoutHeaderIsClosed() throws Exception {
        try (TestServer server = TestServer.start(dir, b -> b.proxyProtocol(true));
             RawClient c = new RawClient(server.port())) {
            c.send("USER u");
            assertNull(readOrEof(c), "no greeting, no reply: closed");
        }
    }

    @Test
    void commandsPipelinedBehindTheHeaderAreKept() throws Exception {
        try (TestServer server = TestServer.start(dir, b -> b.proxyProtocol(true));
             RawClient c = new RawClient(server.port())) {
            c.sendRaw("PROXY TCP4 127.0.0.5 127.0.0.1 1 21\r\nNOOP\r\n".getBytes(StandardCharsets.US_ASCII));
            assertTrue(c.reply().startsWith("220"));
            assertEquals("200 NOOP ok.", c.reply());
        }
    }

    private static String readOrEof(RawClient c) {
        try {
            return c.reply();
        } catch (IOException e) {
            return null; // reset: closed too
        }
    }
}
