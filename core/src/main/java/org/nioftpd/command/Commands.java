package org.nioftpd.command;

import org.nioftpd.session.CommandTable;
import org.nioftpd.session.Command;
import org.nioftpd.session.Command.Arg;
import static org.nioftpd.fs.Op.NONE;
import static org.nioftpd.session.Command.Access.ANYONE;
import static org.nioftpd.session.Command.Access.LOGGED_IN;
import static org.nioftpd.session.Command.Access.WRITE;
import static org.nioftpd.session.Command.Arg.OPTIONAL;
import static org.nioftpd.session.Command.Arg.REQUIRED;

import static org.nioftpd.fs.Op.APPEND;
import static org.nioftpd.fs.Op.CHMOD;
import static org.nioftpd.fs.Op.DELETE;
import static org.nioftpd.fs.Op.LIST;
import static org.nioftpd.fs.Op.MKDIR;
import static org.nioftpd.fs.Op.NAVIGATE;
import static org.nioftpd.fs.Op.READ;
import static org.nioftpd.fs.Op.RENAME;
import static org.nioftpd.fs.Op.RMDIR;
import static org.nioftpd.fs.Op.STORE;
import static org.nioftpd.fs.Op.STORE_UNIQUE;
import static org.nioftpd.fs.Op.TIMES;

import java.util.ArrayList;
import java.util.List;
import org.nioftpd.extension.CommandHook;
import org.nioftpd.extension.ExtensionCommand;

/**
 * The command table: one row per command, read at a glance. The dispatcher
 * checks access (530), argument (501) and write permission (550) from it
 * before any handler runs; FEAT and HELP are generated from it.
 */
public final class Commands {

    private Commands() {
    }

    /** The table without the FTPS commands: a server with no certificate. */
    public static CommandTable table() {
        return table(false);
    }

    /**
     * The table; with {@code tls} (the server has a certificate) also AUTH,
     * PBSZ, PROT and CCC, so that FEAT offers TLS only where it can be had.
     */
    public static CommandTable table(boolean tls) {
        return table(tls, List.of(), List.of(), List.of());
    }

    /**
     * The table with what extensions add: their commands after the built-in
     * ones (a verb defined twice is refused), their SITE sub-commands after
     * SITE's own, and their command hooks.
     */
    public static CommandTable table(boolean tls, List<ExtensionCommand> extra, List<ExtensionCommand> extraSite,
                                     List<CommandHook> hooks) {
        List<Command> rows = new ArrayList<>(core());
        if (tls) {
            rows.addAll(security());
        }
        extra.forEach(e -> rows.add(Extensions.row(e, false)));
        List<Command> site = new ArrayList<>(site());
        extraSite.forEach(e -> site.add(Extensions.row(e, true)));
        return new CommandTable(rows, site, hooks);
    }

    /** SITE's sub-commands: the argument after the sub-command goes to the handler. */
    private static List<Command> site() {
        return List.of(
            Command.of("CHMOD", WRITE, REQUIRED, "SITE CHMOD <sp> mode <sp> pathname", "de facto (Unix chmod)",
                    SiteCommands::chmod).op(CHMOD),
            Command.of("QUOTA", LOGGED_IN, OPTIONAL, "SITE QUOTA [<sp> RESCAN]", "nioftpd (usage and limits)",
                    SiteCommands::quota).op(NAVIGATE),
            Command.of("HELP", LOGGED_IN, OPTIONAL, "SITE HELP [<sp> sub-command]", "de facto",
                    InfoCommands::siteHelp).op(NONE)
        );
    }

    /** FTPS, explicit (RFC 4217, profiling the RFC 2228 security extensions for TLS). */
    private static List<Command> security() {
        return List.of(
            // ---- security: RFC 2228, RFC 4217
            Command.of("AUTH", ANYONE, REQUIRED, "AUTH <sp> TLS", "RFC 4217, RFC 2228", SecurityCommands::auth).op(NONE)
                    .feat("AUTH TLS"),
            Command.of("PBSZ", ANYONE, REQUIRED, "PBSZ <sp> 0", "RFC 4217, RFC 2228", SecurityCommands::pbsz).op(NONE)
                    .feat("PBSZ"),
            Command.of("PROT", ANYONE, REQUIRED, "PROT <sp> P | C", "RFC 4217, RFC 2228", SecurityCommands::prot).op(NONE)
                    .feat("PROT"),
            Command.of("CCC", ANYONE, Arg.NONE, "CCC", "RFC 4217, RFC 2228", SecurityCommands::ccc).op(NONE)
        );
    }

