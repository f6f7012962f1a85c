package org.nioftpd.command;

import org.nioftpd.session.CommandTable;
import org.nioftpd.session.Command;
import static org.nioftpd.session.Command.Access.ANYONE;
import static org.nioftpd.session.Command.Access.LOGGED_IN;
import static org.nioftpd.session.Command.Access.WRITE;
import static org.nioftpd.session.Command.Arg.NONE;
import static org.nioftpd.session.Command.Arg.OPTIONAL;
import static org.nioftpd.session.Command.Arg.REQUIRED;

import java.util.ArrayList;
import java.util.List;

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
        List<Command> rows = new ArrayList<>(core());
        if (tls) {
            rows.addAll(security());
        }
        return new CommandTable(rows);
    }

    /** FTPS, explicit (RFC 4217, profiling the RFC 2228 security extensions for TLS). */
    private static List<Command> security() {
        return List.of(
            // ---- security: RFC 2228, RFC 4217
            Command.of("AUTH", ANYONE, REQUIRED, "AUTH <sp> TLS", "RFC 4217, RFC 2228", SecurityCommands::auth)
                    .feat("AUTH TLS"),
            Command.of("PBSZ", ANYONE, REQUIRED, "PBSZ <sp> 0", "RFC 4217, RFC 2228", SecurityCommands::pbsz)
                    .feat("PBSZ"),
            Command.of("PROT", ANYONE, REQUIRED, "PROT <sp> P | C", "RFC 4217, RFC 2228", SecurityCommands::prot)
                    .feat("PROT"),
            Command.of("CCC", ANYONE, NONE, "CCC", "RFC 4217, RFC 2228", SecurityCommands::ccc)
        );
    }

    private static List<Command> core() {
        return List.of(
            // ---- access control: RFC 959 4.1.1
            Command.of("USER", ANYONE, REQUIRED, "USER <sp> username", "RFC 959 4.1.1", LoginCommands::user),
            Command.of("PASS", ANYONE, OPTIONAL, "PASS <sp> password", "RFC 959 4.1.1", LoginCommands::pass),
            Command.of("ACCT", LOGGED_IN, REQUIRED, "ACCT <sp> account", "RFC 959 4.1.1", LoginCommands::acct),
            Command.of("CWD", LOGGED_IN, REQUIRED, "CWD <sp> pathname", "RFC 959 4.1.1", NavigationCommands::cwd)
                    .alias("XCWD").feat("TVFS").store(), // RFC 3659 6: one tree, '/'-separated, rooted at "/"
            Command.of("CDUP", LOGGED_IN, NONE, "CDUP", "RFC 959 4.1.1", NavigationCommands::cdup)
                    .alias("XCUP").store(),
            Command.of("SMNT", LOGGED_IN, REQUIRED, "SMNT <sp> pathname", "RFC 959 4.1.1", InfoCommands::smnt).store(),
            Command.of("REIN", LOGGED_IN, NONE, "REIN", "RFC 959 4.1.1", LoginCommands::rein),
            Command.of("QUIT", ANYONE, NONE, "QUIT", "RFC 959 4.1.1", LoginCommands::quit)
                    .duringTransfer(),

            // ---- transfer parameters: RFC 959 4.1.2, RFC 2428
            Command.of("PORT", LOGGED_IN, REQUIRED, "PORT <sp> h1,h2,h3,h4,p1,p2", "RFC 959 4.1.2", TransferCommands::port),
            Command.of("EPRT", LOGGED_IN, REQUIRED, "EPRT <sp> |proto|address|port|", "RFC 2428 2", TransferCommands::eprt)
                    .feat("EPRT"),
            Command.of("PASV", LOGGED_IN, NONE, "PASV", "RFC 959 4.1.2", TransferCommands::pasv),
            Command.of("EPSV", LOGGED_IN, OPTIONAL, "EPSV [<sp> 1|2|ALL]", "RFC 2428 3", TransferCommands::epsv)
                    .feat("EPSV"),
            Command.of("TYPE", LOGGED_IN, REQUIRED, "TYPE <sp> A [N] | I | L 8", "RFC 959 4.1.2", TransferCommands::type),
            Command.of("STRU", LOGGED_IN, REQUIRED, "STRU <sp> F", "RFC 959 4.1.2", TransferCommands::stru),
            Command.of("MODE", LOGGED_IN, REQUIRED, "MODE <sp> S | Z", "RFC 959 4.1.2", TransferCommands::mode)
                    .feat("MODE Z"),

            // ---- service commands: RFC 959 4.1.3, RFC 3659
            Command.of("RETR", LOGGED_IN, REQUIRED, "RETR <sp> pathname", "RFC 959 4.1.3", TransferCommands::retr).store(),
            Command.of("STOR", WRITE, REQUIRED, "STOR <sp> pathname", "RFC 959 4.1.3", TransferCommands::stor).store(),
            Command.of("STOU", WRITE, OPTIONAL, "STOU [<sp> basename]", "RFC 959 4.1.3", TransferCommands::stou).store(),
            Command.of("APPE", WRITE, REQUIRED, "APPE <sp> pathname", "RFC 959 4.1.3", TransferCommands::appe).store(),
            Command.of("ALLO", LOGGED_IN, OPTIONAL, "ALLO <sp> bytes", "RFC 959 4.1.3", InfoCommands::allo),
            Command.of("REST", LOGGED_IN, REQUIRED, "REST <sp> offset", "RFC 3659 5", TransferCommands::rest)
                    .feat("REST STREAM"),
            Command.of("RNFR", WRITE, REQUIRED, "RNFR <sp> pathname", "RFC 959 4.1.3", FileCommands::rnfr).store(),
            Command.of("RNTO", WRITE, REQUIRED, "RNTO <sp> pathname", "RFC 959 4.1.3", FileCommands::rnto).store(),
            Command.of("ABOR", LOGGED_IN, NONE, "ABOR", "RFC 959 4.1.3", TransferCommands::abor)
                    .duringTransfer(),
            Command.of("DELE", WRITE, REQUIRED, "DELE <sp> pathname", "RFC 959 4.1.3", FileCommands::dele).store(),
            Command.of("RMD", WRITE, REQUIRED, "RMD <sp> pathname", "RFC 959 4.1.3", FileCommands::rmd)
                    .alias("XRMD").store(),
            Command.of("MKD", WRITE, REQUIRED, "MKD <sp> pathname", "RFC 959 4.1.3", FileCommands::mkd)
                    .alias("XMKD").store(),
            Command.of("PWD", LOGGED_IN, NONE, "PWD", "RFC 959 4.1.3", NavigationCommands::pwd)
                    .alias("XPWD"),
            Command.of("LIST", LOGGED_IN, OPTIONAL, "LIST [<sp> pathname]", "RFC 959 4.1.3", TransferCommands::list).store(),
            Command.of("NLST", LOGGED_IN, OPTIONAL, "NLST [<sp> pathname]", "RFC 959 4.1.3", TransferCommands::nlst).store(),
            Command.of("MLSD", LOGGED_IN, OPTIONAL, "MLSD [<sp> pathname]", "RFC 3659 7", TransferCommands::mlsd).store(),
            Command.of("MLST", LOGGED_IN, OPTIONAL, "MLST [<sp> pathname]", "RFC 3659 7", InfoCommands::mlst)
                    .feat("MLST type*;size*;modify*;perm*;unique*;unix.mode*;").store(),
            Command.of("SIZE", LOGGED_IN, REQUIRED, "SIZE <sp> pathname", "RFC 3659 4", FileCommands::size)
                    .feat("SIZE").store(),
            Command.of("MDTM", LOGGED_IN, REQUIRED, "MDTM <sp> pathname", "RFC 3659 3", FileCommands::mdtm)
                    .feat("MDTM").store(),
            Command.of("MFMT", WRITE, REQUIRED, "MFMT <sp> YYYYMMDDHHMMSS <sp> pathname", "draft-somers-ftp-mfxx 3",
                    FileCommands::mfmt).feat("MFMT").store(),
            Command.of("HASH", LOGGED_IN, REQUIRED, "HASH <sp> pathname", "draft-bryan-ftpext-hash 3",
                    HashCommands::hash).feat(HashCommands.FEAT).store(),
            Command.of("XCRC", LOGGED_IN, REQUIRED, "XCRC <sp> pathname [<sp> start [<sp> end]]", "de facto",
                    HashCommands::xcrc).feat("XCRC").store(),
            Command.of("XMD5", LOGGED_IN, REQUIRED, "XMD5 <sp> pathname [<sp> start [<sp> end]]", "de facto",
                    HashCommands::xmd5).feat("XMD5").store(),
            Command.of("XSHA1", LOGGED_IN, REQUIRED, "XSHA1 <sp> pathname [<sp> start [<sp> end]]", "de facto",
                    HashCommands::xsha1).feat("XSHA1").store(),
            Command.of("XSHA256", LOGGED_IN, REQUIRED, "XSHA256 <sp> pathname [<sp> start [<sp> end]]", "de facto",
                    HashCommands::xsha256).feat("XSHA256").store(),
            Command.of("SITE", LOGGED_IN, REQUIRED, "SITE <sp> HELP | CHMOD <mode> <path>", "RFC 959 4.1.3",
                    InfoCommands::site).store(),
            Command.of("SYST", ANYONE, NONE, "SYST", "RFC 959 4.1.3", InfoCommands::syst),
            Command.of("STAT", LOGGED_IN, OPTIONAL, "STAT [<sp> pathname]", "RFC 959 4.1.3", InfoCommands::stat)
                    .duringTransfer().store(),
            Command.of("HELP", ANYONE, OPTIONAL, "HELP [<sp> command]", "RFC 959 4.1.3", InfoCommands::help),
            // NOOP answers during a transfer: clients send it as a keep-alive then, and a
            // held NOOP would stop the control channel being read, hiding a later ABOR.
            Command.of("NOOP", ANYONE, NONE, "NOOP", "RFC 959 4.1.3", InfoCommands::noop)
                    .duringTransfer(),

            // ---- extensions: RFC 2389, RFC 2640
            Command.of("FEAT", ANYONE, NONE, "FEAT", "RFC 2389 3", InfoCommands::feat),
            Command.of("OPTS", ANYONE, REQUIRED, "OPTS <sp> UTF8 ON | MLST facts | HASH [algorithm]", "RFC 2389 4",
                    InfoCommands::opts)
                    .feat("UTF8")
        );
    }
}
