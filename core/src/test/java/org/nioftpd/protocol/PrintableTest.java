package org.nioftpd.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The one rule for client text shown in listings, logs and echoed replies (issue 19, item 8). */
class PrintableTest {

    @Test
    void controlCharactersAreC0DelAndC1() {
        for (char c = 0; c < 0x20; c++) {
            assertTrue(Printable.isControl(c), Integer.toHexString(c));
        }
        assertTrue(Printable.isControl('\u007f'));
        assertTrue(Printable.isControl('\u0085'));
        assertTrue(Printable.isControl('\u009b'));
        assertFalse(Printable.isControl(' '));
        assertFalse(Printable.isControl('~'));
        assertFalse(Printable.isControl('\u00a0'));
        assertFalse(Printable.isControl('é'));
    }

    @Test
    void namesKeepEverythingButControlCharacters() {
        String plain = "r\u00e9sum\u00e9 \u05e9\u05dc\u05d5\u05dd\u200f.txt";
        assertSame(plain, Printable.name(plain), "no copy when nothing changes; bidi marks stay in names");
        assertEquals("cr?x", Printable.name("cr\rx"));
        assertEquals("lf?name?[31mred", Printable.name("lf\nname\u001b[31mred"));
        assertTrue(Printable.hasControl("a\tb"));
        assertFalse(Printable.hasControl(plain));
    }

    @Test
    void logsAlsoNeutraliseBidiControls() {
        assertEquals("alice?exe.txt", Printable.forLog("alice\u202eexe.txt"));
        assertEquals("a?b?c?d?e", Printable.forLog("a\u2066b\u2069c\u200ed\u061ce"));
        assertEquals("ab?", Printable.forLog("ab\r\n", 3));
    }
}
