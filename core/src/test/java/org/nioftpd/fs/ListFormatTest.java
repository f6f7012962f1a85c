package org.nioftpd.fs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Every listing form, byte for byte, against the way lines were written
 * before they were written as bytes: a StringBuilder, java.time for the dates,
 * then {@code getBytes(UTF_8)}. {@link Reference} is that code, kept here.
 */
class ListFormatTest {

    private static final long DAY = 86_400_000L;
    private static final long NOW = Instant.parse("2026-11-24T07:17:00Z").toEpochMilli();

    /** The StringBuilder and DateTimeFormatter version, as it was. */
    static final class Reference {
        static final DateTimeFormatter RECENT =
                DateTimeFormatter.ofPattern("MMM dd HH:mm", Locale.ENGLISH).withZone(ZoneOffset.UTC);
        static final DateTimeFormatter OLD =
                DateTimeFormatter.ofPattern("MMM dd  yyyy", Locale.ENGLISH).withZone(ZoneOffset.UTC);
        static final DateTimeFormatter TIME_VAL =
                DateTimeFormatter.ofPattern("yyyyMMddHHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);

        static String line(ListFormat format, FileInfo f, boolean writable, long nowMillis, Set<ListFormat.Fact> facts) {
            StringBuilder sb = new StringBuilder();
            switch (format) {
                case LIST -> {
                    sb.append(f.isDirectory() ? 'd' : f.kind() == FileInfo.Kind.FILE ? '-' : '?');
                    int mode = f.mode() >= 0 ? f.mode() : (f.isDirectory() ? 0755 : 0644);
                    String rwx = "rwx";
                    for (int bit = 8; bit >= 0; bit--) {
                        sb.append((mode & (1 << bit)) != 0 ? rwx.charAt((8 - bit) % 3) : '-');
                    }
                    sb.append("    1 ftp      ftp      ");
                    String size = Long.toString(f.size());
                    for (int i = size.length(); i < 12; i++) {
                        sb.append(' ');
                    }
                    sb.append(size).append(' ');
                    long age = nowMillis - f.modifiedMillis();
                    boolean recent = age >= -3600_000L && age < 182L * 24 * 3600_000L;
                    (recent ? RECENT : OLD).formatTo(Instant.ofEpochMilli(f.modifiedMillis()), sb);
                    sb.append(' ').append(f.name()).append("\r\n");
                }
                case NLST -> sb.append(f.name()).append("\r\n");
                case MLSD -> {
                    facts(sb, f, writable, f.isDirectory() ? "dir" : f.kind() == FileInfo.Kind.FILE ? "file"
                            : "OS.unix=other", facts);
                    sb.append(' ').append(f.name()).append("\r\n");
                }
            }
            return sb.toString();
        }

        static void facts(StringBuilder sb, FileInfo f, boolean writable, String type, Set<ListFormat.Fact> facts) {
            if (facts.contains(ListFormat.Fact.TYPE)) {
                sb.append("type=").append(type).append(';');
            }
            if (facts.contains(ListFormat.Fact.SIZE) && !f.isDirectory()) {
                sb.append("size=").append(f.size()).append(';');
            }
            if (facts.contains(ListFormat.Fact.MODIFY)) {
                sb.append("modify=");
                TIME_VAL.formatTo(Instant.ofEpochMilli(f.modifiedMillis()), sb);
                sb.append(';');
            }
            if (facts.contains(ListFormat.Fact.PERM)) {
                String perm = f.isDirectory() ? (writable ? "elcmdfp" : "el") : (writable ? "radfw" : "r");
                sb.append("perm=").append(perm).append(';');
            }
            if (facts.contains(ListFormat.Fact.UNIQUE) && f.fileKey() != null) {
                sb.append("unique=");
                String key = f.fileKey().toString();
                for (int i = 0; i < key.length(); i++) {
                    char c = key.charAt(i);
                    if (Character.isLetterOrDigit(c)) {
                        sb.append(c);
                    }
                }
                sb.append(';');
            }
            if (facts.contains(ListFormat.Fact.UNIX_MODE) && f.mode() >= 0) {
                sb.append("unix.mode=0").append(Integer.toOctalString(f.mode())).append(';');
            }
        }
    }

    /** A file key as the JDK's Unix provider prints it, or another provider's. */
    record Key(String text) {
        @Override
        public String toString() {
            return text;
        }
    }

    private static byte[] line(ListFormat format, FileInfo f, boolean writable, long now, Set<ListFormat.Fact> facts) {
        LineBuffer line = new LineBuffer();
        format.append(line, f, writable, now, facts);
        ByteBuffer b = ByteBuffer.allocate(line.length());
        line.putInto(b, 0);
        return b.array();
    }