    private static List<Command> core() {
        return List.of(
            // ---- access control: RFC 959 4.1.1
            Command.of("USER", ANYONE, REQUIRED, "USER <sp> username", "RFC 959 4.1.1", LoginCommands::user).op(NONE),
            Command.of("PASS", ANYONE, OPTIONAL, "PASS <sp> password", "RFC 959 4.1.1", LoginCommands::pass).op(NONE),
            Command.of("ACCT", LOGGED_IN, REQUIRED, "ACCT <sp> account", "RFC 959 4.1.1", LoginCommands::acct).op(NONE),
            Command.of("CWD", LOGGED_IN, REQUIRED, "CWD <sp> pathname", "RFC 959 4.1.1", NavigationCommands::cwd).op(NAVIGATE)
                    .alias("XCWD").feat("TVFS").store(), // RFC 3659 6: one tree, '/'-separated, rooted at "/"
            Command.of("CDUP", LOGGED_IN, Arg.NONE, "CDUP", "RFC 959 4.1.1", NavigationCommands::cdup).op(NAVIGATE)
                    .alias("XCUP").store(),
            Command.of("SMNT", LOGGED_IN, REQUIRED, "SMNT <sp> pathname", "RFC 959 4.1.1", InfoCommands::smnt).op(NONE).store(),
            Command.of("REIN", LOGGED_IN, Arg.NONE, "REIN", "RFC 959 4.1.1", LoginCommands::rein).op(NONE),
            Command.of("QUIT", ANYONE, Arg.NONE, "QUIT", "RFC 959 4.1.1", LoginCommands::quit).op(NONE)
                    .duringTransfer(),

            // ---- transfer parameters: RFC 959 4.1.2, RFC 2428
            Command.of("PORT", LOGGED_IN, REQUIRED, "PORT <sp> h1,h2,h3,h4,p1,p2", "RFC 959 4.1.2", TransferCommands::port).op(NONE),
            Command.of("EPRT", LOGGED_IN, REQUIRED, "EPRT <sp> |proto|address|port|", "RFC 2428 2", TransferCommands::eprt).op(NONE)
                    .feat("EPRT"),
            Command.of("PASV", LOGGED_IN, Arg.NONE, "PASV", "RFC 959 4.1.2", TransferCommands::pasv).op(NONE),
            Command.of("EPSV", LOGGED_IN, OPTIONAL, "EPSV [<sp> 1|2|ALL]", "RFC 2428 3", TransferCommands::epsv).op(NONE)
                    .feat("EPSV"),
            Command.of("TYPE", LOGGED_IN, REQUIRED, "TYPE <sp> A [N] | I | L 8", "RFC 959 4.1.2", TransferCommands::type).op(NONE),
            Command.of("STRU", LOGGED_IN, REQUIRED, "STRU <sp> F", "RFC 959 4.1.2", TransferCommands::stru).op(NONE),
            Command.of("MODE", LOGGED_IN, REQUIRED, "MODE <sp> S | Z", "RFC 959 4.1.2", TransferCommands::mode).op(NONE)
                    .feat("MODE Z"),

            // ---- service commands: RFC 959 4.1.3, RFC 3659
            Command.of("RETR", LOGGED_IN, REQUIRED, "RETR <sp> pathname", "RFC 959 4.1.3", TransferCommands::retr).op(READ).store(),
            Command.of("STOR", WRITE, REQUIRED, "STOR <sp> pathname", "RFC 959 4.1.3", TransferCommands::stor).op(STORE).store(),
            Command.of("STOU", WRITE, OPTIONAL, "STOU [<sp> basename]", "RFC 959 4.1.3", TransferCommands::stou).op(STORE_UNIQUE).store(),
            Command.of("APPE", WRITE, REQUIRED, "APPE <sp> pathname", "RFC 959 4.1.3", TransferCommands::appe).op(APPEND).store(),
            Command.of("ALLO", LOGGED_IN, OPTIONAL, "ALLO <sp> bytes", "RFC 959 4.1.3", InfoCommands::allo).op(NONE),
            Command.of("REST", LOGGED_IN, REQUIRED, "REST <sp> offset", "RFC 3659 5", TransferCommands::rest).op(NONE)
                    .feat("REST STREAM"),
            Command.of("RNFR", WRITE, REQUIRED, "RNFR <sp> pathname", "RFC 959 4.1.3", FileCommands::rnfr).op(RENAME).store(),
            Command.of("RNTO", WRITE, REQUIRED, "RNTO <sp> pathname", "RFC 959 4.1.3", FileCommands::rnto).op(RENAME).store(),
            Command.of("ABOR", LOGGED_IN, Arg.NONE, "ABOR", "RFC 959 4.1.3", TransferCommands::abor).op(NONE)
                    .duringTransfer(),
            Command.of("DELE", WRITE, REQUIRED, "DELE <sp> pathname", "RFC 959 4.1.3", FileCommands::dele).op(DELETE).store(),
            Command.of("RMD", WRITE, REQUIRED, "RMD <sp> pathname", "RFC 959 4.1.3", FileCommands::rmd).op(RMDIR)
                    .alias("XRMD").store(),
            Command.of("MKD", WRITE, REQUIRED, "MKD <sp> pathname", "RFC 959 4.1.3", FileCommands::mkd).op(MKDIR)
                    .alias("XMKD").store(),
            Command.of("PWD", LOGGED_IN, Arg.NONE, "PWD", "RFC 959 4.1.3", NavigationCommands::pwd).op(NONE)
                    .alias("XPWD"),
            Command.of("LIST", LOGGED_IN, OPTIONAL, "LIST [<sp> pathname]", "RFC 959 4.1.3", TransferCommands::list).op(LIST).store(),
            Command.of("NLST", LOGGED_IN, OPTIONAL, "NLST [<sp> pathname]", "RFC 959 4.1.3", TransferCommands::nlst).op(LIST).store(),
            Command.of("MLSD", LOGGED_IN, OPTIONAL, "MLSD [<sp> pathname]", "RFC 3659 7", TransferCommands::mlsd).op(LIST).store(),
            Command.of("MLST", LOGGED_IN, OPTIONAL, "MLST [<sp> pathname]", "RFC 3659 7", InfoCommands::mlst).op(LIST)
                    .feat("MLST type*;size*;modify*;perm*;unique*;unix.mode*;").store(),
            Command.of("SIZE", LOGGED_IN, REQUIRED, "SIZE <sp> pathname", "RFC 3659 4", FileCommands::size).op(LIST)
                    .feat("SIZE").store(),
            Command.of("MDTM", LOGGED_IN, REQUIRED, "MDTM <sp> pathname", "RFC 3659 3", FileCommands::mdtm).op(LIST)
                    .feat("MDTM").store(),
            Command.of("MFMT", WRITE, REQUIRED, "MFMT <sp> YYYYMMDDHHMMSS <sp> pathname", "draft-somers-ftp-mfxx 3",
                    FileCommands::mfmt).op(TIMES).feat("MFMT").store(),
            Command.of("HASH", LOGGED_IN, REQUIRED, "HASH <sp> pathname", "draft-bryan-ftpext-hash 3",
                    HashCommands::hash).op(READ).feat(HashCommands.FEAT).store(),
            Command.of("XCRC", LOGGED_IN, REQUIRED, "XCRC <sp> pathname [<sp> start [<sp> end]]", "de facto",
                    HashCommands::xcrc).op(READ).feat("XCRC").store(),
            Command.of("XMD5", LOGGED_IN, REQUIRED, "XMD5 <sp> pathname [<sp> start [<sp> end]]", "de facto",
                    HashCommands::xmd5).op(READ).feat("XMD5").store(),
            Command.of("XSHA1", LOGGED_IN, REQUIRED, "XSHA1 <sp> pathname [<sp> start [<sp> end]]", "de facto",
                    HashCommands::xsha1).op(READ).feat("XSHA1").store(),
            Command.of("XSHA256", LOGGED_IN, REQUIRED, "XSHA256 <sp> pathname [<sp> start [<sp> end]]", "de facto",
                    HashCommands::xsha256).op(READ).feat("XSHA256").store(),
            Command.of("AVBL", LOGGED_IN, OPTIONAL, "AVBL [<sp> pathname]",
                    "draft-peterson-streamlined-ftp-command-extensions 4", InfoCommands::avbl).op(NAVIGATE)
                    .feat("AVBL"),
            // NAVIGATE here; each sub-command's row has its own op, set by InfoCommands.site.store()
            Command.of("SITE", LOGGED_IN, REQUIRED, "SITE <sp> sub-command (SITE HELP lists them)", "RFC 959 4.1.3",
                    InfoCommands::site).op(NAVIGATE).store(),
            Command.of("SYST", ANYONE, Arg.NONE, "SYST", "RFC 959 4.1.3", InfoCommands::syst).op(NONE),
            Command.of("STAT", LOGGED_IN, OPTIONAL, "STAT [<sp> pathname]", "RFC 959 4.1.3", InfoCommands::stat).op(LIST)
                    .duringTransfer().store(),
            Command.of("HELP", ANYONE, OPTIONAL, "HELP [<sp> command]", "RFC 959 4.1.3", InfoCommands::help).op(NONE),
            // NOOP answers during a transfer: clients send it as a keep-alive then, and a
            // held NOOP would stop the control channel being read, hiding a later ABOR.
            Command.of("NOOP", ANYONE, Arg.NONE, "NOOP", "RFC 959 4.1.3", InfoCommands::noop).op(NONE)
                    .duringTransfer(),

            // ---- extensions: RFC 2389, RFC 2640
            Command.of("FEAT", ANYONE, Arg.NONE, "FEAT", "RFC 2389 3", InfoCommands::feat).op(NONE),
            Command.of("OPTS", ANYONE, REQUIRED, "OPTS <sp> UTF8 ON | MLST facts | HASH [algorithm]", "RFC 2389 4",
                    InfoCommands::opts).op(NONE)
                    .feat("UTF8")
        );
    }
}
