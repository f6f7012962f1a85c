package org.nioftpd.session;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.nioftpd.protocol.ProxyHeader;
import org.nioftpd.reactor.Timer;
import org.nioftpd.transport.EndPoint;

/**
 * The first step of a connection on a PROXY-protocol listener: read the
 * header the load balancer sends before anything else, then hand the
 * connection on with the real client's address. A connection that sends no
 * valid header in time is closed: on such a listener, a client that
 * connects directly must not be able to claim any address it likes.
 */
final class ProxyHandshake implements EndPoint.Handler {

    private static final System.Logger LOG = System.getLogger(ProxyHandshake.class.getName());

    private final EndPoint endPoint;
    private final BiConsumer<InetSocketAddress, ByteBuffer> then;
    private final ByteBuffer in = ByteBuffer.allocate(600);
    private final Timer timeout;

    /** Loop thread. {@code then} gets the client's address and any bytes read past the header. */
    ProxyHandshake(EndPoint endPoint, long timeoutMillis, BiConsumer<InetSocketAddress, ByteBuffer> then) {
        this.endPoint = endPoint;
        this.then = then;
        endPoint.handler(this);
        endPoint.readInterest(true);
        this.timeout = endPoint.loop().schedule(timeoutMillis, TimeUnit.MILLISECONDS, () -> {
            LOG.log(System.Logger.Level.DEBUG, "{0}: no PROXY header in time", endPoint.remoteAddress());
            endPoint.close();
        });
    }

    @Override
    public void onReadable() throws IOException {
        if (endPoint.fill(in) < 0) {
            timeout.cancel();
            endPoint.close();
            return;
        }
        in.flip();
        ProxyHeader.Result r = ProxyHeader.parse(in);
        if (r instanceof ProxyHeader.NeedMore) {
            in.compact();
            return;
        }
        timeout.cancel();
        if (r instanceof ProxyHeader.Invalid invalid) {
            LOG.log(System.Logger.Level.WARNING, "{0}: {1}", endPoint.remoteAddress(), invalid.why());
            endPoint.close();
            return;
        }
        InetSocketAddress source = ((ProxyHeader.Parsed) r).source();
        endPoint.readInterest(false);
        then.accept(source != null ? source : endPoint.remoteAddress(), in.hasRemaining() ? in : null);
    }

    @Override
    public void onWritable() {
        // nothing is written before the header is read
    }

    @Override
    public void onFailure(Throwable cause) {
        timeout.cancel();
    }

    /** Starts reading a PROXY header on {@code endPoint}. */
    static void await(EndPoint endPoint, long timeoutMillis, BiConsumer<InetSocketAddress, ByteBuffer> then) {
        new ProxyHandshake(endPoint, timeoutMillis, then);
    }
}
