/**
 * Exported SPI: {@code Authenticator} decides logins (on the worker pool unless it says it is cheap) from a
 * {@code LoginRequest} (name, password or client certificate, addresses, TLS) and answers a {@code LoginResult}
 * (an account, a refusal that counts toward bans, one that does not, or "ask for the password"); in-memory
 * users, the users file (with per-user networks and certificate bindings), PBKDF2 hashes and LDAP (JNDI)
 * are its implementations. Uses {@code protocol} for address parsing ({@code Cidr}, {@code IpLiteral}).
 */
package org.nioftpd.auth;
