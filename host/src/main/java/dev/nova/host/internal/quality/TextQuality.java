package dev.nova.host.internal.quality;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sample-quality metrics of generated text against the training text, for any text plugin:
 * <ul>
 *   <li>{@value #COPY_CHARS}: the share of the samples' 8-character windows found in the training text, and
 *       {@value #COPY_WORDS} the same for 4-word windows (words: runs of letters, digits and apostrophes, compared in
 *       lower case; in scripts written without spaces (Han, kana, Thai, Lao, Khmer, Myanmar, Tibetan) each character
 *       is a word, so that a line of Chinese is not one word: {@link #wordUnit} says when that is what the figures
 *       count);</li>
 *   <li>{@value #LONGEST_COPY}: the longest run of characters of any sample that occurs in the training text;</li>
 *   <li>{@code distinct-1} to {@code distinct-4}: distinct word n-grams over all n-grams of all samples (Li et al.
 *       2016: low is repetitive, generic output);</li>
 *   <li>{@value #REPETITION}: the share of each sample's 4-word windows that already occurred earlier in the same
 *       sample (a model stuck in a loop scores high).</li>
 * </ul>
 * The same figures on passages of held-out real text of the samples' length are each metric's reference: real text
 * shares phrases with its training text too, so a copy rate means something only next to the real one.
 */
public final class TextQuality {

    /** Share of 8-character windows of the samples that occur in the training text. */
    public static final String COPY_CHARS = "copy-rate-8";
    /** Share of 4-word windows of the samples that occur in the training text. */
    public static final String COPY_WORDS = "copy-rate-4w";
    /** The longest run of characters of a sample found in the training text. */
    public static final String LONGEST_COPY = "longest-copy";
    /** Share of 4-word windows repeated within their own sample. */
    public static final String REPETITION = "repetition-4w";
    /** The metric names, in the order they are reported. */
    public static final List<String> NAMES = List.of(COPY_CHARS, COPY_WORDS, LONGEST_COPY, "distinct-1", "distinct-2",
            "distinct-3", "distinct-4", REPETITION);

    static final int CHARS = 8;
    static final int WORDS = 4;
    /** Scripts written without spaces between words: each of their characters is a word. */
    private static final String UNSPACED = "\\p{IsHan}\\p{IsHiragana}\\p{IsKatakana}\\p{IsThai}\\p{IsLao}\\p{IsKhmer}"
            + "\\p{IsMyanmar}\\p{IsTibetan}";
    private static final Pattern WORD = Pattern.compile("[" + UNSPACED + "]|[[\\p{L}\\p{N}\\p{M}']&&[^" + UNSPACED + "]]+");
    private static final Pattern UNSPACED_CHAR = Pattern.compile("[" + UNSPACED + "]");

    private final long[] training;
    private final long[] trainingWords;
    private final String wordUnit;

    /**
     * Indexes a training text.
     *
     * @param trainingText the text the model trained on
     */
    public TextQuality(String trainingText) {
        this.training = Grams.codePoints(trainingText);
        this.trainingWords = words(trainingText);
        this.wordUnit = wordUnit(trainingText);
    }

    /**
     * What the word metrics count in a text: {@code "words"}, or, when most of its letters are of scripts written
     * without spaces, a sentence saying that its words are characters, for the line above the figures.
     *
     * @param text the training text
     * @return {@code "words"} or the sentence
     */
    static String wordUnit(String text) {
        long letters = text.codePoints().filter(Character::isLetter).count();
        long unspaced = UNSPACED_CHAR.matcher(text).results().count();
        if (letters == 0 || unspaced * 2 < letters) {
            return "words";
        }
        Character.UnicodeScript script = text.codePoints().filter(cp -> UNSPACED_CHAR.matcher(Character.toString(cp))
                .matches()).mapToObj(Character.UnicodeScript::of).collect(java.util.stream.Collectors.groupingBy(
                        x -> x, java.util.stream.Collectors.counting())).entrySet().stream()
                .max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(Character.UnicodeScript.HAN);
        String name = script.name().charAt(0) + script.name().substring(1).toLowerCase(Locale.ROOT);
        return "words of " + name + " text are its characters (a script written without spaces)";
    }

    /**
     * What the word metrics of this training text count: see {@link #wordUnit(String)}.
     *
     * @return {@code "words"} or the sentence
     */
    public String wordUnit() {
        return wordUnit;
    }

    /**
     * The metrics of some texts.
     *
     * @param texts generated samples (or real passages, for the reference)
     * @return the metrics by name, in {@link #NAMES} order; a metric with nothing to count (no 4-word window, say) is
     *     NaN
     */
    public Map<String, Double> of(List<String> texts) {
        Map<String, Double> m = new LinkedHashMap<>();
        List<long[]> chars = texts.stream().map(Grams::codePoints).toList();
        List<long[]> words = texts.stream().map(TextQuality::words).toList();
        m.put(COPY_CHARS, copyRate(chars, training, CHARS));
        m.put(COPY_WORDS, copyRate(words, trainingWords, WORDS));
        m.put(LONGEST_COPY, (double) longestCopy(chars, training));
        for (int n = 1; n <= 4; n++) {
            m.put("distinct-" + n, distinct(words, n));
        }
        m.put(REPETITION, repetition(words, WORDS));
        return m;
    }

    /** The words of a text, each as a 64-bit hash of its lower-case form. */
    static long[] words(String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        Matcher w = WORD.matcher(lower);
        long[] out = new long[16];
        int n = 0;
        while (w.find()) {
            long h = 0xcbf29ce484222325L;
            for (int i = w.start(); i < w.end(); i++) {
                h = (h ^ lower.charAt(i)) * 0x100000001b3L;
            }
            if (n == out.length) {
                out = java.util.Arrays.copyOf(out, 2 * n);
            }
            out[n++] = h;
        }
        return java.util.Arrays.copyOf(out, n);
    }

    /**
     * The share of the windows of length {@code n} of the samples that occur in the reference: the distinct sample
     * windows are put in a set, the reference is scanned once, and each sample window is counted as often as it occurs.
     */
    static double copyRate(List<long[]> samples, long[] reference, int n) {
        Grams.Set wanted = new Grams.Set();
        List<Grams> grams = new ArrayList<>();
        long total = 0;
        for (long[] s : samples) {
            Grams g = new Grams(s, n);
            grams.add(g);
            for (int i = 0; i + n <= s.length; i++) {
                wanted.add(g.window(i, n));
                total++;
            }
        }
        if (total == 0) {
            return Double.NaN;
        }
        Grams.Set found = scan(reference, n, wanted);
        long copied = 0;
        for (Grams g : grams) {
            for (int i = 0; i + n <= g.length(); i++) {
                if (found.contains(g.window(i, n))) {
                    copied++;
                }
            }
        }
        return (double) copied / total;
    }

    /** The windows of length {@code n} of the reference that are in {@code wanted}. */
    private static Grams.Set scan(long[] reference, int n, Grams.Set wanted) {
        Grams.Set found = new Grams.Set();
        if (reference.length < n) {
            return found;
        }
        Grams r = new Grams(reference, n);
        for (int i = 0; i + n <= reference.length; i++) {
            long h = r.window(i, n);
            if (wanted.contains(h)) {
                found.add(h);
            }
        }
        return found;
    }

    /** The longest window of any sample that occurs in the reference: a binary search over the length. */
    static int longestCopy(List<long[]> samples, long[] reference) {
        int hi = 0;
        for (long[] s : samples) {
            hi = Math.max(hi, s.length);
        }
        hi = Math.min(hi, reference.length);
        int lo = 0;
        while (lo < hi) {
            int mid = (lo + hi + 1) >>> 1;
            if (anyCopied(samples, reference, mid)) {
                lo = mid;
            } else {
                hi = mid - 1;
            }
        }
        return lo;
    }

    private static boolean anyCopied(List<long[]> samples, long[] reference, int n) {
        Grams.Set wanted = new Grams.Set();
        for (long[] s : samples) {
            Grams g = new Grams(s, n);
            for (int i = 0; i + n <= s.length; i++) {
                wanted.add(g.window(i, n));
            }
        }
        return wanted.size() > 0 && scan(reference, n, wanted).size() > 0;
    }

    /** Distinct word n-grams over all word n-grams of the samples. */
    static double distinct(List<long[]> samples, int n) {
        HashSet<List<Long>> seen = new HashSet<>();
        long total = 0;
        for (long[] s : samples) {
            for (int i = 0; i + n <= s.length; i++) {
                List<Long> gram = new ArrayList<>(n);
                for (int k = 0; k < n; k++) {
                    gram.add(s[i + k]);
                }
                seen.add(gram);
                total++;
            }
        }
        return total == 0 ? Double.NaN : (double) seen.size() / total;
    }

    /** The share of word n-grams that already occurred earlier in their own sample. */
    static double repetition(List<long[]> samples, int n) {
        long repeated = 0;
        long total = 0;
        for (long[] s : samples) {
            HashSet<List<Long>> seen = new HashSet<>();
            for (int i = 0; i + n <= s.length; i++) {
                List<Long> gram = new ArrayList<>(n);
                for (int k = 0; k < n; k++) {
                    gram.add(s[i + k]);
                }
                if (!seen.add(gram)) {
                    repeated++;
                }
                total++;
            }
        }
        return total == 0 ? Double.NaN : (double) repeated / total;
    }

    /**
     * Passages of a held-out text with the given lengths, spread evenly over it (the reference of each metric).
     *
     * @param heldOut the held-out text
     * @param lengths the length, in code points, of each passage wanted
     * @return as many passages as fit, each of its length
     */
    public static List<String> passages(String heldOut, List<Integer> lengths) {
        int[] cps = heldOut.codePoints().toArray();
        List<String> out = new ArrayList<>();
        int count = lengths.size();
        for (int i = 0; i < count; i++) {
            int len = Math.min(lengths.get(i), cps.length);
            if (len <= 0) {
                continue;
            }
            int span = cps.length - len;
            int from = count == 1 ? 0 : (int) ((long) span * i / (count - 1));
            out.add(new String(cps, from, len));
        }
        return out;
    }
}
