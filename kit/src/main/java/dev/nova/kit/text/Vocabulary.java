package dev.nova.kit.text;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nova.api.PluginException;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import org.apiguardian.api.API;

/**
 * The characters (Unicode code points) a model knows, in code point order; index {@code i} is token {@code i}.
 *
 * @param codePoints sorted, distinct code points
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record Vocabulary(int[] codePoints) implements Tokenizer {

    /** The most code points a vocabulary can hold (every Unicode code point). */
    public static final int MAX_SIZE = 0x110000;

    /** Checks and copies the code points. */
    public Vocabulary {
        codePoints = codePoints.clone();
        for (int i = 0; i < codePoints.length; i++) {
            if (codePoints[i] < 0 || codePoints[i] >= MAX_SIZE || (i > 0 && codePoints[i] <= codePoints[i - 1])) {
                throw new IllegalArgumentException("code points must be sorted, distinct and valid; found "
                        + codePoints[i] + " at " + i);
            }
        }
    }

    /**
     * The vocabulary of a text: every code point in it.
     *
     * @param text the training text
     * @return its vocabulary
     */
    public static Vocabulary of(String text) {
        return new Vocabulary(text.codePoints().distinct().sorted().toArray());
    }

    /** The code points, in order (a copy). */
    @Override
    public int[] codePoints() {
        return codePoints.clone();
    }

    /** The number of tokens. */
    @Override
    public int size() {
        return codePoints.length;
    }

    /** {@value Tokenizer#CHARS}. */
    @Override
    public String kind() {
        return CHARS;
    }

    /** The characters of the tokens, one after another. */
    @Override
    public String decode(int[] tokens) {
        StringBuilder b = new StringBuilder(tokens.length);
        for (int t : tokens) {
            b.appendCodePoint(codePoints[t]);
        }
        return b.toString();
    }

    /** Each token is a whole character: nothing is ever held back. */
    @Override
    public Decoder decoder() {
        return new Decoder() {
            @Override
            public String next(int token) {
                return decode(token);
            }

            @Override
            public String finish() {
                return "";
            }
        };
    }

    /** The newline's token, or the first token when the text had no newline. */
    @Override
    public int startToken() {
        return Math.max(0, index('\n'));
    }

    /** Writes {@value Tokenizer#CHARS}, then {@link #write}. */
    @Override
    public void save(java.io.DataOutputStream out) throws java.io.IOException {
        out.writeUTF(CHARS);
        write(out);
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
     * @param source what the text is (a file, "the prompt"), for messages
     * @return its tokens
     * @throws PluginException naming how many characters the vocabulary lacks and the first of them
     */
    @Override
    public int[] encode(String pluginId, String text, String source) {
        int[] cps = text.codePoints().toArray();
        int[] out = new int[cps.length];
        Map<Integer, Integer> unknown = new TreeMap<>();
        int first = -1;
        for (int i = 0; i < cps.length; i++) {
            out[i] = index(cps[i]);
            if (out[i] < 0) {
                unknown.merge(cps[i], 1, Integer::sum);
                if (first < 0) {
                    first = cps[i];
                }
            }
        }
        if (!unknown.isEmpty()) {
            String lacking = unknown.size() == 1 ? "a character" : unknown.size() + " different characters";
            throw new PluginException(pluginId, source + " contains " + lacking + " the model's vocabulary lacks, "
                    + (unknown.size() == 1 ? "" : "for example ") + "U+" + String.format("%04X", first)
                    + printable(first));
        }
        return out;
    }

    /** A character quoted after its code point; a control character by its code point only (it could drive a terminal). */
    private static String printable(int cp) {
        return Character.isISOControl(cp) ? "" : " '" + new String(Character.toChars(cp)) + "'";
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

    /**
     * Writes the vocabulary into a checkpoint payload: its size, then each code point.
     *
     * @param out the payload
     * @throws java.io.IOException if writing fails
     */
    public void write(java.io.DataOutputStream out) throws java.io.IOException {
        out.writeInt(codePoints.length);
        for (int cp : codePoints) {
            out.writeInt(cp);
        }
    }

    /**
     * Reads what {@link #write} wrote, checking it.
     *
     * @param pluginId for messages
     * @param in the payload
     * @return the vocabulary
     * @throws java.io.IOException if the payload is truncated
     * @throws dev.nova.api.CheckpointException if the size or the code points are corrupt
     */
    public static Vocabulary read(String pluginId, java.io.DataInputStream in) throws java.io.IOException {
        int size = in.readInt();
        if (size < 1 || size > MAX_SIZE) {
            throw new dev.nova.api.CheckpointException(pluginId, "payload is corrupt: vocabulary size " + size);
        }
        int[] cps = new int[size];
        for (int i = 0; i < size; i++) {
            cps[i] = in.readInt();
        }
        try {
            return new Vocabulary(cps);
        } catch (IllegalArgumentException e) {
            throw new dev.nova.api.CheckpointException(pluginId, "payload is corrupt: " + e.getMessage(), e);
        }
    }

    /**
     * This vocabulary with every character of a text it lacks (a fine-tuned model's, grown from its parent's).
     *
     * @param text the new training text
     * @return the union, in code point order; this vocabulary when the text has no new character
     * @since 1.3
     */
    @API(status = EXPERIMENTAL, since = "1.3")
    public Vocabulary grow(String text) {
        int[] union = java.util.stream.IntStream.concat(java.util.Arrays.stream(codePoints), text.codePoints())
                .distinct().sorted().toArray();
        return union.length == codePoints.length ? this : new Vocabulary(union);
    }

    /**
     * Where each token of a smaller vocabulary is in this one, for copying a parent model's rows into a grown model.
     *
     * @param parent a vocabulary whose every character this one has
     * @return the parent's tokens' positions here
     * @throws IllegalArgumentException if the parent has a character this vocabulary lacks
     * @since 1.3
     */
    @API(status = EXPERIMENTAL, since = "1.3")
    public dev.nova.kit.nn.Growth growthFrom(Vocabulary parent) {
        int[] index = new int[parent.size()];
        for (int i = 0; i < index.length; i++) {
            index[i] = index(parent.codePoints[i]);
            if (index[i] < 0) {
                throw new IllegalArgumentException("character U+" + Integer.toHexString(parent.codePoints[i])
                        + " of the parent vocabulary is missing");
            }
        }
        return new dev.nova.kit.nn.Growth(index, size());
    }

    /** The most added characters a message lists; the rest are counted. */
    public static final int LISTED = 24;

    /**
     * The characters of this vocabulary that another lacks, printable, for a message: the first {@link #LISTED}, then
     * how many more (a Chinese corpus adds thousands: listing each made a 17.5 KB line).
     *
     * @param parent the smaller vocabulary
     * @return the characters, quoted and separated by spaces, with escapes for control characters
     * @since 1.3
     */
    @API(status = EXPERIMENTAL, since = "1.3")
    public String describeAdded(Vocabulary parent) {
        StringBuilder b = new StringBuilder();
        int listed = 0;
        int more = 0;
        for (int cp : codePoints) {
            if (parent.index(cp) < 0) {
                if (listed == LISTED) {
                    more++;
                    continue;
                }
                listed++;
                b.append(b.length() == 0 ? "" : " ").append(Character.isISOControl(cp) || Character.isWhitespace(cp)
                        || !Character.isDefined(cp) ? String.format("U+%04X", cp)
                        : "'" + new String(Character.toChars(cp)) + "'");
            }
        }
        return more == 0 ? b.toString() : b + " and " + more + " more";
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
