/**
 * Exported: {@code FtpEvents}, what happened on the server (logins, transfers, errors) for logs, audit and metrics,
 * called on the session's loop thread and so never to block; {@code FtpEvents.fanOut} tells several listeners.
 */
package org.nioftpd.event;
