package org.nioftpd.testing;

import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A control connection spoken by hand, for what no client library will send:
 * pipelined commands, bare bytes, odd spellings. Reads replies whole (multi-line too).
 * Every read is bounded by a socket timeout, so a reply that never comes fails the test.
 */
public final class RawClient implements AutoCloseable {

    private static final Pattern PASV = Pattern.compile("\\((\\d+),(\\d+),(\\d+),(\\d+),(\\d+),(\\d+)\\)");
    private static final Pattern EPSV = Pattern.compile("\\(\\|\\|\\|(\\d+)\\|\\)");

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    public RawClient(int port) throws IOException {
        this(InetAddress.getByName("127.0.0.1"), port);
    }

    /** Connects to {@code host}: 127.0.0.1 or ::1, never anything else in these tests. */
    public RawClient(InetAddress host, int port) throws IOException {
        this(connect(host, port));
    }

    /** Speaks over a socket the test connected itself (to set its buffer sizes first, say). */
    public RawClient(Socket connected) throws IOException {
        socket = connected;
        socket.setSoTimeout(20_000);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = socket.getOutputStream();
    }

    private static Socket connect(InetAddress host, int port) throws IOException {
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(host, port), 10_000);
        } catch (IOException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** Sends {@code line} plus CRLF. */
    public RawClient send(String line) throws IOException {
        return sendRaw((line + "\r\n").getBytes(StandardCharsets.UTF_8));
    }

    public RawClient sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
        return this;
    }

    /** One whole reply; multi-line replies are returned with their lines joined by '\n'. */
    public String reply() throws IOException {
        String first = in.readLine();
        if (first == null) {
            return null;
        }
        if (first.length() >= 4 && first.charAt(3) == '-') {
            String end = first.substring(0, 3) + " ";
            StringBuilder sb = new StringBuilder(first);
            String line;
            while ((line = in.readLine()) != null) {
                sb.append('\n').append(line);
                if (line.startsWith(end)) {
                    break;
                }
            }
            return sb.toString();
        }
        return first;
    }

    /** Sends a command and returns its reply. */
    public String command(String line) throws IOException {
        send(line);
        return reply();
    }

    /** Sends a command and fails unless its reply starts with {@code code}; returns the reply. */
    public String expect(String line, int code) throws IOException {
        String r = command(line);
        if (r == null || !r.startsWith(Integer.toString(code))) {
            throw new AssertionError(line + ": expected " + code + ", got " + r);
        }
        return r;
    }

    /** Reads the greeting, then logs in. */
    public RawClient greetAndLogin(String user, String password) throws IOException {
        String greeting = reply();
        if (greeting == null || !greeting.startsWith("220")) {
            throw new AssertionError("greeting: " + greeting);
        }
        login(user, password);
        return this;
    }

    public void login(String user, String password) throws IOException {
        String r = command("USER " + user);
        if (!r.startsWith("331")) {
            throw new IOException(r);
        }
        r = command("PASS " + password);
        if (!r.startsWith("230")) {
            throw new IOException(r);
        }
    }

    /** PASV: the data port the server announced (the address must be the one we talk to). */
    public int pasv() throws IOException {
        String r = expect("PASV", 227);
        Matcher m = PASV.matcher(r);
        if (!m.find()) {
            throw new AssertionError("unparsable 227: " + r);
        }
        String host = m.group(1) + "." + m.group(2) + "." + m.group(3) + "." + m.group(4);
        if (!InetAddress.getByName(host).equals(socket.getInetAddress())) {
            throw new AssertionError("PASV announced " + host + ", control is " + socket.getInetAddress());
        }
        return Integer.parseInt(m.group(5)) << 8 | Integer.parseInt(m.group(6));
    }

    /** EPSV: the data port the server announced. */
    public int epsv() throws IOException {
        return parseEpsv(expect("EPSV", 229));
    }

    public static int parseEpsv(String reply) {
        Matcher m = EPSV.matcher(reply);
        if (!m.find()) {
            throw new AssertionError("unparsable 229: " + reply);
        }
        return Integer.parseInt(m.group(1));
    }

    /** A data connection to {@code port} on the server's address, bounded by timeouts. */
    public Socket connectData(int port) throws IOException {
        Socket s = new Socket();
        s.connect(new InetSocketAddress(socket.getInetAddress(), port), 10_000);
        s.setSoTimeout(20_000);
        return s;
    }

    /** PASV (or EPSV on IPv6), then connects: a data connection ready for the next transfer command. */
    public Socket passiveData() throws IOException {
        int port = socket.getInetAddress() instanceof java.net.Inet6Address ? epsv() : pasv();
        return connectData(port);
    }

    /**
     * A listing command ({@code LIST -a}, {@code NLST}, {@code MLSD}...) through
     * PASV: checks its 150 (or 125) and its 226, returns the data as UTF-8.
     */
    public String listing(String command) throws IOException {
        try (Socket data = connectData(pasv())) {
            send(command);
            String mark = reply();
            if (!mark.startsWith("150") && !mark.startsWith("125")) {
                throw new AssertionError(command + ": " + mark);
            }
            String text = new String(readAll(data), java.nio.charset.StandardCharsets.UTF_8);
            String end = reply();
            if (!end.startsWith("226")) {
                throw new AssertionError(command + ": " + end);
            }
            return text;
        }
    }

    /** Reads {@code s} to end of stream. */
    public static byte[] readAll(Socket s) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        InputStream is = s.getInputStream();
        is.transferTo(buf);
        return buf.toByteArray();
    }

    /** Whether a reply (or part of one) is waiting, unread: a snapshot, not a wait. */
    public boolean replyWaiting() throws IOException {
        return in.ready() || socket.getInputStream().available() > 0;
    }

    public Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
