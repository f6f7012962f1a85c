package org.nioftpd.bench;

import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * {@code serve nioftpd|apache [--root DIR] [--port P] [--loops N] [--passive-ports LOW-HIGH]}: one of the
 * embedded servers as a process of its own on 127.0.0.1, so the load generator
 * (and peers.sh) can drive it side by side with the native servers, and read
 * its memory by pid. User {@code bench}/{@code bench}, read-write, and anonymous.
 * Runs until killed.
 */
public final class Serve {

    private Serve() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 1 || !EmbeddedServer.KINDS.contains(args[0])) {
            System.err.println("usage: java -jar benchmarks.jar serve nioftpd|apache [--root DIR] [--port P] [--loops N]"
                    + " [--passive-ports LOW-HIGH]");
            System.exit(2);
        }
        Path root = Fixtures.defaultRoot();
        int port = 2121;
        int loops = 2;
        String passive = null;
        for (int i = 1; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--root" -> root = Path.of(args[i + 1]);
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--loops" -> loops = Integer.parseInt(args[i + 1]);
                case "--passive-ports" -> passive = args[i + 1];
                default -> {
                    System.err.println("serve: unknown option " + args[i]);
                    System.exit(2);
                }
            }
        }
        EmbeddedServer server = EmbeddedServer.start(args[0], Fixtures.ensure(root), port, loops, passive);
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            stop.countDown();
        }));
        System.out.println(args[0] + " serving " + root + " on 127.0.0.1:" + server.port() + " (pid "
                + ProcessHandle.current().pid() + ")");
        stop.await();
    }
}
