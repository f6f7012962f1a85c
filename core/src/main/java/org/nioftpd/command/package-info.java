/**
 * The command handlers, grouped by concern, and {@code Commands}: the table with one row per command and an RFC
 * reference on each, from which the dispatcher's checks, FEAT and HELP are all read.
 */
package org.nioftpd.command;
