package org.nioftpd.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nioftpd.testing.TestServer;

/**
 * Python's ftplib.FTP_TLS (OpenSSL underneath): AUTH TLS, login, prot_p(),
 * upload and download checked by SHA-256. ftplib resumes the control
 * connection's TLS session on each data connection, so it also proves that
 * tlsRequireSessionReuse lets a resuming client through, in TLS 1.2 and 1.3.
 * Skipped when python3 is missing.
 */
@Timeout(120)
class PythonFtplibTest {

    /**
     * argv: port, cafile, TLS version (1.2, 1.3), upload file, "reuse" or "fresh";
     * prints the SHA-256 of the file downloaded back. ftplib itself does not resume
     * the control session on data connections; "reuse" passes it, the usual recipe
     * for servers that require it (vsftpd's require_ssl_reuse).
     */
    static final String SCRIPT = String.join("\n",
            "import ftplib, hashlib, ssl, sys",
            "port, cafile, version, src, reuse = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]",
            "class Reusing(ftplib.FTP_TLS):",
            "    def ntransfercmd(self, cmd, rest=None):",
            "        conn, size = ftplib.FTP.ntransfercmd(self, cmd, rest)",
            "        if self._prot_p:",
            "            conn = self.context.wrap_socket(conn, server_hostname=self.host, session=self.sock.session)",
            "            print('reused', conn.session_reused)",
            "        return conn, size",
            "ctx = ssl.create_default_context(cafile=cafile)",
            "v = ssl.TLSVersion.TLSv1_3 if version == '1.3' else ssl.TLSVersion.TLSv1_2",
            "ctx.minimum_version = v",
            "ctx.maximum_version = v",
            "f = (Reusing if reuse == 'reuse' else ftplib.FTP_TLS)(context=ctx, timeout=20)",
            "f.connect('127.0.0.1', port)",
            "f.login('u', 'p')",
            "f.prot_p()",
            "try:",
            "    with open(src, 'rb') as fh:",
            "        f.storbinary('STOR up.bin', fh)",
            "except OSError as e:",  // the server closed the data connection: its reply tells why
            "    print('data connection failed', e)",
            "    try:",
            "        f.getresp()",
            "    except ftplib.error_perm as refused:",
            "        print('refused', refused)",
            "    sys.exit(3)",
            "h = hashlib.sha256()",
            "f.retrbinary('RETR up.bin', h.update)",
            "print('sha256', h.hexdigest())",
            "print('names', ','.join(sorted(f.nlst())))",
            "print('cipher', f.sock.version())",
            "f.quit()");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "TLS {0}, session reuse required: {1}")
    @CsvSource({"1.3, false", "1.2, false", "1.3, true", "1.2, true"})
    void ftplibProtP(String version, boolean requireReuse) throws Exception {
        External.Result r = runScript(version, requireReuse, requireReuse ? "reuse" : "fresh");
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("sha256 " + TlsTesting.sha256(data)), r.output());
        assertTrue(r.output().contains("names up.bin"), r.output());
        assertTrue(r.output().contains("cipher TLSv" + version), r.output());
        assertEquals(TlsTesting.sha256(data), TlsTesting.sha256(dir.resolve("root/up.bin")));
        if (requireReuse) {
            assertTrue(r.output().contains("reused True"), r.output());
        }
    }

    @ParameterizedTest(name = "TLS {0}")
    @CsvSource({"1.3", "1.2"})
    void dataConnectionThatDoesNotResumeIsRefusedWith522WhenReuseIsRequired(String version) throws Exception {
        External.Result r = runScript(version, true, "fresh");
        assertEquals(3, r.exit(), r.output());
        assertTrue(r.output().contains("refused 522 Data connection refused: TLS session reuse required"), r.output());
        assertTrue(!Files.exists(dir.resolve("root/up.bin")), "nothing may be stored");
    }

    private final byte[] data = TlsTesting.randomBytes(3 * 1024 * 1024 + 5, 7);

    private External.Result runScript(String version, boolean requireReuse, String reuse) throws Exception {
        assumeTrue(External.available("python3"), "python3 not installed");
        Path root = Files.createDirectories(dir.resolve("root"));
        Path work = Files.createDirectories(dir.resolve("work"));
        Path src = Files.write(work.resolve("src.bin"), data);
        try (TestServer server = TlsTesting.server(root, b -> b.tlsRequireSessionReuse(requireReuse))) {
            return External.run(work, Duration.ofSeconds(60), List.of("python3", "-c", SCRIPT,
                    String.valueOf(server.port()), TlsTesting.fixture("rsa-cert.pem").toString(), version,
                    src.toString(), reuse));
        }
    }
}
