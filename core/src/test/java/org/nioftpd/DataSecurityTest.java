package org.nioftpd;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/**
 * RFC 2577: no bounce (PORT/EPRT only to the client's own address and an
 * unprivileged port) and no data theft (a passive connection from another
 * address is closed, and the real client's is still awaited).
 * 127.0.0.2 plays the other host: it is loopback, so nothing leaves the machine.
 */
@Timeout(30)
class DataSecurityTest {

    static final String SECRET = "secret data\n";

    @TempDir
    Path dir;
    TestServer server;

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start(dir);
        Files.writeString(dir.resolve("f.txt"), SECRET);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    static InetAddress otherHost() throws IOException {
        return InetAddress.getByName("127.0.0.2");
    }

    /** A listener on the "other host", to prove the server never connects there. */
    static ServerSocketChannel otherHostListener() throws IOException {
        ServerSocketChannel ch = ServerSocketChannel.open();
        try {
            ch.bind(new InetSocketAddress(otherHost(), 0));
        } catch (SocketException e) { // BindException included
            ch.close();
            Assumptions.abort("cannot bind 127.0.0.2 here: " + e);
        }
        ch.configureBlocking(false);
        return ch;
    }

    @Test
    void portToAnotherHostIs504AndNothingConnects() throws IOException {
        try (RawClient r = server.rawLoggedIn(); ServerSocketChannel victim = otherHostListener()) {
            int p = ((InetSocketAddress) victim.getLocalAddress()).getPort();
            assertTrue(r.command("PORT 127,0,0,2," + (p >> 8) + "," + (p & 0xff)).startsWith("504 "));
            assertTrue(r.command("RETR f.txt").startsWith("425 "), "no data setup was recorded");
            assertTrue(r.command("EPRT |1|127.0.0.2|" + p + "|").startsWith("504 "));
            assertTrue(r.command("RETR f.txt").startsWith("425 "));
            assertNull(victim.accept(), "the server never connected to the other host");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"PORT 127,0,0,1,0,21", "PORT 127,0,0,1,3,255", "EPRT |1|127.0.0.1|25|",
            "EPRT |1|127.0.0.1|1023|", "PORT 10,0,0,1,200,1", "EPRT |2|::1|50000|"})
    void bounceTargetsAre504(String command) throws IOException {
        try (RawClient r = server.rawLoggedIn()) {
            String reply = r.command(command);
            assertTrue(reply.startsWith("504 "), command + " -> " + reply);
            assertTrue(r.command("RETR f.txt").startsWith("425 "));
        }
    }

    @Test
    void foreignDataAddressesAllowedWhenConfigured() throws IOException {
        server.close();
        server = TestServer.start(dir, b -> b.allowForeignDataAddress(true));
        try (RawClient r = server.rawLoggedIn()) {
            assertTrue(r.command("PORT 127,0,0,2,200,1").startsWith("200 "));
        }
    }

    @Test
    void passiveConnectionFromAnotherAddressIsClosedAndTheClientStillServed() throws IOException {
        try (RawClient r = server.rawLoggedIn()) {
            r.expect("TYPE I", 200);
            int port = r.pasv();
            try (Socket thief = new Socket()) {
                try {
                    thief.bind(new InetSocketAddress(otherHost(), 0));
                } catch (BindException e) {
                    Assumptions.abort("cannot bind 127.0.0.2 here: " + e);
                }
                thief.connect(new InetSocketAddress(r.socket().getInetAddress(), port), 10_000);
                thief.setSoTimeout(20_000);
                byte[] got;
                try {
                    got = thief.getInputStream().readAllBytes(); // until the server closes it
                } catch (SocketException reset) {
                    got = new byte[0];
                }
                assertEquals(0, got.length, "the thief gets nothing");

                r.expect("RETR f.txt", 150);
                try (Socket data = r.connectData(port)) {
                    assertEquals(SECRET, new String(RawClient.readAll(data), StandardCharsets.UTF_8));
                }
                assertTrue(r.reply().startsWith("226 "));
            }
        }
    }

    @Test
    void aThiefCannotFeedAnUpload() throws IOException {
        try (RawClient r = server.rawLoggedIn()) {
            r.expect("TYPE I", 200);
            int port = r.pasv();
            r.expect("STOR up.txt", 150);
            try (Socket thief = new Socket()) {
                try {
                    thief.bind(new InetSocketAddress(otherHost(), 0));
                } catch (BindException e) {
                    Assumptions.abort("cannot bind 127.0.0.2 here: " + e);
                }
                thief.connect(new InetSocketAddress(r.socket().getInetAddress(), port), 10_000);
                thief.setSoTimeout(20_000);
                try {
                    thief.getOutputStream().write("forged".getBytes(StandardCharsets.UTF_8));
                    assertEquals(-1, thief.getInputStream().read(), "closed by the server");
                } catch (SocketException reset) {
                    // closed by the server, abruptly
                }
            }
            try (Socket data = r.connectData(port); OutputStream out = data.getOutputStream()) {
                out.write("genuine".getBytes(StandardCharsets.UTF_8));
            }
            assertTrue(r.reply().startsWith("226 "));
        }
        assertArrayEquals("genuine".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(dir.resolve("up.txt")));
    }
}
