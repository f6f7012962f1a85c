package org.nioftpd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Keeps core's layering true after the next feature lands: the package graph
 * of the compiled classes (read by the JDK's own {@code jdeps}) has no cycle,
 * and the lower layers do not reach up. Before the architecture issue core had
 * three cycles (session and command, session and data, the API package and
 * session); each rule below names the one it guards.
 */
@Timeout(60)
class PackageCyclesTest {

    private static final Pattern EDGE =
            Pattern.compile("^\\s+(org\\.nioftpd[\\w.]*)\\s+->\\s+(org\\.nioftpd[\\w.]*)\\s");

    /** Package -> the nioftpd packages it uses (itself excluded). */
    private static Map<String, Set<String>> graph;

    @BeforeAll
    static void readGraph() throws URISyntaxException {
        Path classes = Path.of(FtpServer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        ToolProvider jdeps = ToolProvider.findFirst("jdeps")
                .orElseThrow(() -> new AssertionError("no jdeps in this JDK: run the tests on a full JDK"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = jdeps.run(new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                "-verbose:package", "-filter:none", classes.toString());
        assertEquals(0, status, err.toString(StandardCharsets.UTF_8));
        graph = new TreeMap<>();
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            Matcher m = EDGE.matcher(line);
            if (m.find()) {
                graph.computeIfAbsent(m.group(1), k -> new TreeSet<>());
                if (!m.group(1).equals(m.group(2))) {
                    graph.get(m.group(1)).add(m.group(2));
                }
            }
        }
        assertTrue(graph.size() >= 10, "jdeps saw too few packages: " + graph.keySet());
    }

    private static Set<String> reachable(String from) {
        Set<String> seen = new TreeSet<>();
        List<String> todo = new ArrayList<>(graph.getOrDefault(from, Set.of()));
        while (!todo.isEmpty()) {
            String p = todo.remove(todo.size() - 1);
            if (seen.add(p)) {
                todo.addAll(graph.getOrDefault(p, Set.of()));
            }
        }
        return seen;
    }

    @Test
    void noPackageDependsOnItselfThroughOthers() {
        List<String> cycles = new ArrayList<>();
        for (String p : graph.keySet()) {
            if (reachable(p).contains(p)) {
                cycles.add(p + " -> ... -> " + p + " (uses " + graph.get(p) + ")");
            }
        }
        assertTrue(cycles.isEmpty(), "package cycles in core:\n" + String.join("\n", cycles));
    }

    @Test
    void theReactorUsesNoOtherPackage() {
        assertEquals(Set.of(), graph.get("org.nioftpd.reactor"));
    }

    /** The data side reports outcomes; it never calls into the interpreter (was: session <-> data). */
    @Test
    void theDataTransferProcessKnowsNothingOfSessionsOrCommands() {
        Set<String> up = reachable("org.nioftpd.data");
        assertTrue(!up.contains("org.nioftpd.session") && !up.contains("org.nioftpd.command"), up.toString());
    }

    /** The interpreter dispatches through the table's types, not the handlers (was: session <-> command). */
    @Test
    void theInterpreterDoesNotKnowTheHandlers() {
        assertTrue(!reachable("org.nioftpd.session").contains("org.nioftpd.command"),
                reachable("org.nioftpd.session").toString());
    }

    /** Only the composition root and the API sit on top (was: org.nioftpd <-> session). */
    @Test
    void nothingDependsOnTheApiPackage() {
        for (Map.Entry<String, Set<String>> e : graph.entrySet()) {
            assertTrue(e.getKey().equals("org.nioftpd") || !e.getValue().contains("org.nioftpd"),
                    e.getKey() + " uses the API package");
        }
    }

    /**
     * The exported extension API is a leaf an extension can be written against alone: it names
     * events (an extension's listener) and nothing internal, so no internal type leaks to users.
     */
    @Test
    void theExtensionApiUsesOnlyTheEventsPackage() {
        Set<String> used = graph.getOrDefault("org.nioftpd.extension", Set.of());
        assertTrue(Set.of("org.nioftpd.event").containsAll(used), used.toString());
    }
}
