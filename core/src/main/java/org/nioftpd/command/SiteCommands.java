package org.nioftpd.command;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.nioftpd.auth.Quota;
import org.nioftpd.fs.FileSystemView;
import org.nioftpd.fs.QuotaUsage;
import org.nioftpd.protocol.Words;
import org.nioftpd.session.Session;

/** SITE subcommands that change files. */
final class SiteCommands {

    private SiteCommands() {
    }

    /** SITE CHMOD 755 path: the nine permission bits; set-id and sticky bits are refused. */
    static void chmod(Session s, String arg) throws IOException {
        String[] p = Words.split("CHMOD " + arg.trim(), 3);
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

    /**
     * SITE QUOTA: the user's usage and limits under each quota root; SITE
     * QUOTA RESCAN counts them again from the disk first (on the bulk lane),
     * taking in what changed behind the server's back.
     */
    static void quota(Session s, String arg) {
        String[] p = Words.split(("QUOTA " + arg.trim()).trim());
        Collection<QuotaUsage> quotas = s.fs().quotas();
        if (p.length > 1 && p[1].equalsIgnoreCase("RESCAN")) {
            countThenReport(s, quotas, true);
            return;
        }
        if (p.length > 1) {
            s.reply(501, "Syntax: SITE QUOTA [RESCAN].");
            return;
        }
        boolean fresh = true;
        for (QuotaUsage q : quotas) {
            fresh &= q.ready();
        }
        if (fresh) {
            report(s, quotas);
            return;
        }
        countThenReport(s, quotas, false);
    }

    /** Counts usage on the bulk lane (a rescan of all, or a first scan of those not counted yet), then reports. */
    private static void countThenReport(Session s, Collection<QuotaUsage> quotas, boolean rescan) {
        s.offloadBulk(() -> {
            for (QuotaUsage q : quotas) {
                if (rescan) {
                    q.rescan();
                } else {
                    q.scan();
                }
            }
            return null;
        }, (ignored, failure) -> {
            if (failure != null) {
                s.reply(451, "Local error: cannot count quota usage.");
            } else {
                report(s, quotas);
            }
            s.resume();
        }, () -> {
            s.reply(450, "Server busy; try SITE QUOTA" + (rescan ? " RESCAN" : "") + " again.");
            s.resume();
        });
    }

    private static void report(Session s, Collection<QuotaUsage> quotas) {
        if (quotas.isEmpty()) {
            s.reply(200, "No quota.");
            return;
        }
        List<String> body = new ArrayList<>();
        for (QuotaUsage q : quotas) {
            Quota l = q.limits();
            body.add(q.root() + ": " + q.bytes() + (l.maxBytes() > 0 ? " of " + l.maxBytes() : "") + " bytes, "
                    + q.files() + (l.maxFiles() > 0 ? " of " + l.maxFiles() : "") + " files"
                    + (l.maxFileSize() > 0 ? ", at most " + l.maxFileSize() + " bytes a file" : "")
                    + (l.maxBytes() > 0 ? ", " + q.available() + " bytes available" : ""));
        }
        s.reply(200, "Quota usage:", body, "End of quota.");
    }
}
