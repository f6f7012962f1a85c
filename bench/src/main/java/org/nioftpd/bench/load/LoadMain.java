package org.nioftpd.bench.load;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.nioftpd.bench.Fixtures;

/**
 * {@code java -jar benchmarks.jar load ...}: drives one or more FTP servers on
 * this machine with one non-blocking client ({@link LoadEngine}) and prints a
 * Markdown table per scenario (median of the rounds, and the ratio of each
 * target to the first); {@code --json} writes every round, {@code --svg} a chart.
 *
 * <p>With several targets, each round runs every target in turn (A B A B ...),
 * so that a drift of the machine (another build, a warm cache) touches all alike.
 */
public final class LoadMain {

    static final String USAGE = """
            usage: java -jar bench/target/benchmarks.jar load --scenario S[:N][,S[:N]...]
                       (--host H --port P [--name NAME] | --target NAME=[USER:PASSWORD@]HOST:PORT ...)
                       [--user U] [--password W] [--sessions N] [--duration SEC] [--warmup SEC] [--rounds R]
                       [--pid PID | --pid NAME=PID ...] [--json FILE] [--svg FILE]
                       [--file NAME] [--size BYTES] [--dir NAME] [--list-command LIST|MLSD|NLST]
                       [--after-login COMMAND ...] [--delete-before-stor true|false] [--ramp N] [--probe-interval MS] [--stall SEC] [--pause SEC]

            scenarios (default sessions):
              retr             RETR --file (big.bin, 64 MiB) over and over, one stream per session (1)
              stor             STOR --size bytes (64 MiB) to upload/load-TARGET-N.bin, again (1)
              login-storm      connect, USER, PASS, QUIT, wait for the close, again (64)
              small-files      PASV + RETR of --file (4k.bin), a data connection per file (1; try :8)
              concurrent-retr  RETR of 10m.bin by N sessions at once (100)
              idle             hold N logged-in sessions; NOOP p50/p99 from one more; memory with --pid (1000):
                               RSS and PSS of the pid and its children, KiB/session = growth of PSS
                               (RSS if no PSS) from before the first login to all N held, / N
              list             LIST (or --list-command) of --dir (dir10k) over and over (1)
              all              retr, stor, small-files:1, small-files:8, login-storm:64, concurrent-retr:100,
                               list, idle:900 (pure-ftpd admits 1,000 clients here, the probe included)
            --after-login COMMAND (repeatable): sent by every transferring session after TYPE I, each
            expecting a 2xx reply: "MODE Z" makes the server deflate what it sends (CPU-bound work,
            where --loops shows), "OPTS MODE Z LEVEL 1" sets its level. Byte counts are of the wire.
            --delete-before-stor true: stor sends DELE before each STOR (timed with it), so every upload
            makes a new file instead of replacing the last one (renaming over an existing file costs
            ext4 a writeback of the new one; most uploads in real use are new files).
            With --pid, every scenario also reports the server's CPU time in the measured window
            (user + system, the process and its descendants, reaped ones included): "server CPU %"
            (100 = one core) and "server CPU us/op", the server's own cost, which a shared machine
            blurs less than a rate.
            S:N sets the sessions of one scenario; --sessions sets the rest. Targets must be loopback
            addresses (127.0.0.0/8, ::1). The files are those of `benchmarks.jar fixtures DIR`.
            Defaults: --user bench --password bench --duration 5 --warmup 1 --rounds 3 (1 with one target)
            --ramp 64 (logins in flight while ramping up) --probe-interval 10 --stall 30 --pause 1.
            """;

    private LoadMain() {
    }

    public static void main(String[] args) throws Exception {
        try {
            System.exit(run(args, System.out));
        } catch (IllegalArgumentException e) {
            if (e.getMessage().equals("help")) {
                System.out.print(USAGE);
                System.exit(0);
            }
            System.err.println("load: " + e.getMessage());
            System.err.println();
            System.err.print(USAGE);
            System.exit(2);
        }
    }

