package org.nioftpd.session;

import jdk.jfr.Category;
import jdk.jfr.Description;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * JDK Flight Recorder: one FTP command, from the moment its line runs to its
 * final reply (for a transfer command, the 226 or the error after the data).
 * Made only while a recording has it enabled ({@link #start} returns null
 * otherwise), so a server nobody records pays one check per command.
 */
@Name("org.nioftpd.Command")
@Label("FTP Command")
@Category({"nioftpd"})
@Description("An FTP command, from its line to its final reply")
@StackTrace(false)
final class CommandEvent extends jdk.jfr.Event {

    @Label("Session")
    String session;

    @Label("Client")
    String client;

    @Label("User")
    String user;

    @Label("Command")
    String command;

    @Label("Reply Code")
    int replyCode;

    /** A begun event for {@code verb}, or null when no recording wants it. Loop thread. */
    static CommandEvent start(String verb) {
        CommandEvent e = new CommandEvent();
        if (!e.isEnabled()) {
            return null;
        }
        e.begin();
        e.command = verb;
        return e;
    }

    void finish(int code, String sessionId, String clientAddress, String userName) {
        end();
        if (shouldCommit()) {
            replyCode = code;
            session = sessionId;
            client = clientAddress;
            user = userName;
            commit();
        }
    }
}
