package org.nioftpd.session;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * JDK Flight Recorder: a control connection opened (admitted) or closed,
 * with its client and, on close, its user and how long it lasted.
 */
@Name("org.nioftpd.Connection")
@Label("FTP Connection")
@Category({"nioftpd"})
@Description("A control connection opened or closed")
@StackTrace(false)
final class ConnectionEvent extends jdk.jfr.Event {

    @Label("Session")
    String session;

    @Label("Action")
    @Description("open or close")
    String action;

    @Label("Client")
    String client;

    @Label("User")
    String user;

    @Label("Connected For")
    @Timespan(Timespan.MILLISECONDS)
    long connectedMillis;

    /** Commits an event when a recording wants it. Loop thread. */
    static void emit(String action, String sessionId, java.net.InetSocketAddress clientAddress, String userName,
                     long connectedMillis) {
        ConnectionEvent e = new ConnectionEvent();
        if (e.shouldCommit()) {
            e.action = action;
            e.session = sessionId;
            e.client = String.valueOf(clientAddress); // formatted only when recorded
            e.user = userName;
            e.connectedMillis = connectedMillis;
            e.commit();
        }
    }
}
