package org.nioftpd.auth;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Salted PBKDF2-HMAC-SHA256 password hashes, with the JDK alone, in the form
 * {@code $pbkdf2-sha256$<iterations>$<salt, base64>$<hash, base64>}.
 *
 * <p>Checking one costs tens of milliseconds at the default iteration count
 * (OWASP's 2023 figure for PBKDF2-HMAC-SHA256): that is the point, and why
 * authenticators that use it run on the worker pool, never on a loop.
 */
public final class PasswordHash {

    public static final int DEFAULT_ITERATIONS = 600_000;
    private static final String PREFIX = "$pbkdf2-sha256$";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BITS = 256;
    private static final SecureRandom RANDOM = new SecureRandom();

    private PasswordHash() {
    }

    /** A new hash of {@code password} with a fresh random salt. */
    public static String create(char[] password) {
        return create(password, DEFAULT_ITERATIONS);
    }

    public static String create(char[] password, int iterations) {
        byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return PREFIX + iterations + "$" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(pbkdf2(password, salt, iterations));
    }

    /** True if {@code encoded} is a hash this class understands. */
    public static boolean isValid(String encoded) {
        try {
            parse(encoded);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Checks {@code password} against {@code encoded}, in time independent of where they differ. */
    public static boolean verify(char[] password, String encoded) {
        Parsed p = parse(encoded);
        return MessageDigest.isEqual(p.hash, pbkdf2(password, p.salt, p.iterations));
    }

    private record Parsed(int iterations, byte[] salt, byte[] hash) {
    }

    private static Parsed parse(String encoded) {
        if (encoded == null || !encoded.startsWith(PREFIX)) {
            throw new IllegalArgumentException("not a $pbkdf2-sha256$ hash");
        }
        String[] p = encoded.substring(PREFIX.length()).split("\\$", -1);
        if (p.length != 3) {
            throw new IllegalArgumentException("expected $pbkdf2-sha256$iterations$salt$hash");
        }
        try {
            int iterations = Integer.parseInt(p[0]);
            if (iterations < 1) {
                throw new IllegalArgumentException("iterations must be positive");
            }
            Base64.Decoder b64 = Base64.getDecoder();
            byte[] salt = b64.decode(p[1]);
            byte[] hash = b64.decode(p[2]);
            if (salt.length < 8 || hash.length != HASH_BITS / 8) {
                throw new IllegalArgumentException("salt or hash of the wrong length");
            }
            return new Parsed(iterations, salt, hash);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad iteration count");
        }
    }

    private static byte[] pbkdf2(char[] password, byte[] salt, int iterations) {
        PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, HASH_BITS);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every JDK", e);
        } finally {
            spec.clearPassword();
        }
    }
}
