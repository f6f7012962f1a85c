package org.nioftpd.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * Entry point of {@code bench/target/benchmarks.jar}. With no arguments it
 * runs every JMH benchmark with a short default (one fork, a few one-second
 * iterations) that finishes in minutes; any arguments go to JMH as they are
 * ({@code -h} lists them), so a long, careful run is one command too.
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        List<String> jmh = new ArrayList<>(List.of(args));
        if (jmh.isEmpty()) {
            jmh.addAll(List.of("-f", "1", "-wi", "2", "-w", "1s", "-i", "3", "-r", "1s"));
        }
        org.openjdk.jmh.Main.main(jmh.toArray(String[]::new));
    }
}
