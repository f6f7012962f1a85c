package org.nioftpd;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nioftpd.testing.RawClient;
import org.nioftpd.testing.TestServer;

/** RFC 959 4.1.2: TYPE, MODE, STRU: what is supported is 200, what is not is 504. */
@Timeout(30)
class TransferParametersTest {

    @TempDir
    Path dir;
    TestServer server;
    RawClient r;

    @BeforeEach
    void start() throws IOException {
        server = TestServer.start(dir);
        r = server.rawLoggedIn();
    }

    @AfterEach
    void stop() throws IOException {
        r.close();
        server.close();
    }

    @ParameterizedTest
    @CsvSource({
        "TYPE A, 200", "TYPE a, 200", "TYPE A N, 200", "TYPE I, 200", "TYPE L 8, 200",
        "TYPE E, 504", "TYPE L 7, 504", "TYPE A T, 504", "TYPE Z, 501",
        "MODE S, 200", "MODE B, 504", "MODE C, 504", "MODE Q, 501",
        "STRU F, 200", "STRU R, 504", "STRU P, 504", "STRU X, 501",
    })
    void replies(String command, int code) throws IOException {
        String reply = r.command(command);
        assertTrue(reply.startsWith(code + " "), command + " -> " + reply);
    }

    @ParameterizedTest
    @CsvSource({"TYPE I, BINARY", "TYPE L 8, BINARY", "TYPE A, ASCII"})
    void typeIsWhatStatReports(String command, String shown) throws IOException {
        r.command(command.equals("TYPE A") ? "TYPE I" : "TYPE A");
        r.command(command);
        String stat = r.command("STAT");
        assertTrue(stat.contains("TYPE: " + shown), stat);
    }

    @ParameterizedTest
    @CsvSource({"TYPE E", "TYPE L 7"})
    void refusedTypeLeavesTheTypeAlone(String command) throws IOException {
        r.command("TYPE I");
        assertTrue(r.command(command).startsWith("504 "));
        assertTrue(r.command("STAT").contains("TYPE: BINARY"));
    }
}
