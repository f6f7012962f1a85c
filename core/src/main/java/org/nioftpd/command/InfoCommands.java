package org.nioftpd.command;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.nioftpd.data.Transfer;
import org.nioftpd.fs.FileInfo;
import org.nioftpd.fs.FileSystemView;
import org.nioftpd.fs.LineBuffer;
import org.nioftpd.fs.ListFormat;
import org.nioftpd.protocol.Printable;
import org.nioftpd.protocol.Words;
import org.nioftpd.session.Command;
import org.nioftpd.session.Session;

/** What the server says about itself and the session: SYST, FEAT, OPTS, HELP, STAT, NOOP, MLST, SITE. */
final class InfoCommands {

    /** STAT and MLST of a directory answer over the control connection: cap what one reply may hold. */
    static final int MAX_CONTROL_LISTING = 10_000;

    private InfoCommands() {
    }

    /** RFC 959 4.1.3: clients read "UNIX Type: L8" as "expect ls -l listings". */
    static void syst(Session s, String arg) {
        s.reply(215, "UNIX Type: L8");
    }

    /**
     * RFC 2389 section 3: generated from the command table, so it cannot
     * drift from the code. Two lines show the session's own choices: the
     * MLST facts selected by OPTS MLST and the HASH algorithm, each marked '*'.
     */
    static void feat(Session s, String arg) {
        List<String> lines = new ArrayList<>();
        org.nioftpd.fs.StoreCapabilities store = s.fs() != null ? s.fs().capabilities() : null;
        for (String line : s.commands().features()) {
            if (store != null && line.equals("MFMT") && !store.setTimes()) {
                continue; // after login, FEAT offers only what this user's store can do
            }
            if (line.startsWith("MLST ")) {
                lines.add("MLST " + mlstFacts(s, true));
            } else if (line.startsWith("HASH ")) {
                lines.add(HashCommands.featLine(HashCommands.Algorithm.byName(s.hashAlgorithm())));
            } else {
                lines.add(line);
            }
        }
        s.reply(211, "Features:", lines, "End");
    }

    /** "type*;size*;..." for FEAT (every fact, selected ones starred) or "type;size;" for OPTS MLST. */
    private static String mlstFacts(Session s, boolean all) {
        StringBuilder sb = new StringBuilder();
        for (ListFormat.Fact f : ListFormat.Fact.values()) {
            if (f == ListFormat.Fact.UNIX_MODE && s.fs() != null && !s.fs().capabilities().posix()) {
                continue; // a store without POSIX attributes has no mode to give
            }
            boolean on = s.mlstFacts().contains(f);
            if (all || on) {
                sb.append(f.key).append(all && on ? "*" : "").append(';');
            }
        }
        return sb.toString();
    }

    /**
     * RFC 2389 section 4: OPTS command-name [options]. Understood: UTF8
     * (RFC 2640; names are always UTF-8 here), MLST (RFC 3659 7.9) and HASH.
     */
    static void opts(Session s, String arg) {
        String a = arg.trim();
        int space = a.indexOf(' ');
        String command = (space < 0 ? a : a.substring(0, space)).toUpperCase(Locale.ROOT);
        String value = space < 0 ? "" : a.substring(space + 1).trim();
        switch (command) {
            case "UTF8", "UTF-8" -> {
                if (value.isEmpty() || value.equalsIgnoreCase("ON")) {
                    s.reply(200, "Always in UTF8 mode.");
                } else {
                    s.reply(504, "UTF8 cannot be turned off.");
                }
            }
            case "MLST" -> {
                java.util.EnumSet<ListFormat.Fact> facts = java.util.EnumSet.noneOf(ListFormat.Fact.class);
                for (String key : value.split(";")) {
                    ListFormat.Fact f = ListFormat.Fact.byKey(key.trim());
                    if (f != null) {
                        facts.add(f); // unknown facts are ignored, as RFC 3659 7.9 asks
                    }
                }
                s.mlstFacts(java.util.Collections.unmodifiableSet(facts));
                s.reply(200, "MLST OPTS " + mlstFacts(s, false));
            }
            case "HASH" -> HashCommands.opts(s, value);
            case "MODE" -> {
                // OPTS MODE Z LEVEL n: the deflate level, 0 (store) to 9 (smallest)
                String[] p = Words.split(value.toUpperCase(Locale.ROOT));
                if (p.length == 3 && p[0].equals("Z") && p[1].equals("LEVEL") && p[2].matches("[0-9]")) {
                    s.deflateLevel(Integer.parseInt(p[2]));
                    s.reply(200, "MODE Z LEVEL set to " + p[2] + ".");
                } else {
                    s.reply(501, "Syntax: OPTS MODE Z LEVEL <0-9>.");
                }
            }
            default -> s.reply(501, "Option not understood.");
        }
    }

