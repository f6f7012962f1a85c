package org.nioftpd.reactor;

import java.nio.channels.SelectionKey;

/**
 * What a selection key is attached to. The loop calls {@link #onReady} when the
 * key's channel is ready for any of its interest ops, always on the loop thread.
 */
public interface IoHandler {

    /** The channel of {@code key} is ready; {@code readyOps} says for what. */
    void onReady(SelectionKey key, int readyOps) throws Exception;

    /**
     * {@link #onReady} threw. The handler must release what it holds (close
     * its channel); the loop has already cancelled nothing and goes on with
     * the other keys. One bad connection never stops the loop.
     */
    void onFailure(Throwable cause);
}
