package org.nioftpd.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;
import org.nioftpd.fs.FileSystemView;
import org.nioftpd.session.Session;

/** SITE subcommands that change files. */
final class SiteCommands {

    private SiteCommands() {
    }

    /** SITE CHMOD 755 path: the nine permission bits; set-id and sticky bits are refused. */
    static void chmod(Session s, String arg) throws IOException {
        String[] p = ("CHMOD " + arg.trim()).split(" +", 3);
        if (p.length != 3) {
            s.reply(501, "Syntax: SITE CHMOD <mode> <path>.");
            return;
        }
        int mode;
        try {
            mode = Integer.parseInt(p[1], 8);
        } catch (NumberFormatException e) {
            mode = -1;
        }
        if (mode < 0 || mode > 0777) {
            s.reply(501, "Mode must be octal, 000 to 777.");
            return;
        }
        FileSystemView.Resolved r = s.fs().resolveExisting(p[2]);
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] all = PosixFilePermission.values();
        for (int bit = 0; bit < 9; bit++) {
            if ((mode & (1 << (8 - bit))) != 0) {
                perms.add(all[bit]);
            }
        }
        try {
            Files.setPosixFilePermissions(r.real(), perms);
        } catch (UnsupportedOperationException e) {
            s.reply(504, "CHMOD is not supported on this file system.");
            return;
        }
        s.reply(200, "SITE CHMOD command ok.");
    }
}
