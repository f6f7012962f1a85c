package org.nioftpd.bench.load;

import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A server to drive: a name for the tables, a loopback address, a login, and
 * optionally the pid whose memory the idle scenario reports.
 */
record Target(String name, InetAddress address, int port, String user, String password, long pid) {

    /**
     * Resolves {@code host} and refuses anything that is not loopback
     * (127.0.0.0/8 or ::1): this tool sends load only to this machine.
     */
    static InetAddress loopback(String host) {
        InetAddress[] all;
        try {
            all = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("cannot resolve host '" + host + "'");
        }
        for (InetAddress a : all) {
            if (!a.isLoopbackAddress()) {
                throw new IllegalArgumentException("refusing host '" + host + "' (" + a.getHostAddress()
                        + "): the load generator only targets loopback addresses (127.0.0.0/8 or ::1)");
            }
        }
        return all[0];
    }

    /**
     * {@code name=[user:password@]host:port}; the login defaults to {@code user}/{@code password}.
     * An IPv6 host goes in brackets: {@code [::1]:2121}.
     */
    static Target parse(String spec, String user, String password) {
        int eq = spec.indexOf('=');
        if (eq <= 0) {
            throw new IllegalArgumentException("--target wants name=[user:password@]host:port, got '" + spec + "'");
        }
        String name = spec.substring(0, eq);
        String rest = spec.substring(eq + 1);
        int at = rest.lastIndexOf('@');
        if (at >= 0) {
            String login = rest.substring(0, at);
            rest = rest.substring(at + 1);
            int colon = login.indexOf(':');
            user = colon < 0 ? login : login.substring(0, colon);
            password = colon < 0 ? password : login.substring(colon + 1);
        }
        int colon = rest.lastIndexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("--target " + name + ": no port in '" + rest + "'");
        }
        String host = rest.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new Target(name, loopback(host), port(rest.substring(colon + 1)), user, password, 0);
    }

    static int port(String s) {
        try {
            int p = Integer.parseInt(s);
            if (p >= 1 && p <= 65535) {
                return p;
            }
        } catch (NumberFormatException ignored) {
            // below
        }
        throw new IllegalArgumentException("bad port '" + s + "'");
    }

    Target withPid(long p) {
        return new Target(name, address, port, user, password, p);
    }

    String where() {
        return (address.getHostAddress().contains(":") ? "[" + address.getHostAddress() + "]" : address.getHostAddress())
                + ":" + port;
    }
}
