/**
 * Exported SPI: {@code Authenticator} decides logins (on the worker pool unless it says it is cheap) and returns a
 * {@code UserAccount}; in-memory users, the users file and PBKDF2 hashes are its implementations.
 */
package org.nioftpd.auth;
