/**
 * RFC 959's data transfer process: passive and active data connections as one state machine
 * ({@code DataTransferProcess}), transfers driven by readiness, codecs, listings; it reports outcomes, never replies.
 */
package org.nioftpd.data;