    /** RFC 959 4.1.3: HELP lists the verbs; HELP verb gives its syntax. Both come from the table. */
    static void help(Session s, String arg) {
        String verb = arg.trim().toUpperCase(Locale.ROOT);
        if (!verb.isEmpty()) {
            Command c = s.commands().get(verb);
            if (c == null) {
                s.reply(502, "Unknown command " + verb + ".");
            } else {
                s.reply(214, "Syntax: " + c.help());
            }
            return;
        }
        List<String> body = new ArrayList<>();
        StringBuilder line = new StringBuilder();
        for (String v : s.commands().verbs()) {
            if (line.length() + v.length() > 60) {
                body.add(line.toString().stripTrailing());
                line.setLength(0);
            }
            line.append(String.format("%-5s ", v));
        }
        if (line.length() > 0) {
            body.add(line.toString().stripTrailing());
        }
        s.reply(214, "The following commands are recognized:", body, "Help OK.");
    }

    static void noop(Session s, String arg) {
        s.reply(200, "NOOP ok.");
    }

    static void allo(Session s, String arg) {
        s.reply(202, "ALLO not needed.");
    }

    static void smnt(Session s, String arg) {
        s.reply(502, "SMNT not implemented.");
    }

    /**
     * RFC 959 4.1.3: STAT alone reports the session (and a running transfer's
     * progress); STAT path lists over the control connection, as 213.
     */
    static void stat(Session s, String arg) throws IOException {
        if (arg.isBlank() || s.transfer() != null) {
            List<String> body = new ArrayList<>();
            body.add("Connected to " + s.remoteAddress().getAddress().getHostAddress());
            body.add("Logged in as " + s.user().name());
            body.add("TYPE: " + (s.dataType() == Session.DataType.ASCII ? "ASCII" : "BINARY")
                    + ", FORM: Nonprint; STRUcture: File; transfer MODE: Stream");
            if (s.tls() != null) {
                body.add(s.securityStatus());
            }
            Transfer t = s.transfer();
            if (t != null) {
                body.add("Transfer in progress: " + t.describe() + ", " + t.bytes() + " bytes so far");
            } else {
                body.add("No data connection");
            }
            s.reply(211, "nioftpd status:", body, "End of status.");
            return;
        }
        FileSystemView.Resolved r = s.fs().resolveExisting(TransferCommands.stripOptions(s, arg));
        List<String> body = new ArrayList<>();
        LineBuffer line = new LineBuffer();
        long now = System.currentTimeMillis();
        if (Files.isDirectory(r.real())) {
            try (DirectoryStream<Path> ds = s.fs().openDirectory(r, entry -> true)) {
                for (Path p : ds) {
                    FileInfo info = FileInfo.read(p, FileSystemView.nameOf(ds, p), r.root());
                    if (info != null) {
                        line.clear();
                        ListFormat.LIST.append(line, info, s.fs().writableAt(r.virtual()), now, s.mlstFacts());
                        body.add(withoutCrlf(line));
                    }
                    if (body.size() >= MAX_CONTROL_LISTING) {
                        body.add("... listing truncated at " + MAX_CONTROL_LISTING + " entries");
                        break;
                    }
                }
            }
        } else {
            FileInfo info = FileInfo.read(r.real(), r.name(), r.root());
            if (info != null) {
                ListFormat.LIST.append(line, info, s.fs().writableAt(r.virtual()), now, s.mlstFacts());
                body.add(withoutCrlf(line));
            }
        }
        s.reply(213, "Status of " + r.virtual() + ":", body, "End of status.");
    }