    private static void assertAsBefore(FileInfo f, boolean writable, long now, Set<ListFormat.Fact> facts) {
        for (ListFormat format : ListFormat.values()) {
            String expected = Reference.line(format, f, writable, now, facts);
            assertArrayEquals(expected.getBytes(StandardCharsets.UTF_8), line(format, f, writable, now, facts),
                    () -> format + " of " + f + ": expected " + expected);
        }
    }

    @Test
    void examplesAsOnTheWire() {
        FileInfo a = new FileInfo("a.txt", FileInfo.Kind.FILE, 5, Instant.parse("2020-01-02T03:04:05Z").toEpochMilli(),
                0644, new Key("(dev=803,ino=1234)"));
        assertEquals("-rw-r--r--    1 ftp      ftp                 5 Jan 02  2020 a.txt\r\n",
                new String(line(ListFormat.LIST, a, true, NOW, ListFormat.ALL_FACTS), StandardCharsets.UTF_8));
        assertEquals("type=file;size=5;modify=20200102030405;perm=radfw;unique=dev803ino1234;unix.mode=0644; a.txt\r\n",
                new String(line(ListFormat.MLSD, a, true, NOW, ListFormat.ALL_FACTS), StandardCharsets.UTF_8));
        FileInfo d = new FileInfo("répertoire €", FileInfo.Kind.DIRECTORY, 4096, NOW - DAY, 0755, null);
        assertEquals("drwxr-xr-x    1 ftp      ftp              4096 Nov 23 07:17 répertoire €\r\n",
                new String(line(ListFormat.LIST, d, true, NOW, ListFormat.ALL_FACTS), StandardCharsets.UTF_8));
    }

    /** Recent and old meet at one hour ahead and 182 days back; each side of both edges. */
    @Test
    void recentOrOldAtTheEdges() {
        long[] times = {NOW + 3600_000L, NOW + 3600_000L + 1, NOW - 182 * DAY, NOW - 182 * DAY + 1, NOW, NOW - 1};
        for (long t : times) {
            assertAsBefore(new FileInfo("f", FileInfo.Kind.FILE, 1, t, 0600, null), true, NOW, ListFormat.ALL_FACTS);
        }
    }

    @Test
    void randomEntriesAsBefore() {
        Random random = new Random(2640);
        String[] names = {"a.txt", "with space.txt", "日本.txt", "répertoire €", "emoji \ud83d\ude00", "lone \ud83d",
            "x".repeat(255), "-dash", "ä"};
        Object[] keys = {null, new Key("(dev=803,ino=1234)"), new Key("(dev=fd01,ino=9007199254740993)"),
            new Key("clé-ünique")};
        ListFormat.Fact[] all = ListFormat.Fact.values();
        long from1960 = Instant.parse("1960-01-01T00:00:00Z").toEpochMilli();
        long to2100 = Instant.parse("2100-12-31T23:59:59Z").toEpochMilli();
        for (int i = 0; i < 50_000; i++) {
            FileInfo.Kind kind = FileInfo.Kind.values()[random.nextInt(3)];
            long size = switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000);
                case 2 -> random.nextLong() >>> 1; // wider than the 12-character column
                default -> random.nextInt(Integer.MAX_VALUE);
            };
            long now = from1960 + (long) (random.nextDouble() * (to2100 - from1960));
            long modified = random.nextBoolean()
                    ? now - (long) (random.nextDouble() * 400 * DAY) + 2 * 3600_000L // around the recent edges
                    : from1960 + (long) (random.nextDouble() * (to2100 - from1960));
            int mode = random.nextInt(5) == 0 ? -1 : random.nextInt(01000);
            String name = names[random.nextInt(names.length)];
            Object key = keys[random.nextInt(keys.length)];
            Set<ListFormat.Fact> facts = EnumSet.noneOf(ListFormat.Fact.class);
            for (ListFormat.Fact f : all) {
                if (random.nextInt(4) != 0) {
                    facts.add(f);
                }
            }
            assertAsBefore(new FileInfo(name, kind, size, modified, mode, key), random.nextBoolean(), now, facts);
        }
    }

    /** Time stamps no file should have, yet a file system can hand over, still come out as before. */
    @Test
    void oddTimeStampsAsBefore() {
        long[] times = {0, -1, Long.MIN_VALUE, Long.MAX_VALUE, Instant.parse("1969-07-20T20:17:40Z").toEpochMilli(),
            Instant.parse("+10000-01-01T00:00:00Z").toEpochMilli()};
        for (long t : times) {
            assertAsBefore(new FileInfo("t", FileInfo.Kind.FILE, 0, t, 0644, null), true, NOW, ListFormat.ALL_FACTS);
            assertAsBefore(new FileInfo("t", FileInfo.Kind.FILE, 0, t, 0644, null), true, t, ListFormat.ALL_FACTS);
        }
    }
}
