package org.nioftpd.command;

import java.io.IOException;
import org.nioftpd.protocol.Reply;
import org.nioftpd.session.Session;

/** PWD, CWD, CDUP: RFC 959 sections 4.1.1 and 4.1.3. */
final class NavigationCommands {

    private NavigationCommands() {
    }

    static void pwd(Session s, String arg) {
        s.reply(257, Reply.quotePath(s.fs().cwd()) + " is the current directory.");
    }

    static void cwd(Session s, String arg) throws IOException {
        String dir = s.fs().changeDirectory(arg);
        s.reply(250, "Directory changed to " + dir + ".");
    }

    static void cdup(Session s, String arg) throws IOException {
        s.fs().changeDirectory("..");
        s.reply(200, "Directory changed to " + s.fs().cwd() + ".");
    }
}
