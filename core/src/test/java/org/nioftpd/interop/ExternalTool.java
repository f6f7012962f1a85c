package org.nioftpd.interop;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Runs an external FTP client the way {@link CurlInteropTest} runs curl:
 * output to files (no pipe can fill and block it), no stdin, no proxy
 * variables, HOME in a temporary directory (no user rc file), and a hard
 * deadline after which the process is destroyed. Also builds and compares
 * the directory trees the mirror tests move around.
 */
final class ExternalTool {

    private ExternalTool() {
    }

    /** What one run did. {@code describe()} goes into every failure message. */
    record Result(List<String> command, int exit, String stdout, String stderr, String version) {

        void assertOk() {
            assertEquals(0, exit, "tool failed\n" + describe());
        }

        String describe() {
            String out = stdout.length() > 20_000 ? stdout.substring(0, 20_000) + "\n[...]" : stdout;
            String err = stderr.length() > 40_000 ? "[...]\n" + stderr.substring(stderr.length() - 40_000) : stderr;
            return version + "\n$ " + String.join(" ", command) + "\nexit " + exit
                    + "\n--- stdout:\n" + out + "\n--- stderr:\n" + err;
        }
    }

    /**
     * A client program looked for once per test class: where it is and the first line of its
     * version, or why the tests cannot use it ({@code unavailable}; then null program and version).
     */
    record Found(Path program, String version, String unavailable) {

        /**
         * Skips the calling test, with the reason, when the program cannot be used: called in
         * {@code @BeforeEach}, since an assumption failing in {@code @BeforeAll} makes surefire
         * report "Tests run: 0" and lose the message.
         */
        void assume() {
            Assumptions.assumeTrue(unavailable == null, () -> unavailable);
        }
    }

    /**
     * Looks {@code program} up on the PATH and asks its version; {@code tests} names the tests
     * skipped without it, {@code debianPackage} (or null) what to install.
     */
    static Found find(String program, String tests, String debianPackage, Path tmp)
            throws IOException, InterruptedException {
        Path found = onPath(program);
        if (found == null) {
            return new Found(null, null, program + " is not on the PATH: skipping the " + tests + " interop tests"
                    + (debianPackage == null ? "" : " (install the " + debianPackage + " package)"));
        }
        String version = version(found, tmp);
        return version == null
                ? new Found(null, null, program + " --version failed")
                : new Found(found, version, null);
    }

    /** The program's absolute path on the PATH, or null. */
    static Path onPath(String program) {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String dir : path.split(Pattern.quote(File.pathSeparator))) {
            if (dir.isEmpty()) {
                continue;
            }
            Path candidate = Path.of(dir, program);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        return null;
    }

    /**
     * Runs {@code command} in {@code workDir} with HOME={@code home}, waiting at
     * most {@code deadlineSeconds} (set it above the tool's own timeout, so the
     * tool stops itself first and says why).
     */
    static Result run(List<String> command, Path workDir, Path home, int deadlineSeconds, String version)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile(home, "tool", ".out");
        Path err = Files.createTempFile(home, "tool", ".err");
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(workDir.toFile())
                .redirectOutput(out.toFile())
                .redirectError(err.toFile());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.toLowerCase(Locale.ROOT).endsWith("_proxy"));
        env.remove("LFTP_HOME");
        env.remove("WGETRC");
        env.remove("PYTHONSTARTUP");
        env.put("HOME", home.toString());
        env.put("LC_ALL", "C");
        Process p = pb.start();
        p.getOutputStream().close();
        if (!p.waitFor(deadlineSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
            fail(command.get(0) + " did not finish within " + deadlineSeconds + " s: " + String.join(" ", command)
                    + "\n--- stdout:\n" + Files.readString(out, StandardCharsets.UTF_8)
                    + "\n--- stderr:\n" + Files.readString(err, StandardCharsets.UTF_8));
        }
        return new Result(command, p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8), version);
    }

    /** The first line {@code program --version} prints, or null if it cannot run. */
    static String version(Path program, Path tmp, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(program.toString());
        command.addAll(List.of(args.length == 0 ? new String[] {"--version"} : args));
        Result r = run(command, tmp, tmp, 30, "");
        if (r.exit() != 0) {
            return null;
        }
        String text = (r.stdout() + r.stderr()).strip();
        return text.lines().findFirst().orElse("?");
    }

    // ------------------------------------------------------------- trees

    /**
     * Three levels, a few files on each: random binary ones, an empty one,
     * text, names with spaces, an empty directory.
     */
    static void makeTree(Path top, long seed) throws IOException {
        Random random = new Random(seed);
        Files.createDirectories(top.resolve("level one/level two"));
        Files.createDirectories(top.resolve("second/empty dir"));
        write(top.resolve("root file.bin"), randomBytes(random, 200_003));
        write(top.resolve("empty"), new byte[0]);
        write(top.resolve("readme.txt"), "plain text\nsecond line\n".getBytes(StandardCharsets.US_ASCII));
        write(top.resolve("level one/a b c.dat"), randomBytes(random, 65_536));
        write(top.resolve("level one/one.bin"), randomBytes(random, 1));
        write(top.resolve("level one/big.bin"), randomBytes(random, 1024 * 1024 + 7));
        write(top.resolve("level one/level two/deep file.bin"), randomBytes(random, 8191));
        write(top.resolve("level one/level two/deeper.bin"), randomBytes(random, 8192));
        write(top.resolve("level one/level two/zero"), new byte[0]);
        write(top.resolve("second/x.bin"), randomBytes(random, 33_333));
    }

    private static void write(Path p, byte[] b) throws IOException {
        Files.write(p, b);
    }

    static byte[] randomBytes(Random random, int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /**
     * Relative path → SHA-256 (or "dir" for a directory) of everything under
     * {@code top}, sorted, '/' separated.
     */
    static Map<String, String> snapshot(Path top) throws IOException {
        Map<String, String> map = new TreeMap<>();
        try (Stream<Path> s = Files.walk(top)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (p.equals(top)) {
                    continue;
                }
                String rel = top.relativize(p).toString().replace(File.separatorChar, '/');
                map.put(rel, Files.isDirectory(p) ? "dir" : sha256(p) + " " + Files.size(p));
            }
        }
        return map;
    }

    /** The same, without directories (for clients that only create a directory to hold a file). */
    static Map<String, String> files(Map<String, String> snapshot) {
        Map<String, String> map = new TreeMap<>(snapshot);
        map.values().removeIf("dir"::equals);
        return map;
    }

    static String sha256(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }
}
