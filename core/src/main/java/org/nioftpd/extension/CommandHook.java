package org.nioftpd.extension;

/**
 * Asked before a command runs, after the server's own checks (logged in,
 * argument, write permission) have passed: it may refuse it with a
 * {@link Veto}, which the client gets as the command's reply. Every command is
 * asked about but for ABOR, STAT, NOOP and QUIT, which must work during a
 * transfer. Hooks are asked in the order they were added; the first veto
 * wins.
 *
 * <p>Threads: {@link #before} runs on the worker pool, the session suspended
 * meanwhile (as during a password check), so it may block: look something up,
 * call a service. A hook that only looks at its arguments says
 * {@link #isCheap()} and is called on the session's loop thread instead, at no
 * cost. A hook that throws refuses the command with 451.
 */
@FunctionalInterface
public interface CommandHook {

    /** {@link Veto#ALLOW} or a {@link Veto}; never null. */
    Veto before(CommandContext ctx) throws Exception;

    /** True if {@link #before} is quick and never blocks: it then runs on the loop. */
    default boolean isCheap() {
        return false;
    }

    /** {@code hook} as a cheap hook: for lambdas that only look at the context. */
    static CommandHook cheap(CommandHook hook) {
        return new CommandHook() {
            @Override
            public Veto before(CommandContext ctx) throws Exception {
                return hook.before(ctx);
            }

            @Override
            public boolean isCheap() {
                return true;
            }
        };
    }
}
