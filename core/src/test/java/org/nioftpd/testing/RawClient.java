package org.nioftpd.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A control connection spoken by hand, for what no client library will send:
 * pipelined commands, bare bytes, odd spellings. Reads replies whole (multi-line too).
 */
public final class RawClient implements AutoCloseable {

    private final Socket socket;
    private final BufferedReader in;
    private final OutputStream out;

    public RawClient(int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout(20_000);
        in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
        out = socket.getOutputStream();
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

    public Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
