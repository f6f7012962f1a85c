package org.nioftpd.auth;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A logged-in user: the name, the directory served to it as {@code /}, and
 * whether it may change anything there.
 */
public record UserAccount(String name, Path home, boolean writable) {

    public UserAccount {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(home, "home");
    }
}
