package org.nioftpd.bench;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.attribute.PosixFileAttributeView;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.nioftpd.data.ListingSource;
import org.nioftpd.fs.ListFormat;
import org.nioftpd.fs.SortedDirectoryStream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * A listing's bytes made from a directory of 1,000 files, on the loop's side of the data
 * connection and without it: what LIST and MLSD cost the server beyond the network, against
 * what the JDK alone costs to read the same directory.
 *
 * <ul>
 *   <li>{@code jdkNames}: the names only, through {@link Files#newDirectoryStream} ({@code readdir}).</li>
 *   <li>{@code jdkAttributes}: the names and each entry's attributes relative to the open directory
 *       ({@code fstatat}), as a listing reads them, sorting and formatting nothing: the floor a
 *       listing built on {@code java.nio.file} stands on.</li>
 *   <li>{@code listing}: the server's own path, {@link SortedDirectoryStream} and {@link ListingSource}
 *       filling a 64 KiB buffer until the listing ends, for each {@link ListFormat}.</li>
 * </ul>
 *
 * Run on Linux (the default provider's directory stream is then a {@link SecureDirectoryStream}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class ListingSourceBench {

    /** Files in the directory listed. */
    static final int ENTRIES = 1000;

    /** The listing's form: a state of its own, so that the JDK's benchmarks run once, not once per form. */
    @State(Scope.Thread)
    public static class Form {
        @Param({"LIST", "MLSD"})
        public String format;
    }

    private Path root;
    private Path dir;
    private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024); // as Download's

    @Setup(Level.Trial)
    public void createDirectory() throws IOException {
        root = Files.createTempDirectory("nioftpd-listing-bench");
        dir = Files.createDirectory(root.resolve("dir"));
        byte[] content = new byte[4096];
        for (int i = 0; i < ENTRIES; i++) {
            Files.write(dir.resolve(String.format("f%04d.bin", i)), content);
        }
    }

    @TearDown(Level.Trial)
    public void deleteDirectory() throws IOException {
        try (Stream<Path> all = Files.walk(root)) {
            for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
                Files.delete(p);
            }
        }
    }

    @Benchmark
    public long jdkNames() throws IOException {
        long sum = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path p : entries) {
                sum += p.getFileName().toString().length();
            }
        }
        return sum;
    }

    @Benchmark
    public long jdkAttributes() throws IOException {
        long sum = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            if (!(entries instanceof SecureDirectoryStream<Path> secure)) {
                throw new IllegalStateException("no SecureDirectoryStream on this platform");
            }
            for (Path p : secure) {
                PosixFileAttributeView view = secure.getFileAttributeView(p.getFileName(),
                        PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
                sum += view.readAttributes().size();
            }
        }
        return sum;
    }

    /** Bytes of the listing (so that nothing is optimized away). */
    @Benchmark
    public long listing(Form form) throws IOException {
        long bytes = 0;
        ListingSource source = new ListingSource(new SortedDirectoryStream(Files.newDirectoryStream(dir), null),
                root, ListFormat.valueOf(form.format), false, ListFormat.ALL_FACTS);
        try {
            boolean more;
            do {
                buffer.clear();
                more = source.fill(buffer);
                bytes += buffer.position();
            } while (more);
        } finally {
            source.close();
        }
        return bytes;
    }
}
