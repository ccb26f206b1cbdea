package dev.nova.formats.tokens;

/**
 * GPT-2's pre-tokenisation, as a scanner: text is cut into the pieces that the pattern
 * {@code 's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+} matches one after another, with
 * Unicode's classes ({@code \s} is the White_Space property, as in tiktoken's regex engine, not Java's ASCII
 * {@code \s}). Byte pairs are merged within a piece only. A hand-written scanner is several times faster than
 * {@link java.util.regex.Pattern} with the same pattern, and its cases are the pattern's alternatives in order.
 */
final class Gpt2Split {

    private Gpt2Split() {
    }

    /** Receives the pieces, in order: {@code text.substring(from, to)}. */
    interface Pieces {
        void piece(int from, int to);
    }

    /**
     * Cuts a text into pieces.
     *
     * @param text the text
     * @param out receives every piece, covering the text without gaps
     */
    static void split(CharSequence text, Pieces out) {
        int n = text.length();
        int i = 0;
        while (i < n) {
            int end = next(text, i, n);
            out.piece(i, end);
            i = end;
        }
    }

    /** The end of the piece that starts at {@code i}: the first alternative of the pattern that matches there. */
    static int next(CharSequence s, int i, int n) {
        char c = s.charAt(i);
        // 's 't 're 've 'm 'll 'd (ASCII apostrophe, lower case only, as GPT-2's pattern)
        if (c == '\'' && i + 1 < n) {
            char d = s.charAt(i + 1);
            if (d == 's' || d == 't' || d == 'm' || d == 'd') {
                return i + 2;
            }
            if (i + 2 < n) {
                char e = s.charAt(i + 2);
                if ((d == 'r' && e == 'e') || (d == 'v' && e == 'e') || (d == 'l' && e == 'l')) {
                    return i + 3;
                }
            }
        }
        // ' ?\p{L}+', ' ?\p{N}+', ' ?[^\s\p{L}\p{N}]+': an optional space, then a run of one class
        int j = c == ' ' && i + 1 < n ? i + 1 : i;
        int first = Character.codePointAt(s, j);
        int kind = kind(first);
        if (kind != SPACE) {
            return run(s, j, n, kind);
        }
        // '\s+(?!\S)' then '\s+': a whitespace run leaves its last character to the piece after it
        int k = i;
        while (k < n && isSpace(s.charAt(k))) {
            k++;
        }
        if (k == n || k - i == 1) {
            return k;
        }
        return k - 1;
    }

    private static final int LETTER = 0;
    private static final int NUMBER = 1;
    private static final int OTHER = 2;
    private static final int SPACE = 3;

    private static int run(CharSequence s, int from, int n, int kind) {
        int i = from;
        while (i < n) {
            int cp = Character.codePointAt(s, i);
            if (kind(cp) != kind) {
                break;
            }
            i += Character.charCount(cp);
        }
        return i;
    }

    static int kind(int cp) {
        if (cp < 0x80) {
            // the common case without a table lookup
            if ((cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z')) {
                return LETTER;
            }
            if (cp >= '0' && cp <= '9') {
                return NUMBER;
            }
            return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) ? SPACE : OTHER;
        }
        if (isSpace(cp)) {
            return SPACE;
        }
        switch (Character.getType(cp)) {
            case Character.UPPERCASE_LETTER, Character.LOWERCASE_LETTER, Character.TITLECASE_LETTER,
                    Character.MODIFIER_LETTER, Character.OTHER_LETTER:
                return LETTER;
            case Character.DECIMAL_DIGIT_NUMBER, Character.LETTER_NUMBER, Character.OTHER_NUMBER:
                return NUMBER;
            default:
                return OTHER;
        }
    }

    /** Unicode's White_Space property (PropList.txt): all in the Basic Multilingual Plane. */
    static boolean isSpace(int cp) {
        return cp == ' ' || (cp >= 0x09 && cp <= 0x0D) || cp == 0x85 || cp == 0xA0 || cp == 0x1680
                || (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F || cp == 0x205F
                || cp == 0x3000;
    }
}
