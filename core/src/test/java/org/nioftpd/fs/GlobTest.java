package org.nioftpd.fs;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class GlobTest {

    @Test
    void starsAndQuestionMarks() {
        assertTrue(Glob.matches("*", ""));
        assertTrue(Glob.matches("*", "anything"));
        assertTrue(Glob.matches("*.txt", "a.txt"));
        assertFalse(Glob.matches("*.txt", "a.txt.bak"));
        assertTrue(Glob.matches("a?c", "abc"));
        assertFalse(Glob.matches("a?c", "ac"));
        assertTrue(Glob.matches("a*b*c", "aXXbYYc"));
        assertTrue(Glob.matches("a*b*c", "abcbc"));
        assertFalse(Glob.matches("a*b*c", "acb"));
        assertTrue(Glob.matches("**a**", "xxaxx"));
        assertTrue(Glob.matches("exact", "exact"));
        assertFalse(Glob.matches("exact", "exac"));
        assertFalse(Glob.matches("", "x"));
        assertTrue(Glob.matches("*a", "aaaa"));
    }

    /** A backtracking matcher takes exponential time here; this one answers at once. */
    @Test
    @Timeout(2)
    void pathologicalPatternIsCheap() {
        String name = "a".repeat(250);
        String pattern = "a*".repeat(100) + "b";
        for (int i = 0; i < 1000; i++) {
            assertFalse(Glob.matches(pattern, name));
        }
    }
}
