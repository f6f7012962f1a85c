package org.nioftpd.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14, "done when": an operator gives one user {@code /} read-only,
 * {@code /incoming} upload-only with a 100 MB quota and {@code /shared}
 * read-write on another disk, all in the config file; curl, lftp and python3
 * ftplib each see exactly that. Each client is skipped, with the reason,
 * where it is not installed.
 */
@Timeout(180)
class FolderPolicyClientsTest {

    private static final String USER = "alice";
    private static final String PASSWORD = "s3cret-pass";

    @TempDir
    Path tmp;
    Path home;
    Path incoming;
    Path shared;
    Path local;
    Daemon daemon;
    int port;

    @BeforeEach
    void start() throws Exception {
        home = Files.createDirectories(tmp.resolve("srv/alice"));
        incoming = Files.createDirectories(tmp.resolve("disk1/incoming"));
        shared = Files.createDirectories(tmp.resolve("disk2/shared"));
        local = Files.createDirectories(tmp.resolve("local"));
        Files.writeString(home.resolve("readme.txt"), "read me\n");
        Files.writeString(incoming.resolve("secret-upload.txt"), "someone else's\n");
        Files.writeString(shared.resolve("team.txt"), "team file\n");
        Files.writeString(local.resolve("up.txt"), "uploaded by a client\n");
        Path conf = tmp.resolve("nioftpd.conf");
        Files.writeString(conf, String.join("\n",
                "# one user: / read-only, /incoming a drop box with a quota, /shared read-write elsewhere",
                "root = " + home,
                "user = " + USER + ":" + PASSWORD + ":rw",
                "mount = /incoming " + incoming,
                "mount = /shared " + shared,
                "rights = / read-only",
                "rights = /incoming upload-only",
                "rights = /shared rw",
                "quota = /incoming 100M",
                "listen = 127.0.0.1:0",
                "loops = 1",
                ""));
        daemon = Main.start(Options.parse("--config", conf.toString()));
        port = daemon.server().port();
    }

    @AfterEach
    void stop() {
        if (daemon != null) {
            daemon.close();
        }
    }

    private record Result(int exit, String out, String err) {
        String describe() {
            return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    private static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }

