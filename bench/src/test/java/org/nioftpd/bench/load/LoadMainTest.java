package org.nioftpd.bench.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nioftpd.bench.EmbeddedServer;
import org.nioftpd.bench.Fixtures;

/** The load generator against an embedded nioftpd, a fraction of a second per scenario: it works, it is not timed. */
class LoadMainTest {

    @TempDir
    static Path dir;
    static EmbeddedServer server;

    @BeforeAll
    static void start() throws Exception {
        server = EmbeddedServer.start("nioftpd", Fixtures.ensure(dir.resolve("root")), 0, 2);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private String run(String... args) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = LoadMain.run(args, new PrintStream(bytes, true, StandardCharsets.UTF_8));
        String out = bytes.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, out);
        return out;
    }

    @Test
    void everyScenarioRunsWithoutErrorsAndWritesJsonAndSvg() throws Exception {
        Path json = dir.resolve("r.json");
        Path svg = dir.resolve("r.svg");
        String out = run("--target", "a=127.0.0.1:" + server.port(), "--target", "b=127.0.0.1:" + server.port(),
                "--scenario", "retr,stor,small-files:2,login-storm:4,concurrent-retr:3,list,idle:20",
                "--size", "1000000", "--duration", "0.3", "--warmup", "0.1", "--rounds", "1", "--pause", "0",
                "--probe-interval", "2", "--json", json.toString(), "--svg", svg.toString());
        for (String s : List.of("### retr", "### stor", "### small-files, 2 sessions", "### login-storm", "### concurrent-retr",
                "### list", "### idle, 20 sessions", "| a |", "| b |", "vs a |")) {
            assertTrue(out.contains(s), s + " missing from:\n" + out);
        }
        Map<?, ?> doc = (Map<?, ?>) Json.parse(Files.readString(json));
        List<?> results = (List<?>) doc.get("results");
        assertEquals(7, results.size());
        for (Object r : results) {
            assertEquals(0.0, ((Number) ((Map<?, ?>) r).get("errors")).doubleValue(), r.toString());
        }
        Map<?, ?> retr = (Map<?, ?>) results.get(0);
        Map<?, ?> a = (Map<?, ?>) ((List<?>) retr.get("targets")).get(0);
        assertTrue(((Number) ((Map<?, ?>) a.get("median")).get("MB/s")).doubleValue() > 0, a.toString());
        String chart = Files.readString(svg);
        assertTrue(chart.startsWith("<svg") && chart.contains("small-files, 2 sessions"), chart);
    }

    @Test
    void afterLoginCommandsAndNewFileUploadsRunAndAreRecorded() throws Exception {
        Path json = dir.resolve("z.json");
        run("--target", "a=127.0.0.1:" + server.port(), "--scenario", "retr", "--size", "1000000",
                "--after-login", "MODE Z", "--after-login", "OPTS MODE Z LEVEL 1",
                "--duration", "0.3", "--warmup", "0.1", "--rounds", "1", "--pause", "0", "--json", json.toString());
        Map<?, ?> retr = (Map<?, ?>) ((List<?>) ((Map<?, ?>) Json.parse(Files.readString(json))).get("results")).get(0);
        assertEquals("MODE Z; OPTS MODE Z LEVEL 1", retr.get("afterLogin"));
        assertEquals(0.0, ((Number) retr.get("errors")).doubleValue(), retr.toString());

        run("--target", "a=127.0.0.1:" + server.port(), "--scenario", "stor", "--size", "100000",
                "--delete-before-stor", "true",
                "--duration", "0.3", "--warmup", "0.1", "--rounds", "1", "--pause", "0", "--json", json.toString());
        Map<?, ?> stor = (Map<?, ?>) ((List<?>) ((Map<?, ?>) Json.parse(Files.readString(json))).get("results")).get(0);
        assertEquals("true", stor.get("deleteBeforeStor"));
        assertEquals(0.0, ((Number) stor.get("errors")).doubleValue(), stor.toString());
    }

    @Test
    void aRefusedAfterLoginCommandCountsAsAnError() throws Exception {
        Path json = dir.resolve("q.json");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int code = LoadMain.run(new String[] {"--target", "a=127.0.0.1:" + server.port(), "--scenario", "retr",
                "--size", "1000000", "--after-login", "MODE Q", "--stall", "2",
                "--duration", "0.3", "--warmup", "0.1", "--rounds", "1", "--pause", "0", "--json", json.toString()},
                new PrintStream(bytes, true, StandardCharsets.UTF_8));
        assertEquals(1, code, bytes.toString(StandardCharsets.UTF_8));
        assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("MODE Q"), bytes.toString(StandardCharsets.UTF_8));
        Map<?, ?> retr = (Map<?, ?>) ((List<?>) ((Map<?, ?>) Json.parse(Files.readString(json))).get("results")).get(0);
        assertTrue(((Number) retr.get("errors")).doubleValue() > 0, retr.toString());
    }

    @Test
    void deleteBeforeStorTakesOnlyTrueOrFalse() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LoadMain.run(new String[] {"--host", "127.0.0.1", "--port", "21", "--scenario", "stor",
                        "--delete-before-stor", "yes"}, System.out));
        assertTrue(e.getMessage().contains("true or false"), e.getMessage());
    }

    @Test
    void refusesHostsThatAreNotLoopback() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> LoadMain.run(new String[] {"--host", "192.0.2.1", "--port", "21", "--scenario", "retr"},
                        System.out));
        assertTrue(e.getMessage().contains("only targets loopback"), e.getMessage());
        assertThrows(IllegalArgumentException.class,
                () -> LoadMain.run(new String[] {"--target", "x=10.1.2.3:21", "--scenario", "retr"}, System.out));
    }

    @Test
    void acceptsEveryLoopbackForm() {
        assertEquals(21, Target.parse("x=u:p@127.0.0.2:21", "a", "b").port());
        assertEquals("u", Target.parse("x=u:p@127.0.0.2:21", "a", "b").user());
        assertTrue(Target.parse("x=[::1]:21", "a", "b").address().isLoopbackAddress());
        assertTrue(Target.parse("x=localhost:21", "a", "b").address().isLoopbackAddress());
    }

    @Test
    void chartReadsJmhResults() {
        Object jmh = Json.parse("""
                [{"benchmark":"org.nioftpd.bench.e2e.LoginBench.login1client","params":{"loops":"2","server":"apache"},
                  "primaryMetric":{"score":2000.0,"scoreUnit":"ops/s"}},
                 {"benchmark":"org.nioftpd.bench.e2e.LoginBench.login1client","params":{"loops":"2","server":"nioftpd"},
                  "primaryMetric":{"score":4000.0,"scoreUnit":"ops/s"}}]""");
        String svg = SvgChart.render(List.of(jmh), "t");
        assertTrue(svg.contains("LoginBench.login1client: ops/s") && svg.contains("0.50x"), svg);
    }
}
