package org.nioftpd.bench.load;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns results into an SVG bar chart of ratios: one group per measurement,
 * one horizontal bar per server, its length the server's score divided by the
 * first server's (the dashed line is 1.0). Reads both kinds of results this
 * module writes: the load generator's {@code --json} files, and JMH's
 * {@code -rf json} files (grouped by benchmark, one bar per {@code server} param,
 * ratio to nioftpd).
 *
 * <p>{@code java -jar benchmarks.jar chart --out FILE.svg [--title T] RESULT.json...}
 */
public final class SvgChart {

    private static final String[] COLORS = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
        "#7f7f7f"};
    private static final int WIDTH = 900;
    private static final int LABEL = 150;
    private static final int BAR = 18;
    private static final int GAP = 4;

    private SvgChart() {
    }

    record Bar(String name, double ratio, double value, String unit) {
    }

    record Group(String title, boolean higherIsBetter, List<Bar> bars) {
    }

    public static void main(String[] args) throws IOException {
        Path out = null;
        String title = null;
        List<Path> inputs = new ArrayList<>();
        boolean usage = false;
        for (int i = 0; i < args.length && !usage; i++) {
            switch (args[i]) {
                case "--out", "--title" -> {
                    if (i + 1 == args.length) {
                        usage = true;
                    } else if (args[i].equals("--out")) {
                        out = Path.of(args[++i]);
                    } else {
                        title = args[++i];
                    }
                }
                default -> {
                    usage = args[i].startsWith("-"); // -h, --help, or an option this command does not have
                    inputs.add(Path.of(args[i]));
                }
            }
        }
        if (usage || out == null || inputs.isEmpty()) {
            System.err.println("usage: java -jar benchmarks.jar chart --out FILE.svg [--title TEXT] RESULT.json...");
            System.exit(2);
        }
        List<Object> docs = new ArrayList<>();
        for (Path p : inputs) {
            if (!Files.isRegularFile(p)) {
                System.err.println("chart: no such file: " + p);
                System.exit(2);
            }
            docs.add(Json.parse(Files.readString(p)));
        }
        Files.writeString(out, render(docs, title != null ? title : "nioftpd benchmarks: ratio to the first server"));
        System.out.println("wrote " + out);
    }

    /** {@code docs}: parsed load-generator documents (maps) or JMH result arrays (lists). */
    static String render(List<?> docs, String title) {
        List<Group> groups = new ArrayList<>();
        for (Object d : docs) {
            if (d instanceof List<?> jmh) {
                groups.addAll(fromJmh(jmh));
            } else if (d instanceof Map<?, ?> load) {
                groups.addAll(fromLoad(load));
            }
        }
        return svg(groups, title);
    }

    @SuppressWarnings("unchecked")
    private static List<Group> fromLoad(Map<?, ?> doc) {
        List<Group> groups = new ArrayList<>();
        for (Object o : (List<Object>) doc.get("results")) {
            Map<String, Object> r = (Map<String, Object>) o;
            String primary = (String) r.get("primary");
            boolean higher = Boolean.TRUE.equals(r.get("higherIsBetter"));
            List<Bar> bars = new ArrayList<>();
            for (Object t : (List<Object>) r.get("targets")) {
                Map<String, Object> tm = (Map<String, Object>) t;
                Map<String, Object> median = (Map<String, Object>) tm.get("median");
                bars.add(new Bar((String) tm.get("name"), number(tm.get("ratio")), number(median.get(primary)), primary));
            }
            groups.add(new Group(r.get("scenario") + ", " + number(r.get("sessions")).intValue() + " session"
                    + (number(r.get("sessions")).intValue() == 1 ? "" : "s") + ": " + primary, higher, bars));
        }
        return groups;
    }

    @SuppressWarnings("unchecked")
    private static List<Group> fromJmh(List<?> runs) {
        Map<String, List<Bar>> byKey = new LinkedHashMap<>();
        Map<String, String> units = new LinkedHashMap<>();
        // a param with one value throughout (loops=2 everywhere) says nothing in a title
        Map<String, java.util.Set<Object>> values = new LinkedHashMap<>();
        for (Object o : runs) {
            Map<String, Object> params = (Map<String, Object>) ((Map<String, Object>) o).getOrDefault("params", Map.of());
            params.forEach((k, v) -> values.computeIfAbsent(k, x -> new java.util.HashSet<>()).add(v));
        }
        for (Object o : runs) {
            Map<String, Object> run = (Map<String, Object>) o;
            Map<String, Object> params = (Map<String, Object>) run.getOrDefault("params", Map.of());
            String server = (String) params.get("server");
            if (server == null) {
                continue; // not an end-to-end benchmark
            }
            String bench = (String) run.get("benchmark");
            bench = bench.substring(bench.lastIndexOf('.', bench.lastIndexOf('.') - 1) + 1);
            StringBuilder key = new StringBuilder(bench);
            for (Map.Entry<String, Object> p : params.entrySet()) {
                if (!p.getKey().equals("server") && values.get(p.getKey()).size() > 1) {
                    key.append(' ').append(p.getKey()).append('=').append(p.getValue());
                }
            }
            Map<String, Object> pm = (Map<String, Object>) run.get("primaryMetric");
            String unit = (String) pm.get("scoreUnit");
            byKey.computeIfAbsent(key.toString(), k -> new ArrayList<>())
                    .add(new Bar(server, Double.NaN, number(pm.get("score")), unit));
            units.put(key.toString(), unit);
        }
        List<Group> groups = new ArrayList<>();
        for (Map.Entry<String, List<Bar>> e : byKey.entrySet()) {
            List<Bar> bars = new ArrayList<>(e.getValue());
            bars.sort((a, b) -> a.name().equals("nioftpd") ? -1 : b.name().equals("nioftpd") ? 1 : 0);
            double base = bars.get(0).value();
            List<Bar> withRatio = new ArrayList<>();
            for (Bar b : bars) {
                withRatio.add(new Bar(b.name(), b.value() / base, b.value(), b.unit()));
            }
            groups.add(new Group(e.getKey() + ": " + units.get(e.getKey()), true, withRatio));
        }
        return groups;
    }

    private static Double number(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    static String svg(List<Group> groups, String title) {
        double max = 1.5;
        Map<String, String> colors = new LinkedHashMap<>();
        int rows = 0;
        for (Group g : groups) {
            for (Bar b : g.bars()) {
                if (!Double.isNaN(b.ratio()) && !Double.isInfinite(b.ratio())) {
                    max = Math.max(max, b.ratio());
                }
                colors.computeIfAbsent(b.name(), n -> COLORS[colors.size() % COLORS.length]);
                rows++;
            }
        }
        max = Math.ceil(max * 2) / 2; // a round end to the scale
        int plot = WIDTH - LABEL - 170;
        int height = 60 + groups.size() * 26 + rows * (BAR + GAP) + 30;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, height, WIDTH, height));
        s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, height));
        s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"24\" font-size=\"16\" font-weight=\"bold\">%s</text>%n",
                esc(title)));
        int y = 50;
        int x0 = LABEL;
        double one = x0 + plot / max;
        int top = y;
        int bottom = height - 30;
        // the 1.0 line first, so that bars and labels are drawn over it
        s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#999\""
                + " stroke-dasharray=\"4,3\"/>%n", one, top, one, bottom));
        for (Group g : groups) {
            y += 18;
            s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\" font-weight=\"bold\">%s</text>%n", y,
                    esc(g.title() + (g.higherIsBetter() ? " (higher is better)" : " (lower is better)"))));
            y += 8;
            for (Bar b : g.bars()) {
                double r = Double.isNaN(b.ratio()) || Double.isInfinite(b.ratio()) ? 0 : b.ratio();
                double w = Math.max(1, plot * r / max);
                s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n", x0 - 6,
                        y + BAR - 5, esc(b.name())));
                s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"%s\"/>%n",
                        x0, y, w, BAR, colors.get(b.name())));
                s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\">%s</text>%n", x0 + w + 4, y + BAR - 5,
                        esc(String.format(Locale.ROOT, "%.2fx  (%s %s)", b.ratio(), LoadMain.fmt(b.value()), b.unit()))));
                y += BAR + GAP;
            }
        }
        s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">1.0</text>%n", one, y + 14));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%.1f</text>%n", x0 + plot, y + 14,
                max));
        s.append("</svg>\n");
        return s.toString();
    }

    private static String esc(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
