/**
 * Exported: the extension API. An {@link org.nioftpd.extension.Extension} (or its parts given one by one to
 * {@code FtpServer.Builder}) adds {@link org.nioftpd.extension.CommandHook}s that may veto any command before it
 * runs, and {@link org.nioftpd.extension.ExtensionCommand}s: new commands and SITE sub-commands, which FEAT and
 * HELP list from the same command table as the built-in ones. What happened is told to
 * {@link org.nioftpd.event.FtpEvents#operation}. Hooks and handlers run on the worker pool (the session waits,
 * its loop does not) unless they declare themselves cheap. A leaf: it uses no other package of the server.
 */
package org.nioftpd.extension;
