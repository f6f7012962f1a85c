package org.nioftpd.extension;

import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * What a hook or an extension command knows of the command in hand.
 *
 * @param user     the logged-in user's name, or null before login
 * @param client   the client's address
 * @param verb     the verb, upper case ({@code STOR}). A hook sees {@code SITE} with the rest as the
 *                 argument ({@code CHMOD 644 a.txt}); an extension's SITE sub-command sees
 *                 {@code SITE NAME} and the argument after the name
 * @param argument the argument as sent ("" if none; a PASS argument is never shown, it is "****")
 * @param path     the virtual path the command acts on, resolved against the current directory
 *                 ({@code /in/a.exe}), or null if it names none (or names an impossible one: the command itself
 *                 will say so); for RNTO the new name
 * @param file     where {@code path} is on disk (lexically, under the user's root), or null
 */
public record CommandContext(String user, InetSocketAddress client, String verb, String argument, String path,
                             Path file) {

    /** The last component of {@link #path} ("" for the root), or null without a path. */
    public String fileName() {
        return path == null ? null : path.substring(path.lastIndexOf('/') + 1);
    }
}
