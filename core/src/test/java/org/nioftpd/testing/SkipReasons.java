package org.nioftpd.testing;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Prints why a test was skipped (a missing client, a check root cannot
 * fail) on the build's console, one line each:
 * {@code [SKIPPED] CurlInteropTest.upload: curl not installed}. Surefire
 * sends the tests' own output to files, and its console says only how many
 * were skipped; this writes to the forked JVM's standard error, which
 * Surefire copies to the console. Registered for every test class of core
 * and server by {@code META-INF/services} and {@code junit-platform.properties}.
 */
public final class SkipReasons implements TestWatcher {

    /** The JVM's own standard error, not the stream Surefire puts in System.err's place. */
    private static final PrintStream CONSOLE =
            new PrintStream(new FileOutputStream(FileDescriptor.err), true, StandardCharsets.UTF_8);

    @Override
    public void testAborted(ExtensionContext context, Throwable cause) {
        print(context, cause == null ? null : cause.getMessage());
    }

    @Override
    public void testDisabled(ExtensionContext context, Optional<String> reason) {
        print(context, reason.orElse(null));
    }

    private static void print(ExtensionContext context, String reason) {
        String test = context.getRequiredTestClass().getSimpleName()
                + context.getTestMethod().map(m -> "." + m.getName()).orElse("");
        String why = reason == null ? "no reason given" : reason.replaceFirst("^Assumption failed: ", "");
        synchronized (CONSOLE) {
            CONSOLE.println("[SKIPPED] " + test + ": " + why);
        }
    }
}
