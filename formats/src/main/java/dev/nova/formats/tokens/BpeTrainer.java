package dev.nova.formats.tokens;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * Trains a byte-level BPE as GPT-2's was: the text is cut into GPT-2's pieces, each distinct piece counted once with
 * its frequency, and the most frequent adjacent pair of tokens is merged into a new token until the vocabulary has
 * the size asked for. Ties go to the pair of lower token ids, so training is deterministic: the same text gives
 * the same merges, whatever the machine or the seed. Only the words a merge touches are recounted.
 */
final class BpeTrainer {

    private BpeTrainer() {
    }

    private record Candidate(long count, long pair) implements Comparable<Candidate> {
        @Override
        public int compareTo(Candidate o) {
            int c = Long.compare(o.count, count);
            return c != 0 ? c : Long.compare(pair, o.pair);
        }
    }

    static ByteLevelBpe train(CharSequence text, int size) {
        if (size < 256 || size > ByteLevelBpe.MAX_SIZE) {
            throw new IllegalArgumentException("vocab-size " + size + " is out of range: a byte-level BPE has the 256"
                    + " bytes and at most " + ByteLevelBpe.MAX_SIZE + " tokens");
        }
        Map<String, int[]> distinct = new LinkedHashMap<>();
        Gpt2Split.split(text, (from, to) -> distinct.computeIfAbsent(text.subSequence(from, to).toString(),
                k -> new int[1])[0]++);
        int[][] words = new int[distinct.size()][];
        long[] counts = new long[words.length];
        int w = 0;
        for (Map.Entry<String, int[]> e : distinct.entrySet()) {
            byte[] b = e.getKey().getBytes(StandardCharsets.UTF_8);
            int[] word = new int[b.length];
            for (int i = 0; i < b.length; i++) {
                word[i] = b[i] & 0xff;
            }
            words[w] = word;
            counts[w++] = e.getValue()[0];
        }
        distinct.clear();
        Map<Long, long[]> pairCounts = new HashMap<>();
        Map<Long, Set<Integer>> where = new HashMap<>();
        for (w = 0; w < words.length; w++) {
            addPairs(words[w], counts[w], w, pairCounts, where, null);
        }
        PriorityQueue<Candidate> queue = new PriorityQueue<>();
        pairCounts.forEach((pair, count) -> queue.add(new Candidate(count[0], pair)));

        List<byte[]> bytes = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            bytes.add(new byte[] {(byte) b});
        }
        Map<String, Integer> ids = new HashMap<>();
        int[] merges = new int[2 * (size - 256)];
        int made = 0;
        Set<Long> touched = new HashSet<>();
        while (256 + made < size) {
            Candidate best = queue.poll();
            if (best == null) {
                throw new IllegalArgumentException("vocab-size " + size + " is more than the text supports: it has"
                        + " no pair of tokens left to merge after " + (256 + made) + " tokens");
            }
            long[] current = pairCounts.get(best.pair);
            if (current == null || current[0] != best.count) {
                continue; // stale: a newer candidate for this pair is queued (or it is gone)
            }
            int left = (int) (best.pair >>> 32);
            int right = (int) best.pair;
            byte[] l = bytes.get(left);
            byte[] r = bytes.get(right);
            byte[] m = java.util.Arrays.copyOf(l, l.length + r.length);
            System.arraycopy(r, 0, m, l.length, r.length);
            String key = new String(m, StandardCharsets.ISO_8859_1);
            Integer existing = ids.get(key);
            int token;
            if (existing != null) {
                token = existing; // the same bytes from another split: no new token, the words still merge
            } else {
                token = 256 + made;
                merges[2 * made] = left;
                merges[2 * made + 1] = right;
                made++;
                bytes.add(m);
                ids.put(key, token);
            }
            touched.clear();
            for (int word : where.remove(best.pair)) {
                int[] before = words[word];
                if (!contains(before, left, right)) {
                    continue;
                }
                removePairs(before, counts[word], pairCounts, touched);
                words[word] = replace(before, left, right, token);
                addPairs(words[word], counts[word], word, pairCounts, where, touched);
            }
            pairCounts.remove(best.pair);
            for (long pair : touched) {
                long[] c = pairCounts.get(pair);
                if (c != null && c[0] > 0 && pair != best.pair) {
                    queue.add(new Candidate(c[0], pair));
                }
            }
        }
        return ByteLevelBpe.ofMerges("bpe", merges);
    }

    private static long pair(int a, int b) {
        return ((long) a << 32) | (b & 0xffffffffL);
    }

    private static void addPairs(int[] word, long count, int w, Map<Long, long[]> pairCounts,
                                 Map<Long, Set<Integer>> where, Set<Long> touched) {
        for (int i = 0; i + 1 < word.length; i++) {
            long p = pair(word[i], word[i + 1]);
            pairCounts.computeIfAbsent(p, k -> new long[1])[0] += count;
            where.computeIfAbsent(p, k -> new HashSet<>()).add(w);
            if (touched != null) {
                touched.add(p);
            }
        }
    }

    private static void removePairs(int[] word, long count, Map<Long, long[]> pairCounts, Set<Long> touched) {
        for (int i = 0; i + 1 < word.length; i++) {
            long p = pair(word[i], word[i + 1]);
            long[] c = pairCounts.get(p);
            c[0] -= count;
            if (c[0] == 0) {
                pairCounts.remove(p);
            }
            touched.add(p);
        }
    }

    private static boolean contains(int[] word, int left, int right) {
        for (int i = 0; i + 1 < word.length; i++) {
            if (word[i] == left && word[i + 1] == right) {
                return true;
            }
        }
        return false;
    }

    /** The word with each occurrence of the pair, left to right without overlap, replaced by the token. */
    private static int[] replace(int[] word, int left, int right, int token) {
        int[] out = new int[word.length];
        int n = 0;
        for (int i = 0; i < word.length; i++) {
            if (i + 1 < word.length && word[i] == left && word[i + 1] == right) {
                out[n++] = token;
                i++;
            } else {
                out[n++] = word[i];
            }
        }
        return java.util.Arrays.copyOf(out, n);
    }
}