    /** A listing line as reply text: the line decoded, its CRLF left to the reply. */
    private static String withoutCrlf(LineBuffer line) {
        String text = line.toString();
        return text.substring(0, text.length() - 2);
    }

    /** RFC 3659 section 7: MLST path, facts over the control connection. */
    static void mlst(Session s, String arg) throws IOException {
        FileSystemView.Resolved r = s.fs().resolveExisting(arg);
        FileInfo info = FileInfo.read(r.real(), r.name(), r.root());
        if (info == null) {
            s.reply(550, "No such file or directory.");
            return;
        }
        LineBuffer facts = new LineBuffer();
        ListFormat.appendFacts(facts, info, s.fs().writableAt(r.virtual()), info.isDirectory() ? "dir" : "file", s.mlstFacts());
        s.reply(250, "Listing " + r.virtual(), List.of(facts + " " + r.virtual()), "End.");
    }

    /**
     * SITE: its sub-commands are a table of their own (built-in and extensions'),
     * with the same checks as the main table's: 550 for a write without
     * permission, 501 for a missing or unwanted argument.
     */
    static void site(Session s, String arg) throws IOException {
        String[] p = Words.split(arg.trim(), 2);
        String name = p[0].toUpperCase(Locale.ROOT);
        String rest = p.length > 1 ? p[1] : "";
        Command c = s.commands().site(name);
        if (c == null) {
            s.reply(504, "Unknown SITE command " + Printable.forLog(name, 32) + " (SITE HELP lists them).");
            return;
        }
        // The sub-command's own op: the paths it resolves are checked for it, as the main table's are.
        s.fs().op(c.op() == null ? org.nioftpd.fs.Op.NONE : c.op());
        if (c.access() == Command.Access.WRITE && !s.fs().mayWrite()) {
            s.reply(550, "Permission denied.");
            return;
        }
        if (c.arg() == Command.Arg.REQUIRED && rest.isBlank()) {
            s.reply(501, "Syntax: " + c.help());
            return;
        }
        if (c.arg() == Command.Arg.NONE && !rest.isBlank()) {
            s.reply(501, "SITE " + c.name() + " takes no argument.");
            return;
        }
        c.handler().handle(s, rest);
    }

    /** SITE HELP lists the sub-commands from their table; SITE HELP name gives one's syntax. */
    static void siteHelp(Session s, String arg) {
        String name = arg.trim().toUpperCase(Locale.ROOT);
        if (!name.isEmpty()) {
            Command c = s.commands().site(name);
            if (c == null) {
                s.reply(504, "Unknown SITE command " + Printable.forLog(name, 32) + ".");
            } else {
                s.reply(214, "Syntax: " + c.help());
            }
            return;
        }
        List<String> body = new ArrayList<>();
        for (Command c : s.commands().siteCommands()) {
            body.add(c.help());
        }
        s.reply(214, "SITE commands:", body, "SITE HELP OK.");
    }

    /**
     * AVBL [path] (draft-peterson-streamlined-ftp-command-extensions 4):
     * 213 and the bytes that may still be stored in that directory: the
     * smaller of what its quota leaves and what its disk has free.
     */
    static void avbl(Session s, String arg) throws IOException {
        FileSystemView.Resolved r = s.fs().resolveExisting(arg);
        if (!Files.isDirectory(r.real())) {
            s.reply(550, "Not a directory.");
            return;
        }
        long free = Files.getFileStore(r.real()).getUsableSpace();
        org.nioftpd.fs.QuotaUsage q = s.fs().quotaFor(r.virtual());
        if (q != null) {
            free = Math.min(free, q.available());
        }
        s.reply(213, Long.toString(free));
    }
}
