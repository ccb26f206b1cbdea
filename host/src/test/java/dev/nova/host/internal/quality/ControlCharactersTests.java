package dev.nova.host.internal.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A training text's control characters are one warning naming them and the first one's place (issue 43, 5). */
class ControlCharactersTests {

    @Test
    void terminalEscapeCodesAreNamedCountedAndPlaced() {
        String text = "plain line\n\tindented\r\n$ ls\n\u001b[31mred\u001b[0m and \u001b[1mbold\u001b[0m\f\n";
        String w = ControlCharacters.describe(text).orElseThrow();
        assertEquals("the training text holds 5 control characters (ESC \u00d74, FF \u00d71), the first at character 28"
                + " (line 4): terminal escape codes, from a captured terminal session?; the model trains on them and"
                + " will sample them, and a terminal runs what it prints (the report shows them as pictures, \u241b for"
                + " ESC); strip them, for example: sed -E 's/\\x1b\\[[0-9;?]*[A-Za-z]//g' IN > OUT", w);
    }

    @Test
    void lineBreaksTabsAndTextInAnyScriptAreNotControlCharacters() {
        assertEquals(Optional.empty(), ControlCharacters.describe("a\tb\r\nc\n\u767d\u65e5\u4f9d\u5c71\u5c3d \u00e9\u00e8"
                + " \u2014 \ud83d\ude00\n"));
    }

    @Test
    void otherControlCharactersAreNamedWithoutTheEscapeAdvice() {
        String w = ControlCharacters.describe("a\u0000b\u0085c\u007f").orElseThrow();
        assertTrue(w.startsWith("the training text holds 3 control characters (NUL \u00d71, DEL \u00d71, U+0085 \u00d71),"
                + " the first at character 2 (line 1); the model"), w);
        assertTrue(!w.contains("sed"), w);
    }
}
