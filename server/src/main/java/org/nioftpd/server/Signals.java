package org.nioftpd.server;

import java.lang.reflect.Proxy;

/**
 * Turns SIGTERM and SIGINT (Ctrl-C) into a plain call, so that the daemon
 * stops through its main thread and exits with status 0; and SIGHUP into a
 * reload.
 *
 * <p>Why not only a shutdown hook: on SIGTERM the JVM runs the hooks and then
 * exits with status 143 (128 + 15) whatever they do, and service managers
 * and scripts read that as a failure. A handler for the signal replaces that
 * default exit. The handler is {@code sun.misc.Signal} from the
 * {@code jdk.unsupported} module (present in every JDK since 9, kept on
 * purpose for this use); it is reached by reflection because javac warns
 * about each direct use and that warning cannot be suppressed.
 */
final class Signals {

    private Signals() {
    }

    /**
     * Calls {@code action} (on a JVM signal thread) on SIGTERM and SIGINT.
     * Returns false if the JVM does not allow it (e.g. run with {@code -Xrs}),
     * in which case the default behaviour, and the shutdown hooks, stay.
     */
    static boolean onTerminate(Runnable action) {
        return on(action, "TERM", "INT");
    }

    /**
     * Calls {@code action} on SIGHUP, which otherwise ends the JVM: reload
     * (the users file, the transfer log, the TLS certificates), as {@code systemctl reload} asks.
     */
    static boolean onHangup(Runnable action) {
        return on(action, "HUP");
    }

    /** Installs {@code action} as the handler of each signal named; false if the JVM refuses any. */
    static boolean on(Runnable action, String... names) {
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
            Object handler = Proxy.newProxyInstance(Signals.class.getClassLoader(), new Class<?>[] {handlerType},
                    (proxy, method, args) -> switch (method.getName()) {
                        case "handle" -> {
                            action.run();
                            yield null;
                        }
                        case "equals" -> proxy == args[0];
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "toString" -> "nioftpd handler for SIG" + String.join(", SIG", names);
                        default -> throw new UnsupportedOperationException(method.getName());
                    });
            var handle = signal.getMethod("handle", signal, handlerType);
            var constructor = signal.getConstructor(String.class);
            for (String name : names) {
                handle.invoke(null, constructor.newInstance(name), handler);
            }
            return true;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return false;
        }
    }
}
