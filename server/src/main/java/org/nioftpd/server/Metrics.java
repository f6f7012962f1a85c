package org.nioftpd.server;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.nioftpd.FtpServer;
import org.nioftpd.FtpStats;

/**
 * What monitoring sees: JMX MBeans ({@code org.nioftpd:type=Server} and one
 * {@code org.nioftpd:type=EventLoop,name=...} per loop) and, with
 * {@code --metrics-listen}, the same numbers in the Prometheus text format
 * at {@code /metrics}, served by the JDK's own HTTP server.
 */
final class Metrics implements AutoCloseable {

    /** The server's numbers, as a standard MBean. */
    public interface ServerMBean {
        int getSessions();

        long getConnections();

        long getLogins();

        long getFailedLogins();

        long getTransfers();

        long getFailedTransfers();

        long getBytesIn();

        long getBytesOut();

        long getErrors();

        long getRefusedConnections();
    }

    /** One event loop's numbers. */
    public interface LoopMBean {
        int getChannels();

        long getHandledEvents();

        double getLoad();
    }

    private final FtpServer server;
    private final List<ObjectName> registered = new ArrayList<>();
    private HttpServer http;

    Metrics(FtpServer server) {
        this.server = server;
    }

    /** Registers the MBeans with the platform MBean server. */
    void registerJmx() throws JMException {
        MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
        FtpStats s = server.stats();
        ServerMBean bean = new ServerMBean() {
            public int getSessions() {
                return server.sessionCount();
            }

            public long getConnections() {
                return s.connections();
            }

            public long getLogins() {
                return s.logins();
            }

            public long getFailedLogins() {
                return s.failedLogins();
            }

            public long getTransfers() {
                return s.transfers();
            }

            public long getFailedTransfers() {
                return s.failedTransfers();
            }

            public long getBytesIn() {
                return s.bytesIn();
            }

            public long getBytesOut() {
                return s.bytesOut();
            }

            public long getErrors() {
                return s.errors();
            }

            public long getRefusedConnections() {
                return s.refusedConnections();
            }
        };
        register(mbs, new javax.management.StandardMBean(bean, ServerMBean.class), "org.nioftpd:type=Server");
        List<FtpServer.LoopStats> loops = server.loopStats();
        for (int i = 0; i < loops.size(); i++) {
            int index = i;
            LoopMBean lb = new LoopMBean() {
                public int getChannels() {
                    return server.loopStats().get(index).channels();
                }

                public long getHandledEvents() {
                    return server.loopStats().get(index).handledEvents();
                }

                public double getLoad() {
                    return server.loopStats().get(index).load();
                }
            };
            register(mbs, new javax.management.StandardMBean(lb, LoopMBean.class),
                    "org.nioftpd:type=EventLoop,name=" + ObjectName.quote(loops.get(i).name()));
        }
    }

    private void register(MBeanServer mbs, Object bean, String name) throws JMException {
        ObjectName on = new ObjectName(name);
        if (mbs.isRegistered(on)) {
            mbs.unregisterMBean(on); // a second server in the same JVM (tests) replaces the first
        }
        mbs.registerMBean(bean, on);
        registered.add(on);
    }

    /** Serves {@code /metrics} on {@code address}. */
    void serveHttp(InetSocketAddress address) throws IOException {
        http = HttpServer.create(address, 16);
        http.createContext("/metrics", exchange -> {
            byte[] body = prometheus().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        http.setExecutor(null); // the HTTP server's own single thread: scrapes are rare and cheap
        http.start();
    }

    InetSocketAddress httpAddress() {
        return http == null ? null : http.getAddress();
    }

    /** The Prometheus text exposition format, version 0.0.4. */
    String prometheus() {
        FtpStats s = server.stats();
        StringBuilder sb = new StringBuilder(2048);
        gauge(sb, "nioftpd_sessions", "Sessions open now.", server.sessionCount());
        counter(sb, "nioftpd_connections_total", "Control connections admitted.", s.connections());
        counter(sb, "nioftpd_logins_total", "Successful logins.", s.logins());
        counter(sb, "nioftpd_failed_logins_total", "Failed logins.", s.failedLogins());
        counter(sb, "nioftpd_transfers_total", "File transfers completed.", s.transfers());
        counter(sb, "nioftpd_failed_transfers_total", "File transfers that did not complete.", s.failedTransfers());
        counter(sb, "nioftpd_received_bytes_total", "Bytes received in uploads.", s.bytesIn());
        counter(sb, "nioftpd_sent_bytes_total", "Bytes sent in downloads.", s.bytesOut());
        counter(sb, "nioftpd_errors_total", "Local errors and broken connections.", s.errors());
        counter(sb, "nioftpd_refused_connections_total",
                "Connections refused before a session: address rules, bans, caps.", s.refusedConnections());
        sb.append("# HELP nioftpd_loop_channels Channels registered on an event loop.\n");
        sb.append("# TYPE nioftpd_loop_channels gauge\n");
        List<FtpServer.LoopStats> loops = server.loopStats();
        for (FtpServer.LoopStats loop : loops) {
            sb.append("nioftpd_loop_channels{loop=\"").append(loop.name()).append("\"} ")
                    .append(loop.channels()).append('\n');
        }
        sb.append("# HELP nioftpd_loop_load Share of time an event loop spends working, 0 to 1.\n");
        sb.append("# TYPE nioftpd_loop_load gauge\n");
        for (FtpServer.LoopStats loop : loops) {
            sb.append("nioftpd_loop_load{loop=\"").append(loop.name()).append("\"} ")
                    .append(String.format(Locale.ROOT, "%.4f", loop.load())).append('\n');
        }
        return sb.toString();
    }

    private static void counter(StringBuilder sb, String name, String help, long value) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(" counter\n");
        sb.append(name).append(' ').append(value).append('\n');
    }

    private static void gauge(StringBuilder sb, String name, String help, long value) {
        sb.append("# HELP ").append(name).append(' ').append(help).append('\n');
        sb.append("# TYPE ").append(name).append(" gauge\n");
        sb.append(name).append(' ').append(value).append('\n');
    }

    @Override
    public void close() {
        if (http != null) {
            http.stop(0);
        }
        MBeanServer mbs = ManagementFactory.getPlatformMBeanServer();
        for (ObjectName on : registered) {
            try {
                mbs.unregisterMBean(on);
            } catch (JMException ignored) {
                // already gone
            }
        }
    }
}
