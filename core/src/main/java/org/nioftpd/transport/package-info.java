/**
 * {@code EndPoint}: moves the bytes of one connection for the protocol above, on its loop's thread, and knows no FTP.
 * {@code SocketEndPoint} is plain TCP and keeps interest ops honest; a TLS endpoint wraps it, unseen by the protocol.
 */
package org.nioftpd.transport;
