package org.nioftpd.auth;

import java.nio.file.Path;

/**
 * Where a home lives: a local directory, or a directory of any installed
 * {@code java.nio.file} provider named by URI ({@code s3://bucket/prefix/},
 * {@code jar:file:/srv/archive.zip!/}, {@code jimfs://name/}). The daemon's
 * {@code --root}, {@code --anonymous-root} and users-file homes, and the
 * builder, all read them here. Providers are the user's jars on the class
 * path: nioftpd itself depends on none.
 */
public final class StorePaths {

    private StorePaths() {
    }

    /**
     * A root named by a local path or by a URI of any installed
     * {@code java.nio.file} provider. Text with a scheme of two or more
     * letters before a colon ({@code s3:}, {@code jar:}, {@code file:},
     * {@code memory:}) is a URI; anything else ({@code /srv/ftp},
     * {@code C:\\ftp}, {@code data}) is a local path.
     *
     * @throws IllegalArgumentException with what to do when no provider on the class path handles the scheme
     */
    public static Path of(String pathOrUri) {
        if (isUri(pathOrUri)) {
            java.net.URI uri;
            try {
                uri = new java.net.URI(pathOrUri);
            } catch (java.net.URISyntaxException e) {
                throw new IllegalArgumentException("not a valid URI: " + pathOrUri + " (" + e.getReason() + ")", e);
            }
            return of(uri);
        }
        return Path.of(pathOrUri).toAbsolutePath();
    }

    /** True if {@code text} names a URI (a scheme of two or more characters, then ':'), not a local path. */
    public static boolean isUri(String text) {
        int colon = text.indexOf(':');
        return colon >= 2 && text.substring(0, colon).matches("[A-Za-z][A-Za-z0-9+.-]*");
    }

    /** As {@link #of(String)}, for a URI: its file system is opened if the provider needs that first. */
    public static Path of(java.net.URI uri) {
        String scheme = uri.getScheme();
        if (scheme == null) {
            return Path.of(uri.getPath()).toAbsolutePath();
        }
        try {
            return Path.of(uri);
        } catch (java.nio.file.FileSystemNotFoundException notOpen) {
            if (!installed(scheme)) {
                throw noProvider(uri, scheme, notOpen); // Path.of says "not installed" this way too
            }
            // Providers such as zip ("jar:") and Jimfs serve only file systems opened before.
            try {
                return java.nio.file.FileSystems.newFileSystem(uri, java.util.Map.of()).provider().getPath(uri);
            } catch (java.io.IOException | RuntimeException e) {
                throw new IllegalArgumentException("cannot open the file system of " + redact(uri) + ": " + e, e);
            }
        } catch (java.nio.file.ProviderNotFoundException | IllegalArgumentException e) {
            if (!installed(scheme)) {
                throw noProvider(uri, scheme, e);
            }
            throw new IllegalArgumentException("the '" + scheme + ":' provider refused " + redact(uri) + ": "
                    + e.getMessage(), e);
        }
    }

    private static boolean installed(String scheme) {
        return java.nio.file.spi.FileSystemProvider.installedProviders().stream()
                .anyMatch(p -> p.getScheme().equalsIgnoreCase(scheme));
    }

    private static IllegalArgumentException noProvider(java.net.URI uri, String scheme, Exception cause) {
        return new IllegalArgumentException("no file system provider handles the scheme '" + scheme + ":' in "
                + redact(uri) + "; put the provider's jars on the class path (java -cp nioftpd.jar:"
                + "provider-jars/* org.nioftpd.server.Main ...); installed: " + installedSchemes(), cause);
    }

    private static String installedSchemes() {
        java.util.List<String> schemes = new java.util.ArrayList<>();
        for (java.nio.file.spi.FileSystemProvider p : java.nio.file.spi.FileSystemProvider.installedProviders()) {
            schemes.add(p.getScheme());
        }
        return String.join(", ", schemes);
    }

    /** The URI without its user information: credentials in an s3x URI must not reach a log. */
    public static String redact(java.net.URI uri) {
        String info = uri.getRawUserInfo();
        return info == null ? uri.toString() : uri.toString().replace(info + "@", "***@");
    }

}
