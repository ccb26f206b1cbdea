package dev.nova.host.internal.quality;

/**
 * 64-bit polynomial hashes of the windows of a sequence (code points, or word hashes), and an open-addressing set of
 * such hashes: what the text metrics compare n-grams with, without boxing millions of them. Two different windows
 * share a hash with probability about 2^-64 per pair: for the sizes here (a few million training windows against a
 * few hundred thousand generated ones) a miscount is not to be expected.
 */
final class Grams {

    private static final long BASE = 0x9E3779B97F4A7C15L | 1;

    private final long[] prefix;
    private final long[] power;

    /**
     * Prepares the hashes of every window of a sequence.
     *
     * @param symbols the sequence
     * @param longest the longest window asked for
     */
    Grams(long[] symbols, int longest) {
        prefix = new long[symbols.length + 1];
        for (int i = 0; i < symbols.length; i++) {
            prefix[i + 1] = prefix[i] * BASE + mix(symbols[i]);
        }
        power = new long[Math.max(1, longest) + 1];
        power[0] = 1;
        for (int i = 1; i < power.length; i++) {
            power[i] = power[i - 1] * BASE;
        }
    }

    /** The number of symbols. */
    int length() {
        return prefix.length - 1;
    }

    /**
     * The hash of the window {@code [from, from + n)}.
     *
     * @param from its start
     * @param n its length, at most the longest prepared
     * @return the hash
     */
    long window(int from, int n) {
        return mix(prefix[from + n] - prefix[from] * power[n]);
    }

    /** A bijective scramble (splitmix64's finaliser), so that nearby values spread over the table. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** A set of 64-bit hashes (open addressing, linear probing; 0 is stored apart). */
    static final class Set {
        private long[] slots = new long[1024];
        private int size;
        private boolean zero;

        void add(long h) {
            if (h == 0) {
                zero = true;
                return;
            }
            if (2 * (size + 1) > slots.length) {
                long[] old = slots;
                slots = new long[old.length * 2];
                size = 0;
                for (long v : old) {
                    if (v != 0) {
                        insert(v);
                    }
                }
            }
            insert(h);
        }

        private void insert(long h) {
            int mask = slots.length - 1;
            int i = (int) h & mask;
            while (slots[i] != 0) {
                if (slots[i] == h) {
                    return;
                }
                i = (i + 1) & mask;
            }
            slots[i] = h;
            size++;
        }

        boolean contains(long h) {
            if (h == 0) {
                return zero;
            }
            int mask = slots.length - 1;
            int i = (int) h & mask;
            while (slots[i] != 0) {
                if (slots[i] == h) {
                    return true;
                }
                i = (i + 1) & mask;
            }
            return false;
        }

        int size() {
            return size + (zero ? 1 : 0);
        }

        @Override
        public String toString() {
            return "Grams.Set[" + size() + "]";
        }
    }

    /** The code points of a text, as symbols. */
    static long[] codePoints(String text) {
        return text.codePoints().asLongStream().toArray();
    }

    @Override
    public String toString() {
        return "Grams[" + length() + " symbols, windows up to " + (power.length - 1) + "]";
    }
}