    private Result run(List<String> command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(local.toFile());
        pb.environment().put("HOME", tmp.toString());
        for (String proxy : List.of("http_proxy", "https_proxy", "ftp_proxy", "all_proxy", "HTTP_PROXY",
                "HTTPS_PROXY", "FTP_PROXY", "ALL_PROXY")) {
            pb.environment().remove(proxy);
        }
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process p = pb.start();
        if (!p.waitFor(90, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("timed out: " + command);
        }
        return new Result(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    private String url(String path) {
        return "ftp://" + USER + ":" + PASSWORD + "@127.0.0.1:" + port + path;
    }

    private static List<String> names(Path d) throws IOException {
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void curlSeesThePolicy() throws Exception {
        Assumptions.assumeTrue(onPath("curl"), "curl is not on the PATH: skipping (install the curl package)");
        List<String> curl = List.of("curl", "-sS", "--max-time", "30", "--noproxy", "*");
        Result r = run(cat(curl, "--list-only", url("/")));
        assertEquals(0, r.exit(), r.describe());
        List<String> root = r.out().lines().sorted().toList();
        assertEquals(List.of("incoming", "readme.txt", "shared"), root, r.describe());
        r = run(cat(curl, url("/readme.txt")));
        assertEquals("read me\n", r.out(), r.describe());
        // / is read-only
        r = run(cat(curl, "-T", "up.txt", url("/up.txt")));
        assertNotEquals(0, r.exit(), r.describe());
        assertFalse(Files.exists(home.resolve("up.txt")));
        // /incoming takes new files, and shows nothing
        r = run(cat(curl, "-T", "up.txt", url("/incoming/")));
        assertEquals(0, r.exit(), r.describe());
        assertEquals("uploaded by a client\n", Files.readString(incoming.resolve("up.txt")));
        r = run(cat(curl, "--list-only", url("/incoming/")));
        assertNotEquals(0, r.exit(), r.describe());
        assertFalse(r.out().contains("secret-upload"), r.describe());
        r = run(cat(curl, url("/incoming/secret-upload.txt")));
        assertNotEquals(0, r.exit(), r.describe());
        r = run(cat(curl, "-T", "up.txt", url("/incoming/up.txt")));
        assertNotEquals(0, r.exit(), "no overwrite in a drop box\n" + r.describe());
        // /shared is read-write, on its own directory
        r = run(cat(curl, "-T", "up.txt", url("/shared/")));
        assertEquals(0, r.exit(), r.describe());
        assertEquals("uploaded by a client\n", Files.readString(shared.resolve("up.txt")));
        r = run(cat(curl, url("/shared/team.txt")));
        assertEquals("team file\n", r.out(), r.describe());
        r = run(cat(curl, url("/shared/"), "-Q", "-DELE up.txt"));
        assertEquals(0, r.exit(), r.describe());
        assertFalse(Files.exists(shared.resolve("up.txt")));
    }

    @Test
    void lftpSeesThePolicy() throws Exception {
        Assumptions.assumeTrue(onPath("lftp"), "lftp is not on the PATH: skipping (install the lftp package)");
        String open = "set cmd:fail-exit yes; set net:max-retries 1; set net:timeout 10; set ftp:ssl-allow no;"
                + " open -u " + USER + "," + PASSWORD + " ftp://127.0.0.1:" + port + "; ";
        Result r = run(List.of("lftp", "--norc", "-c", open + "cls -1 /; get /readme.txt -o got.txt;"
                + " put up.txt -o /incoming/lftp.txt; put up.txt -o /shared/lftp.txt; cls -1 /shared"));
        assertEquals(0, r.exit(), r.describe());
        List<String> lines = r.out().lines().map(String::strip).toList();
        assertTrue(lines.containsAll(List.of("/incoming/", "/shared/", "/readme.txt")), r.describe());
        assertTrue(lines.stream().anyMatch(l -> l.endsWith("team.txt")), r.describe());
        assertEquals("read me\n", Files.readString(local.resolve("got.txt")));
        assertEquals("uploaded by a client\n", Files.readString(incoming.resolve("lftp.txt")));
        assertEquals("uploaded by a client\n", Files.readString(shared.resolve("lftp.txt")));
        r = run(List.of("lftp", "--norc", "-c", open + "put up.txt -o /lftp.txt"));
        assertNotEquals(0, r.exit(), "/ is read-only\n" + r.describe());
        assertFalse(Files.exists(home.resolve("lftp.txt")));
        r = run(List.of("lftp", "--norc", "-c", open + "cls -1 /incoming"));
        assertNotEquals(0, r.exit(), "a drop box lists nothing\n" + r.describe());
        assertFalse(r.out().contains("secret-upload"), r.describe());
        r = run(List.of("lftp", "--norc", "-c", open + "get /incoming/secret-upload.txt -o stolen.txt"));
        assertNotEquals(0, r.exit(), r.describe());
    }

    @Test
    void ftplibSeesThePolicyAndTheQuota() throws Exception {
        Assumptions.assumeTrue(onPath("python3"), "python3 is not on the PATH: skipping (install python3)");
        Path script = tmp.resolve("check.py");
        Files.writeString(script, String.join("\n",
                "import ftplib, io, sys",
                "f = ftplib.FTP()",
                "f.connect('127.0.0.1', int(sys.argv[1]), timeout=30)",
                "f.login(sys.argv[2], sys.argv[3])",
                "print('ROOT', sorted(f.nlst('/')))",
                "def refused(fn):",
                "    try:",
                "        fn()",
                "        return 'ALLOWED'",
                "    except ftplib.error_perm as e:",
                "        return str(e)[:3]",
                "print('STOR_ROOT', refused(lambda: f.storbinary('STOR /py.txt', io.BytesIO(b'x'))))",
                "print('STOR_INCOMING', refused(lambda: f.storbinary('STOR /incoming/py.txt', io.BytesIO(b'py\\n'))))",
                "print('NLST_INCOMING', refused(lambda: f.nlst('/incoming')))",
                "print('RETR_INCOMING', refused(lambda: f.retrbinary('RETR /incoming/py.txt', lambda b: None)))",
                "print('STOR_SHARED', refused(lambda: f.storbinary('STOR /shared/py.txt', io.BytesIO(b'py\\n'))))",
                "print('DELE_SHARED', refused(lambda: f.delete('/shared/py.txt')))",
                "print('AVBL', f.sendcmd('AVBL /incoming'))",
                "class Zeros(io.RawIOBase):",
                "    def __init__(self, n): self.left = n",
                "    def readable(self): return True",
                "    def readinto(self, b):",
                "        n = min(len(b), self.left)",
                "        b[:n] = bytes(n)",
                "        self.left -= n",
                "        return n",
                "try:",
                "    f.storbinary('STOR /incoming/too-big.bin', io.BufferedReader(Zeros(101 * 1024 * 1024)), 1 << 20)",
                "    print('QUOTA', 'ALLOWED')",
                "except (ftplib.error_perm, ftplib.error_temp, OSError) as e:",
                "    print('QUOTA', str(e)[:3])",
                "print('SITE', f.sendcmd('SITE QUOTA').replace('\\n', ' | '))",
                "f.quit()",
                ""));
        Result r = run(List.of("python3", script.toString(), Integer.toString(port), USER, PASSWORD));
        assertEquals(0, r.exit(), r.describe());
        String out = r.out();
        assertTrue(out.contains("ROOT ['incoming', 'readme.txt', 'shared']")
                || out.contains("ROOT ['/incoming', '/readme.txt', '/shared']"), r.describe());
        assertTrue(out.contains("STOR_ROOT 550"), r.describe());
        assertTrue(out.contains("STOR_INCOMING ALLOWED"), r.describe());
        assertTrue(out.contains("NLST_INCOMING 550"), r.describe());
        assertTrue(out.contains("RETR_INCOMING 550"), r.describe());
        assertTrue(out.contains("STOR_SHARED ALLOWED"), r.describe());
        assertTrue(out.contains("DELE_SHARED ALLOWED"), r.describe());
        long avbl = Long.parseLong(out.lines().filter(l -> l.startsWith("AVBL ")).findFirst().orElseThrow()
                .replaceAll("^AVBL 213 ", "").strip());
        // what was there already (15 bytes) and py.txt (3) count
        assertEquals(100L * 1024 * 1024 - 18, avbl, "the quota less what is stored there\n" + r.describe());
        assertTrue(out.contains("QUOTA 552"), r.describe());
        assertTrue(out.contains("/incoming: 18 of 104857600 bytes, 2 files"), r.describe());
        assertEquals(List.of("py.txt", "secret-upload.txt"), names(incoming), "no partial file left");
        assertEquals("py\n", Files.readString(incoming.resolve("py.txt")));
        assertEquals(List.of("readme.txt"), names(home));
    }

    private static List<String> cat(List<String> a, String... more) {
        List<String> all = new ArrayList<>(a);
        all.addAll(List.of(more));
        return all;
    }
}
