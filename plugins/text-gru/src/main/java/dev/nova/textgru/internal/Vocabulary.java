package dev.nova.textgru.internal;

import dev.nova.api.PluginException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * The characters (Unicode code points) a model knows, in code point order; index {@code i} is token {@code i}.
 *
 * @param codePoints sorted, distinct code points
 */
public record Vocabulary(int[] codePoints) {

    /**
     * The vocabulary of a text: every code point in it.
     *
     * @param text the training text
     * @return its vocabulary
     */
    public static Vocabulary of(String text) {
        return new Vocabulary(text.codePoints().distinct().sorted().toArray());
    }

    /** The number of tokens. */
    public int size() {
        return codePoints.length;
    }

    /**
     * The token of a code point.
     *
     * @param codePoint the character
     * @return its index, or -1 if unknown
     */
    public int index(int codePoint) {
        int i = Arrays.binarySearch(codePoints, codePoint);
        return i >= 0 ? i : -1;
    }

    /**
     * Encodes text.
     *
     * @param pluginId for messages
     * @param text the text
     * @param source for messages
     * @return its tokens
     * @throws PluginException naming the first character the vocabulary lacks
     */
    public int[] encode(String pluginId, String text, String source) {
        int[] cps = text.codePoints().toArray();
        int[] out = new int[cps.length];
        Map<Integer, Integer> unknown = new HashMap<>();
        for (int i = 0; i < cps.length; i++) {
            out[i] = index(cps[i]);
            if (out[i] < 0) {
                unknown.merge(cps[i], 1, Integer::sum);
            }
        }
        if (!unknown.isEmpty()) {
            int cp = unknown.keySet().iterator().next();
            throw new PluginException(pluginId, source + " contains " + unknown.size() + " characters the model's vocabulary"
                    + " lacks, for example U+" + String.format("%04X", cp) + " '" + new String(Character.toChars(cp)) + "'");
        }
        return out;
    }

    /**
     * The character of a token.
     *
     * @param token the index
     * @return the character as a string
     */
    public String decode(int token) {
        return new String(Character.toChars(codePoints[token]));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Vocabulary v && Arrays.equals(v.codePoints, codePoints);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(codePoints);
    }

    @Override
    public String toString() {
        return "Vocabulary[" + codePoints.length + " code points]";
    }
}
