package org.nioftpd.session;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * JDK Flight Recorder: one file transfer ended, well or not: the file, the
 * direction, the bytes, how long the data moved and at what rate. Committed
 * when it ends; its own duration fields say how long it took (the event's
 * timestamp is its end).
 */
@Name("org.nioftpd.Transfer")
@Label("FTP Transfer")
@Category({"nioftpd"})
@Description("A file transfer ended")
@StackTrace(false)
final class TransferEvent extends jdk.jfr.Event {

    @Label("Session")
    String session;

    @Label("Client")
    String client;

    @Label("User")
    String user;

    @Label("File")
    String file;

    @Label("Direction")
    @Description("upload or download")
    String direction;

    @Label("Bytes")
    @DataAmount
    long bytes;

    @Label("Transfer Time")
    @Timespan(Timespan.MILLISECONDS)
    long transferMillis;

    @Label("Rate")
    @DataAmount(DataAmount.BYTES)
    @Description("Bytes per second over the transfer time")
    long bytesPerSecond;

    @Label("Complete")
    boolean complete;

    /** Commits an event when a recording wants it. Loop thread. */
    static void emit(String sessionId, java.net.InetSocketAddress clientAddress, String userName, String virtualPath,
                     boolean upload,
                     long bytes, long millis, boolean complete) {
        TransferEvent e = new TransferEvent();
        if (e.shouldCommit()) {
            e.session = sessionId;
            e.client = String.valueOf(clientAddress); // formatted only when recorded
            e.user = userName;
            e.file = virtualPath;
            e.direction = upload ? "upload" : "download";
            e.bytes = bytes;
            e.transferMillis = millis;
            e.bytesPerSecond = millis > 0 ? bytes * 1000 / millis : bytes;
            e.complete = complete;
            e.commit();
        }
    }
}
