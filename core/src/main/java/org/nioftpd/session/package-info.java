/**
 * RFC 959's protocol interpreter: each session's conversation ({@code ProtocolInterpreter}), its typed state
 * ({@code Session}), control connection, acceptor and admission; a session's objects belong to its loop thread alone.
 */
package org.nioftpd.session;
