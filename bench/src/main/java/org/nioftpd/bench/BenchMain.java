package org.nioftpd.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.nioftpd.bench.load.LoadMain;
import org.nioftpd.bench.load.SvgChart;

/**
 * Entry point of {@code bench/target/benchmarks.jar}.
 * <ul>
 *   <li>no arguments: every JMH benchmark with a short default (one fork, two
 *       warm-up and three measured one-second iterations) that finishes in minutes;</li>
 *   <li>{@code load ...}: the load generator ({@link LoadMain}, {@code load -h});</li>
 *   <li>{@code serve nioftpd|apache ...}: an embedded server as a process, for the load generator;</li>
 *   <li>{@code fixtures [DIR]}: makes the files every benchmark serves;</li>
 *   <li>{@code chart --out F.svg RESULT.json...}: the ratio chart from load or JMH JSON results;</li>
 *   <li>anything else goes to JMH ({@code -h} lists its options), with the same
 *       short default for each of {@code -f -wi -w -i -r} not given, so that
 *       {@code benchmarks.jar SmallFiles -rf json} stays short too and a long,
 *       careful run only says so ({@code -f 3 -wi 5 -i 10 -r 5s}).</li>
 * </ul>
 */
public final class BenchMain {

    private BenchMain() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length > 0) {
            String[] rest = Arrays.copyOfRange(args, 1, args.length);
            switch (args[0]) {
                case "load" -> {
                    LoadMain.main(rest);
                    return;
                }
                case "serve" -> {
                    Serve.main(rest);
                    return;
                }
                case "fixtures" -> {
                    Fixtures.main(rest);
                    return;
                }
                case "chart" -> {
                    SvgChart.main(rest);
                    return;
                }
                default -> {
                    // JMH's own arguments
                }
            }
        }
        List<String> jmh = new ArrayList<>(List.of(args));
        String[][] defaults = {{"-f", "1"}, {"-wi", "2"}, {"-w", "1s"}, {"-i", "3"}, {"-r", "1s"}};
        for (String[] d : defaults) {
            if (!jmh.contains(d[0])) {
                jmh.add(0, d[1]);
                jmh.add(0, d[0]);
            }
        }
        org.openjdk.jmh.Main.main(jmh.toArray(String[]::new));
    }
}
