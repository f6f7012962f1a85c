package org.nioftpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/**
 * RFC 2640 on the data connection: listings larger than the transfer buffer,
 * made of names in several scripts, so that buffer edges fall inside
 * multi-byte characters; every name must arrive as valid UTF-8, whole.
 */
@Timeout(60)
class Utf8ListingTest {

    @TempDir
    Path dir;
    TestServer server;
    final Set<String> names = new TreeSet<>();

    @BeforeEach
    void start() throws IOException {
        Path big = Files.createDirectory(dir.resolve("noms"));
        // about 100 KB of LIST and of MLSD: more than one 64 KB buffer, edges at odd places
        for (int i = 0; i < 1200; i++) {
            String name = "fichier-" + i + "-日本語-é€-\ud83d\ude00" + "ü".repeat(i % 7);
            names.add(name);
            Files.writeString(big.resolve(name), "x".repeat(i % 13));
        }
        server = TestServer.start(dir);
    }

    @AfterEach
    void stop() {
        server.close();
    }

    private String listing(RawClient r, String command) throws IOException {
        byte[] bytes;
        try (Socket data = r.passiveData()) {
            r.expect(command, 1);
            bytes = RawClient.readAll(data);
        }
        assertTrue(r.reply().startsWith("226 "));
        // strict: a character cut at a buffer edge and not carried over would be malformed here
        return StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes)).toString();
    }

    @Test
    void everyNameWholeInListMlsdAndNlst() throws IOException {
        try (RawClient r = server.rawLoggedIn()) {
            for (String command : new String[] {"LIST noms", "MLSD noms", "NLST noms"}) {
                String text = listing(r, command);
                assertTrue(text.endsWith("\r\n"), command);
                Set<String> seen = Arrays.stream(text.split("\r\n"))
                        .map(line -> line.substring(line.indexOf("fichier-"))) // the name ends each form
                        .collect(Collectors.toCollection(TreeSet::new));
                assertEquals(names, seen, command);
            }
        }
    }
}
