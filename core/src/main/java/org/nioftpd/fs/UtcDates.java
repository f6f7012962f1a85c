package org.nioftpd.fs;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The dates of a listing line, written from epoch milliseconds by plain
 * arithmetic, in UTC.
 *
 * <p>Why not {@link DateTimeFormatter}: a listing formats one date per entry,
 * and {@code formatTo} builds temporal objects and field lookups on every
 * call; over a 10,000-entry directory that was a visible share of the time
 * and of the garbage. The text is the same as the patterns below give
 * ({@code MMM dd HH:mm}, {@code MMM dd  yyyy}, {@code yyyyMMddHHmmss}, English
 * month names): tests compare the two over many instants.
 *
 * <p>Years 1 to 9999 are computed here. Outside them {@code yyyy} writes
 * a sign or a year of era, which nobody has reason to copy, so those few
 * instants (a corrupt or saturated time stamp) go to the formatters as before.
 */
final class UtcDates {

    private static final long MILLIS_PER_DAY = 86_400_000L;
    /** 0001-01-01T00:00:00Z and 10000-01-01T00:00:00Z: the years written here. */
    private static final long FIRST_MILLIS = -62_135_596_800_000L;
    private static final long END_MILLIS = 253_402_300_800_000L;

    private static final String[] MONTHS = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    };
    /** Days in the year before the first of each month, in a common year; a leap year adds one from March. */
    private static final int[] DAYS_BEFORE_MONTH = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365};

    /** Leap years from year 1 to 1969: 1969/4 - 1969/100 + 1969/400. */
    private static final long LEAP_YEARS_BEFORE_1970 = 477;

    // the text these methods reproduce, and what writes it for years outside 1..9999
    static final DateTimeFormatter RECENT =
            DateTimeFormatter.ofPattern("MMM dd HH:mm", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    static final DateTimeFormatter OLD =
            DateTimeFormatter.ofPattern("MMM dd  yyyy", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    static final DateTimeFormatter TIME_VAL =
            DateTimeFormatter.ofPattern("yyyyMMddHHmmss", Locale.ROOT).withZone(ZoneOffset.UTC);

    private UtcDates() {
    }

    /** {@code ls} form for the last six months: {@code Nov 24 07:17}. */
    static void recent(LineBuffer out, long millis) {
        if (!inRange(millis)) {
            out.ascii(RECENT.format(Instant.ofEpochMilli(millis)));
            return;
        }
        int date = date(Math.floorDiv(millis, MILLIS_PER_DAY));
        int seconds = (int) (Math.floorMod(millis, MILLIS_PER_DAY) / 1000);
        out.ascii(MONTHS[month(date) - 1]).ascii(' ').zeroPadded(day(date), 2).ascii(' ')
                .zeroPadded(seconds / 3600, 2).ascii(':').zeroPadded(seconds / 60 % 60, 2);
    }

    /** {@code ls} form for older (or future) times: {@code Nov 24  2019}. */
    static void old(LineBuffer out, long millis) {
        if (!inRange(millis)) {
            out.ascii(OLD.format(Instant.ofEpochMilli(millis)));
            return;
        }
        int date = date(Math.floorDiv(millis, MILLIS_PER_DAY));
        out.ascii(MONTHS[month(date) - 1]).ascii(' ').zeroPadded(day(date), 2).ascii("  ")
                .zeroPadded(year(date), 4);
    }

    /** RFC 3659 time-val, {@code YYYYMMDDHHMMSS}, whole seconds (the fraction is optional and not sent). */
    static void timeVal(LineBuffer out, long millis) {
        if (!inRange(millis)) {
            out.ascii(TIME_VAL.format(Instant.ofEpochMilli(millis)));
            return;
        }
        int date = date(Math.floorDiv(millis, MILLIS_PER_DAY));
        int seconds = (int) (Math.floorMod(millis, MILLIS_PER_DAY) / 1000);
        out.zeroPadded(year(date), 4).zeroPadded(month(date), 2).zeroPadded(day(date), 2)
                .zeroPadded(seconds / 3600, 2).zeroPadded(seconds / 60 % 60, 2).zeroPadded(seconds % 60, 2);
    }

    private static boolean inRange(long millis) {
        return millis >= FIRST_MILLIS && millis < END_MILLIS;
    }

    /**
     * The civil date of a day counted from 1970-01-01 (negative before),
     * proleptic Gregorian as java.time has it, packed as year * 10000 +
     * month * 100 + day so that no object is made. Days of years 1..9999 only.
     */
    static int date(long epochDay) {
        // A first guess from the mean year (146,097 days per 400 years) is off by one at most
        // near a new year; step until January 1st of the year is on or before the day.
        long year = 1970 + Math.floorDiv(epochDay * 400, 146_097);
        while (daysBefore(year) > epochDay) {
            year--;
        }
        while (daysBefore(year + 1) <= epochDay) {
            year++;
        }
        int dayOfYear = (int) (epochDay - daysBefore(year)); // 0 is January 1st
        boolean leap = isLeap(year);
        int month = 1;
        while (month < 12 && dayOfYear >= DAYS_BEFORE_MONTH[month] + (leap && month >= 2 ? 1 : 0)) {
            month++;
        }
        int day = dayOfYear - DAYS_BEFORE_MONTH[month - 1] - (leap && month > 2 ? 1 : 0) + 1;
        return (int) year * 10_000 + month * 100 + day;
    }

    static int year(int date) {
        return date / 10_000;
    }

    static int month(int date) {
        return date / 100 % 100;
    }

    static int day(int date) {
        return date % 100;
    }

    /** Days from 1970-01-01 to January 1st of {@code year}: 365 a year plus a day per leap year between. */
    private static long daysBefore(long year) {
        long y = year - 1; // leap years before this one, counted from year 1
        long leapYears = Math.floorDiv(y, 4) - Math.floorDiv(y, 100) + Math.floorDiv(y, 400);
        return 365 * (year - 1970) + leapYears - LEAP_YEARS_BEFORE_1970;
    }

    private static boolean isLeap(long year) {
        return year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    }
}
