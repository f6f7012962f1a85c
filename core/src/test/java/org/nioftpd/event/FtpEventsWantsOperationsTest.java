package org.nioftpd.event;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Sessions skip building operations when no listener overrides {@link FtpEvents#operation}: the
 * answer must follow the listeners, alone and fanned out, or an action or webhook would miss events.
 */
@Timeout(10)
class FtpEventsWantsOperationsTest {

    private static final class Logs implements FtpEvents {
        @Override
        public void connected(InetSocketAddress client) {
        }
    }

    private static final class Acts implements FtpEvents {
        @Override
        public void operation(Operation op) {
        }
    }

    @Test
    void aListenerWantsOperationsOnlyIfItOverridesOperation() {
        assertFalse(FtpEvents.NONE.wantsOperations());
        assertFalse(new Logs().wantsOperations());
        assertTrue(new Acts().wantsOperations());
        assertTrue(new FtpEvents() {
            @Override
            public void operation(Operation op) {
            }
        }.wantsOperations());
    }

    @Test
    void aFanOutWantsThemIfAnyOfItsListenersDoes() {
        assertFalse(FtpEvents.fanOut(new Logs(), new Logs()).wantsOperations());
        assertTrue(FtpEvents.fanOut(new Logs(), new Acts()).wantsOperations());
        assertTrue(FtpEvents.fanOut(new Acts(), FtpEvents.NONE).wantsOperations());
        assertFalse(FtpEvents.fanOut(FtpEvents.NONE, new Logs()).wantsOperations());
    }
}