    /** Runs and returns the exit code: 0, or 1 if any round had errors. Throws IllegalArgumentException on bad usage. */
    public static int run(String[] args, PrintStream out) throws IOException, InterruptedException {
        Options o = Options.parse(args);
        List<Map<String, Object>> results = new ArrayList<>();
        long errors = 0;
        for (Options.Item item : o.items) {
            Map<String, Object> r = runScenario(o, item, out);
            results.add(r);
            errors += ((Number) r.get("errors")).longValue();
        }
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("tool", "nioftpd-bench load");
        doc.put("date", Instant.now().toString());
        doc.put("machine", machine());
        doc.put("durationSeconds", o.duration);
        doc.put("warmupSeconds", o.warmup);
        doc.put("rounds", o.rounds);
        doc.put("results", results);
        if (o.json != null) {
            Files.writeString(o.json, Json.write(doc));
            out.println("wrote " + o.json);
        }
        if (o.svg != null) {
            Files.writeString(o.svg, SvgChart.render(List.of(doc), "nioftpd load generator: ratio to " + o.targets.get(0).name()));
            out.println("wrote " + o.svg);
        }
        return errors > 0 ? 1 : 0;
    }

    static Map<String, Object> machine() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cores", Runtime.getRuntime().availableProcessors());
        m.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " " + System.getProperty("os.arch"));
        return m;
    }

    private static Map<String, Object> runScenario(Options o, Options.Item item, PrintStream out)
            throws IOException, InterruptedException {
        Scenario sc = item.scenario;
        String file = o.file != null ? o.file : sc.defaultFile();
        LoadEngine.Config config = new LoadEngine.Config(sc, item.sessions, file, o.size, o.dir, o.listCommand,
                o.warmup, o.duration, o.ramp, o.probeInterval, o.stall, List.copyOf(o.afterLogin), o.deleteBeforeStor);
        int n = o.targets.size();
        List<List<Map<String, Double>>> rounds = new ArrayList<>();
        List<String> lastErrors = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            rounds.add(new ArrayList<>());
            lastErrors.add(null);
        }
        for (int round = 0; round < o.rounds; round++) {
            for (int t = 0; t < n; t++) {
                Target target = o.targets.get(t);
                System.err.printf(Locale.ROOT, "load: %s:%d round %d/%d %s (%s) ...%n", sc.id, item.sessions, round + 1,
                        o.rounds, target.name(), target.where());
                LoadEngine engine = new LoadEngine(target, config);
                Map<String, Double> m = engine.run();
                rounds.get(t).add(m);
                if (engine.lastError() != null) {
                    lastErrors.set(t, engine.lastError());
                }
                System.err.printf(Locale.ROOT, "load:   %s = %s%s%n", sc.primary, fmt(m.getOrDefault(sc.primary, Double.NaN)),
                        m.get("errors") > 0 ? "  (" + m.get("errors").longValue() + " errors, last: " + engine.lastError() + ")" : "");
                Thread.sleep((long) (o.pause * 1000));
            }
        }
        // medians, ratios
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("scenario", sc.id);
        r.put("sessions", item.sessions);
        if (file != null && sc != Scenario.STOR) {
            r.put("file", file);
        }
        if (sc == Scenario.STOR) {
            r.put("size", o.size);
        }
        if (sc == Scenario.LIST) {
            r.put("command", o.listCommand + " " + o.dir);
        }
        if (sc == Scenario.STOR && o.deleteBeforeStor) {
            r.put("deleteBeforeStor", "true");
        }
        if (!o.afterLogin.isEmpty()) {
            r.put("afterLogin", String.join("; ", o.afterLogin));
        }
        r.put("primary", sc.primary);
        r.put("higherIsBetter", sc.higherIsBetter);
        List<Map<String, Object>> targets = new ArrayList<>();
        List<String> metrics = new ArrayList<>(rounds.get(0).get(0).keySet());
        double base = Double.NaN;
        long errors = 0;
        for (int t = 0; t < n; t++) {
            Target target = o.targets.get(t);
            Map<String, Double> median = new LinkedHashMap<>();
            for (String metric : metrics) {
                median.put(metric, median(rounds.get(t), metric));
            }
            errors += rounds.get(t).stream().mapToLong(m -> m.get("errors").longValue()).sum();
            double primary = median.getOrDefault(sc.primary, Double.NaN);
            if (t == 0) {
                base = primary;
            }
            Map<String, Object> tr = new LinkedHashMap<>();
            tr.put("name", target.name());
            tr.put("address", target.where());
            tr.put("median", median);
            tr.put("ratio", primary / base);
            tr.put("rounds", rounds.get(t));
            if (lastErrors.get(t) != null) {
                tr.put("lastError", lastErrors.get(t));
            }
            targets.add(tr);
        }
        r.put("targets", targets);
        r.put("errors", errors);
        printTable(out, r, metrics, o);
        return r;
    }

    private static double median(List<Map<String, Double>> rounds, String metric) {
        double[] v = rounds.stream().mapToDouble(m -> m.getOrDefault(metric, Double.NaN)).filter(d -> !Double.isNaN(d))
                .sorted().toArray();
        if (v.length == 0) {
            return Double.NaN;
        }
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    @SuppressWarnings("unchecked")
    private static void printTable(PrintStream out, Map<String, Object> r, List<String> metrics, Options o) {
        List<Map<String, Object>> targets = (List<Map<String, Object>>) r.get("targets");
        String first = (String) targets.get(0).get("name");
        out.printf(Locale.ROOT, "%n### %s, %s session%s (%s s x %d round%s, median)%n%n", r.get("scenario"), r.get("sessions"),
                ((Integer) r.get("sessions")) == 1 ? "" : "s", fmt(o.duration), o.rounds, o.rounds == 1 ? "" : "s");
        StringBuilder head = new StringBuilder("| target |");
        StringBuilder rule = new StringBuilder("|---|");
        for (String m : metrics) {
            head.append(' ').append(m).append(" |");
            rule.append("---:|");
        }
        if (targets.size() > 1) {
            head.append(' ').append(r.get("primary")).append(" vs ").append(first).append(" |");
            rule.append("---:|");
        }
        out.println(head);
        out.println(rule);
        for (Map<String, Object> t : targets) {
            StringBuilder row = new StringBuilder("| ").append(t.get("name")).append(" |");
            Map<String, Double> median = (Map<String, Double>) t.get("median");
            for (String m : metrics) {
                Double v = median.get(m);
                boolean count = m.equals("errors") || m.equals("held");
                row.append(' ').append(count && v != null && !v.isNaN() ? String.format(Locale.ROOT, "%,d", v.longValue())
                        : fmt(v)).append(" |");
            }
            if (targets.size() > 1) {
                Double ratio = (Double) t.get("ratio");
                row.append(' ').append(ratio.isNaN() || ratio.isInfinite() ? "-" : String.format(Locale.ROOT, "%.2fx", ratio))
                        .append(" |");
            }
            out.println(row);
        }
        for (Map<String, Object> t : targets) {
            if (t.get("lastError") != null) {
                out.println();
                out.println("(" + t.get("name") + ": last error: " + t.get("lastError") + ")");
            }
        }
    }

    static String fmt(Double d) {
        if (d == null || d.isNaN()) {
            return "-";
        }
        double a = Math.abs(d);
        if (a >= 100) {
            return String.format(Locale.ROOT, "%,.0f", d);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", d);
        }
        return String.format(Locale.ROOT, "%.2f", d);
    }

    static String fmt(double d) {
        return fmt(Double.valueOf(d));
    }

    /** The command line, checked. */
    static final class Options {
        record Item(Scenario scenario, int sessions) {
        }

        final List<Target> targets = new ArrayList<>();
        final List<Item> items = new ArrayList<>();
        double duration = 5;
        double warmup = 1;
        int rounds;
        String file;
        long size = Fixtures.BIG_SIZE;
        String dir = Fixtures.DIR;
        String listCommand = "LIST";
        final List<String> afterLogin = new ArrayList<>();
        boolean deleteBeforeStor;
        int ramp = 64;
        int probeInterval = 10;
        double stall = 30;
        double pause = 1;
        Path json;
        Path svg;

        static Options parse(String[] args) {
            Options o = new Options();
            String host = null;
            String port = null;
            String name = "target";
            String user = "bench";
            String password = "bench";
            String scenarios = null;
            Integer sessions = null;
            Integer rounds = null;
            List<String> targetSpecs = new ArrayList<>();
            List<String> pids = new ArrayList<>();
            for (int i = 0; i < args.length; i++) {
                String a = args[i];
                if (a.equals("-h") || a.equals("--help")) {
                    throw new IllegalArgumentException("help");
                }
                if (!a.startsWith("--")) {
                    throw new IllegalArgumentException("unexpected argument '" + a + "'");
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(a + " needs a value");
                }
                String v = args[++i];
                switch (a) {
                    case "--host" -> host = v;
                    case "--port" -> port = v;
                    case "--name" -> name = v;
                    case "--user" -> user = v;
                    case "--password" -> password = v;
                    case "--target" -> targetSpecs.add(v);
                    case "--scenario" -> scenarios = v;
                    case "--sessions" -> sessions = positive(a, v);
                    case "--duration" -> o.duration = positiveDouble(a, v);
                    case "--warmup" -> o.warmup = nonNegativeDouble(a, v);
                    case "--rounds" -> rounds = positive(a, v);
                    case "--pid" -> pids.add(v);
                    case "--json" -> o.json = Path.of(v);
                    case "--svg" -> o.svg = Path.of(v);
                    case "--file" -> o.file = v;
                    case "--size" -> o.size = positive(a, v);
                    case "--dir" -> o.dir = v;
                    case "--list-command" -> o.listCommand = v.toUpperCase(Locale.ROOT);
                    case "--after-login" -> o.afterLogin.add(v);
                    case "--delete-before-stor" -> {
                        if (!v.equals("true") && !v.equals("false")) {
                            throw new IllegalArgumentException("--delete-before-stor takes true or false, not '" + v + "'");
                        }
                        o.deleteBeforeStor = v.equals("true");
                    }
                    case "--ramp" -> o.ramp = positive(a, v);
                    case "--probe-interval" -> o.probeInterval = positive(a, v);
                    case "--stall" -> o.stall = positiveDouble(a, v);
                    case "--pause" -> o.pause = nonNegativeDouble(a, v);
                    default -> throw new IllegalArgumentException("unknown option " + a);
                }
            }
            if (host != null || port != null) {
                if (host == null || port == null) {
                    throw new IllegalArgumentException("--host and --port go together");
                }
                o.targets.add(new Target(name, Target.loopback(host), Target.port(port), user, password, 0));
            }
            for (String spec : targetSpecs) {
                o.targets.add(Target.parse(spec, user, password));
            }
            if (o.targets.isEmpty()) {
                throw new IllegalArgumentException("no target: give --host and --port, or --target");
            }
            if (o.targets.stream().map(Target::name).distinct().count() != o.targets.size()) {
                throw new IllegalArgumentException("target names must differ");
            }
            for (String p : pids) {
                int eq = p.indexOf('=');
                String who = eq < 0 ? o.targets.get(0).name() : p.substring(0, eq);
                long pid = positive("--pid", eq < 0 ? p : p.substring(eq + 1));
                int idx = -1;
                for (int t = 0; t < o.targets.size(); t++) {
                    if (o.targets.get(t).name().equals(who)) {
                        idx = t;
                    }
                }
                if (idx < 0) {
                    throw new IllegalArgumentException("--pid " + p + ": no target named " + who);
                }
                o.targets.set(idx, o.targets.get(idx).withPid(pid));
            }
            if (!List.of("LIST", "MLSD", "NLST").contains(o.listCommand)) {
                throw new IllegalArgumentException("--list-command is LIST, MLSD or NLST");
            }
            if (scenarios == null) {
                throw new IllegalArgumentException("--scenario is required");
            }
            List<String> specs = new ArrayList<>();
            for (String s : scenarios.split(",")) {
                if (s.equals("all")) {
                    specs.addAll(Arrays.asList("retr", "stor", "small-files:1", "small-files:8", "login-storm:64",
                            "concurrent-retr:100", "list", "idle:900"));
                } else if (!s.isBlank()) {
                    specs.add(s.trim());
                }
            }
            for (String s : specs) {
                int colon = s.indexOf(':');
                Scenario sc = Scenario.of(colon < 0 ? s : s.substring(0, colon));
                int n = colon >= 0 ? positive("--scenario " + s, s.substring(colon + 1))
                        : sessions != null ? sessions : sc.defaultSessions;
                o.items.add(new Item(sc, n));
            }
            o.rounds = rounds != null ? rounds : o.targets.size() > 1 ? 3 : 1;
            return o;
        }

        private static int positive(String opt, String v) {
            try {
                int n = Integer.parseInt(v);
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException ignored) {
                // below
            }
            throw new IllegalArgumentException(opt + " wants a positive integer, got '" + v + "'");
        }

        private static double positiveDouble(String opt, String v) {
            double d = nonNegativeDouble(opt, v);
            if (d <= 0) {
                throw new IllegalArgumentException(opt + " must be positive");
            }
            return d;
        }

        private static double nonNegativeDouble(String opt, String v) {
            try {
                double d = Double.parseDouble(v);
                if (d >= 0 && !Double.isInfinite(d)) {
                    return d;
                }
            } catch (NumberFormatException ignored) {
                // below
            }
            throw new IllegalArgumentException(opt + " wants a non-negative number, got '" + v + "'");
        }
    }
}
