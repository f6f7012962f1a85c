package org.nioftpd.fs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The hand-written dates against java.time, which wrote them before: the
 * patterns are spelt out again here, so that a change to {@link UtcDates}
 * and its fallback formatters together still fails.
 */
class UtcDatesTest {

    // the java.time formatters the hand-written dates replaced, kept as the reference
    private static final DateTimeFormatter RECENT = ListFormatTest.Reference.RECENT;
    private static final DateTimeFormatter OLD = ListFormatTest.Reference.OLD;
    private static final DateTimeFormatter TIME_VAL = ListFormatTest.Reference.TIME_VAL;

    private static final long MIN_1970 = 0;
    private static final long MAX_2100 = Instant.parse("2101-01-01T00:00:00Z").toEpochMilli();

    private final LineBuffer out = new LineBuffer();

    private void assertSame(long millis) {
        Instant t = Instant.ofEpochMilli(millis);
        out.clear();
        UtcDates.recent(out, millis);
        assertEquals(RECENT.format(t), out.toString(), () -> "recent " + t);
        out.clear();
        UtcDates.old(out, millis);
        assertEquals(OLD.format(t), out.toString(), () -> "old " + t);
        out.clear();
        UtcDates.timeVal(out, millis);
        assertEquals(TIME_VAL.format(t), out.toString(), () -> "time-val " + t);
    }

    private void assertSame(String instant) {
        long millis = Instant.parse(instant).toEpochMilli();
        assertSame(millis);
        assertSame(millis - 1);
        assertSame(millis + 1);
    }

    @Test
    void edgesOfDaysMonthsAndYears() {
        assertSame(0);
        assertSame("1970-01-01T00:00:00Z");
        assertSame("1970-12-31T23:59:59Z");
        assertSame("1999-12-31T23:59:59Z");
        assertSame("2000-02-29T00:00:00Z"); // leap: divisible by 400
        assertSame("2000-03-01T00:00:00Z");
        assertSame("2004-02-29T12:34:56Z");
        assertSame("2024-02-29T23:59:59Z");
        assertSame("2023-02-28T23:59:59Z");
        assertSame("2023-03-01T00:00:00Z");
        assertSame("2100-02-28T23:59:59Z"); // no leap: divisible by 100, not 400
        assertSame("2100-03-01T00:00:00Z");
        assertSame("2100-12-31T23:59:59Z");
        assertSame("2038-01-19T03:14:07Z"); // 32-bit time_t ends
        for (int month = 1; month <= 12; month++) {
            assertSame(LocalDate.of(2021, month, 1).atStartOfDay(ZoneOffset.UTC).toInstant().toString());
        }
    }

    /** A file system can hold times before 1970: division must round down, not toward zero. */
    @Test
    void beforeTheEpoch() {
        assertSame(-1);
        assertSame(-999);
        assertSame(-1000);
        assertSame(-1001);
        assertSame(-86_400_000L);
        assertSame("1969-12-31T23:59:59Z");
        assertSame("1900-01-01T00:00:00Z");
        assertSame("1900-02-28T23:59:59Z"); // 1900: not a leap year
        assertSame("1600-02-29T00:00:00Z");
        assertSame("0001-01-01T00:00:00Z"); // first year written by arithmetic
        assertSame("9999-12-31T23:59:59Z"); // last one
    }

    /** Years java.time writes with a sign or as a year of era still come out as they did. */
    @Test
    void outsideYearsOneTo9999AsBefore() {
        assertSame("0000-12-31T23:59:59Z");
        assertSame("-0100-06-01T00:00:00Z");
        assertSame("+10000-01-01T00:00:00Z");
        assertSame(Long.MAX_VALUE); // FileTime.toMillis saturates here
        assertSame(Long.MIN_VALUE);
    }

    @Test
    void everyDayFrom1900To2100() {
        Random random = new Random(20_250_101L);
        long first = LocalDate.of(1900, 1, 1).toEpochDay();
        long last = LocalDate.of(2100, 12, 31).toEpochDay();
        for (long day = first; day <= last; day++) {
            assertSame(day * 86_400_000L + random.nextInt(86_400_000));
            assertEquals(encoded(LocalDate.ofEpochDay(day)), UtcDates.date(day), "day " + day);
        }
    }

    @Test
    void randomInstantsFrom1970To2100() {
        Random random = new Random(42);
        for (int i = 0; i < 200_000; i++) {
            assertSame(MIN_1970 + (long) (random.nextDouble() * (MAX_2100 - MIN_1970)));
        }
    }

    @Test
    void randomInstantsOverAllYearsWritten() {
        Random random = new Random(7);
        long first = Instant.parse("0001-01-01T00:00:00Z").toEpochMilli();
        long end = Instant.parse("+10000-01-01T00:00:00Z").toEpochMilli();
        for (int i = 0; i < 100_000; i++) {
            assertSame(first + (long) (random.nextDouble() * (end - first)));
        }
    }

    private static int encoded(LocalDate d) {
        return d.getYear() * 10_000 + d.getMonthValue() * 100 + d.getDayOfMonth();
    }
}
