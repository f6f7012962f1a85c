package org.nioftpd.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Words.split answers exactly as {@code String.split(" +", limit)}, which it replaces on the command paths. */
@Timeout(30)
class WordsTest {

    @Test
    void theCommandsArgumentsSplitAsWithTheRegex() {
        String[] texts = {"", " ", "I", "A N", "A  N", "L 8", " lead", "trail ", "a  b   c d", "CHMOD 755 my file.txt",
                          "QUOTA RESCAN", "Z LEVEL 9", "SHA-256 0 100"};
        for (String t : texts) {
            for (int limit = -1; limit <= 4; limit++) {
                assertArrayEquals(t.split(" +", limit), Words.split(t, limit), "'" + t + "' limit " + limit);
            }
            assertArrayEquals(t.split(" +"), Words.split(t), "'" + t + "'");
        }
    }

    @Test
    void randomTextsSplitAsWithTheRegex() {
        Random random = new Random(5);
        for (int k = 0; k < 50_000; k++) {
            StringBuilder b = new StringBuilder();
            int length = random.nextInt(9);
            for (int i = 0; i < length; i++) {
                b.append(random.nextInt(3) == 0 ? ' ' : (char) ('a' + random.nextInt(3)));
            }
            String t = b.toString();
            int limit = random.nextInt(6) - 1;
            assertArrayEquals(t.split(" +", limit), Words.split(t, limit), "'" + t + "' limit " + limit);
        }
    }
}
