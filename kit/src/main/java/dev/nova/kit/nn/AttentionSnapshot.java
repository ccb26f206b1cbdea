package dev.nova.kit.nn;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemv;

import org.apiguardian.api.API;
import org.bytedeco.javacpp.FloatPointer;

/**
 * A {@link CausalSelfAttention} layer's parameters as plain arrays, for any number of key/value {@link Cache}s (one
 * per sequence being sampled); training on does not change it.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class AttentionSnapshot {

    private final int width;
    private final int heads;
    private final int headSize;
    private final Dense.Snapshot qkv;
    private final Dense.Snapshot proj;

    AttentionSnapshot(int width, int heads, Dense.Snapshot qkv, Dense.Snapshot proj) {
        this.width = width;
        this.heads = heads;
        this.headSize = width / heads;
        this.qkv = qkv;
        this.proj = proj;
    }

    /**
     * An empty key/value cache for one sequence.
     *
     * @param capacity the most positions it will hold
     * @return the cache
     */
    public Cache cache(int capacity) {
        return new Cache(capacity);
    }

    /**
     * The keys and values of one sequence's positions so far: each new position costs one row of projections and
     * one pass over the cached positions, not a recomputation of the sequence.
     *
     * <p>Keys and values live in native memory, {@code [capacity, width]} with the heads side by side, and the two
     * products per head run through BLAS ({@code sgemv} for one position, {@code sgemm} for several). The Java loops
     * they replace were 16% of a character's time in a profile of sampling (about 60 µs of 380 with the attention
     * plugin's parity model): C2 leaves loops over a 32-wide head mostly scalar, and they needed the JIT warm first.
     * Now one layer's step, projections included, measures about 9 µs. The softmax between the two products runs in
     * Java with {@link FloatMath#exp}, as in training.
     *
     * <p>One cache serves one sequence on one thread.
     */
    public final class Cache {
        /** Positions per batch of {@link #steps}: bounds the score buffer to {@code heads·CHUNK·capacity}. */
        private static final int CHUNK = 16;

        private final int capacity;
        private final FloatPointer keys;
        private final FloatPointer values;
        /**
         * Per head, views at its first element of: the queries of a chunk ({@code [CHUNK, width]}), the keys, the
         * values, its scores ({@code [CHUNK, positions]}, {@code CHUNK·capacity} apart) and the outputs of a chunk
         * ({@code [CHUNK, width]}).
         */
        private final FloatPointer[] queries;
        private final FloatPointer[] keyViews;
        private final FloatPointer[] valueViews;
        private final FloatPointer[] scores;
        private final FloatPointer[] outputs;
        private float[] score = new float[0];
        /** Projections ({@code [n, 3·width]}) and one of their thirds at a time, grown to the largest n seen. */
        private float[] all = new float[0];
        private float[] part = new float[0];
        private final float[] query;
        private int length;

        private Cache(int capacity) {
            this.capacity = capacity;
            this.keys = new FloatPointer((long) capacity * width);
            this.values = new FloatPointer((long) capacity * width);
            FloatPointer q = new FloatPointer((long) CHUNK * width);
            FloatPointer s = new FloatPointer((long) heads * CHUNK * capacity);
            FloatPointer o = new FloatPointer((long) CHUNK * width);
            this.queries = views(q, headSize);
            this.keyViews = views(keys, headSize);
            this.valueViews = views(values, headSize);
            this.scores = views(s, (long) CHUNK * capacity);
            this.outputs = views(o, headSize);
            this.query = new float[CHUNK * width];
        }

        private FloatPointer[] views(FloatPointer base, long stride) {
            FloatPointer[] v = new FloatPointer[heads];
            for (int h = 0; h < heads; h++) {
                v[h] = new FloatPointer(base).position(h * stride);
            }
            return v;
        }

        /** Positions held. */
        public int length() {
            return length;
        }

        /** Forgets every position (the buffers stay). */
        public void clear() {
            length = 0;
        }

        /**
         * Appends a position and attends from it over every position held.
         *
         * @param x its input, {@code width} values
         * @return its output, {@code width} values
         * @throws IllegalStateException when the cache is full
         */
        public float[] step(float[] x) {
            float[] y = new float[width];
            steps(x, 1, y);
            return y;
        }

        /**
         * Appends {@code n} positions (a prompt, or a window being re-filled), each attending over the positions
         * before it and itself: what {@code n} calls of {@link #step} compute, with the products of all of them
         * batched (re-filling 64 positions of the attention plugin's model cost 12 ms through ND4J's batched forward
         * pass, about 2.5 ms this way). Allocates nothing once its buffers have grown to {@code n} positions.
         *
         * @param x their inputs, {@code [n, width]} row-major (at least {@code n·width} values)
         * @param n how many positions
         * @param y receives their outputs, {@code [n, width]} row-major, in its first {@code n·width} values
         * @throws IllegalStateException when they do not fit
         */
        public void steps(float[] x, int n, float[] y) {
            if (length + n > capacity) {
                throw new IllegalStateException("the cache holds " + length + " of its capacity of " + capacity
                        + " positions; " + n + " more do not fit");
            }
            if (all.length < n * 3 * width) {
                all = new float[n * 3 * width];
                part = new float[n * width];
            }
            qkv.applyRows(x, n, all);
            for (int k = 1; k <= 2; k++) {
                for (int r = 0; r < n; r++) {
                    System.arraycopy(all, (r * 3 + k) * width, part, r * width, width);
                }
                (k == 1 ? keys : values).position((long) length * width).put(part, 0, n * width).position(0);
            }
            for (int r0 = 0; r0 < n; r0 += CHUNK) {
                int m = Math.min(CHUNK, n - r0);
                for (int r = 0; r < m; r++) {
                    System.arraycopy(all, (r0 + r) * 3 * width, query, r * width, width);
                }
                queries[0].put(query, 0, m * width);
                attend(length + r0, m);
                // The outputs go to part, free again once the keys and values were stored.
                outputs[0].get(part, r0 * width, m * width);
            }
            length += n;
            proj.applyRows(part, n, y);
        }

        /**
         * Attention of the {@code m} queries in {@code queries}, at positions {@code first..first+m-1}, over the
         * keys and values up to each one's own position, into {@code outputs}.
         */
        private void attend(int first, int m) {
            int span = first + m;
            int hs = headSize;
            float scale = (float) (1 / Math.sqrt(hs));
            if (score.length < m * span) {
                score = new float[CHUNK * capacity];
            }
            for (int h = 0; h < heads; h++) {
                FloatPointer s = scores[h];
                if (m == 1) {
                    cblas_sgemv(CblasRowMajor, CblasNoTrans, span, hs, scale, keyViews[h], width, queries[h], 1, 0f,
                            s, 1);
                } else {
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, m, span, hs, scale, queries[h], width,
                            keyViews[h], width, 0f, s, span);
                }
                s.get(score, 0, m * span);
                for (int r = 0; r < m; r++) {
                    // Query r of the chunk sees positions 0..first+r; the rest of its row weighs nothing.
                    int o = r * span;
                    int seen = first + r + 1;
                    float max = Float.NEGATIVE_INFINITY;
                    for (int u = 0; u < seen; u++) {
                        max = Math.max(max, score[o + u]);
                    }
                    float z = 0;
                    for (int u = 0; u < seen; u++) {
                        float e = FloatMath.exp(score[o + u] - max);
                        score[o + u] = e;
                        z += e;
                    }
                    float inv = 1 / z;
                    for (int u = 0; u < seen; u++) {
                        score[o + u] *= inv;
                    }
                    java.util.Arrays.fill(score, o + seen, o + span, 0f);
                }
                s.put(score, 0, m * span);
                if (m == 1) {
                    cblas_sgemv(CblasRowMajor, CblasTrans, span, hs, 1f, valueViews[h], width, s, 1, 0f, outputs[h],
                            1);
                } else {
                    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, m, hs, span, 1f, s, span, valueViews[h],
                            width, 0f, outputs[h], width);
                }
            }
        }
    }
}
