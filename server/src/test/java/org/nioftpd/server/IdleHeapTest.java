package org.nioftpd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import com.sun.management.VMOption;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The daemon turns on G1's periodic collection (memory back to the system when idle) unless the
 * user set it or runs another collector: asked of real JVMs started with each choice.
 */
@Timeout(60)
class IdleHeapTest {

    /** Run in a child JVM: applies {@link IdleHeap}, prints the line it logged and the option's value. */
    public static final class Probe {
        public static void main(String[] args) {
            String line = IdleHeap.apply(IdleHeap.INTERVAL_MILLIS);
            HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            System.out.println(line == null ? "-" : line);
            System.out.println(vm.getVMOption("G1PeriodicGCInterval").getValue());
        }
    }

    private static List<String> probe(String... jvmFlags) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmFlags));
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Probe.class.getName()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "probe JVM did not end");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        return out.lines().toList();
    }

    @Test
    void withG1AndNoFlagTheDaemonCollectsWhenIdle() throws Exception {
        List<String> out = probe("-XX:+UseG1GC");
        assertEquals("60000", out.get(1), String.join("\n", out));
        assertTrue(out.get(0).startsWith("idle heap: G1 collects after 60 s"), out.get(0));
    }

    @Test
    void theUsersFlagWinsZeroIncluded() throws Exception {
        assertEquals(List.of("-", "0"), probe("-XX:+UseG1GC", "-XX:G1PeriodicGCInterval=0"));
        assertEquals(List.of("-", "15000"), probe("-XX:+UseG1GC", "-XX:G1PeriodicGCInterval=15000"));
    }

    @Test
    void anotherCollectorIsLeftAlone() throws Exception {
        assertEquals(List.of("-", "0"), probe("-XX:+UseSerialGC"));
    }

    @Test
    void theDecisionFollowsTheOptionsOrigin() {
        assertEquals(60_000, IdleHeap.decide(true, option("0", VMOption.Origin.DEFAULT), 60_000));
        assertEquals(-1, IdleHeap.decide(false, option("0", VMOption.Origin.DEFAULT), 60_000));
        assertEquals(-1, IdleHeap.decide(true, option("0", VMOption.Origin.VM_CREATION), 60_000));
        assertEquals(-1, IdleHeap.decide(true, option("30000", VMOption.Origin.ERGONOMIC), 60_000));
        assertEquals(-1, IdleHeap.decide(true, null, 60_000));
    }

    private static VMOption option(String value, VMOption.Origin origin) {
        return new VMOption("G1PeriodicGCInterval", value, true, origin);
    }
}
