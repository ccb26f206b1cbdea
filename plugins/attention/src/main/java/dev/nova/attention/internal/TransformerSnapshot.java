package dev.nova.attention.internal;

import dev.nova.kit.nn.AttentionSnapshot;
import dev.nova.kit.nn.Buffers;
import dev.nova.kit.nn.Dense;
import dev.nova.kit.nn.LayerNorm;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link TransformerNetwork}'s parameters copied into plain arrays (and native matrices) for generating one token at a
 * time: immutable, shared by the {@link Stepper}s of a request or of a server's batch.
 */
public final class TransformerSnapshot {

    private final int vocab;
    private final int width;
    private final int context;
    private final int layers;
    private final float[] tok;
    private final float[] pos;
    private final List<LayerNorm.Snapshot> ln1 = new ArrayList<>();
    private final List<AttentionSnapshot> attention = new ArrayList<>();
    private final List<LayerNorm.Snapshot> ln2 = new ArrayList<>();
    private final List<Dense.Snapshot> fc = new ArrayList<>();
    private final List<Dense.Snapshot> out = new ArrayList<>();
    private final LayerNorm.Snapshot lnf;
    private final Dense.Snapshot head;

    TransformerSnapshot(TransformerNetwork n) {
        this.vocab = n.vocab();
        this.width = n.width();
        this.context = n.context();
        this.layers = n.blocks().size();
        this.tok = Buffers.floats(n.tokens().weights());
        this.pos = Buffers.floats(n.positions().weights());
        this.lnf = n.finalNorm().snapshot();
        this.head = n.head() == null ? n.tokens().headSnapshot() : n.head().snapshot();
        for (TransformerNetwork.Block b : n.blocks()) {
            ln1.add(b.ln1.snapshot());
            attention.add(b.attention.snapshot());
            ln2.add(b.ln2.snapshot());
            fc.add(b.fc.snapshot());
            out.add(b.out.snapshot());
        }
    }

    /**
     * A stepper with empty caches.
     *
     * @return the stepper
     */
    public Stepper stepper() {
        return new Stepper(this);
    }

    /**
     * Feeds one token to each of several steppers of this snapshot together (a server's batch): the products
     * read each weight once for all of them, and each stepper's logits are to the bit those of its own {@link
     * Stepper#step} (for fewer than sixteen steppers, or matrices below half a million weights; sixteen rows or more
     * of a larger matrix go through one BLAS {@code sgemm}, which rounds its own way).
     *
     * @param lanes the steppers
     * @param tokens one token each
     * @return each stepper's next-token logits
     */
    public float[][] step(List<Stepper> lanes, int[] tokens) {
        int n = lanes.size();
        float[][] xs = new float[n][];
        float[][] hs = new float[n][];
        float[][] ys = new float[n][];
        float[][] hidden = new float[n][];
        for (int l = 0; l < n; l++) {
            Stepper st = lanes.get(l);
            if (st.p != this) {
                throw new IllegalArgumentException("a stepper of another snapshot");
            }
            st.cropIfFull();
            st.window[st.size] = tokens[l];
            int token = tokens[l];
            int at = st.size;
            for (int j = 0; j < width; j++) {
                st.x[j] = tok[token * width + j] + pos[at * width + j];
            }
            xs[l] = st.x;
            hs[l] = st.h;
            ys[l] = st.y;
            hidden[l] = st.hidden;
        }
        for (int i = 0; i < layers; i++) {
            for (int l = 0; l < n; l++) {
                Stepper st = lanes.get(l);
                ln1.get(i).rows(st.x, 1, st.h);
                st.caches.get(i).steps(st.h, 1, st.y);
                Stepper.add(st.x, st.y, width);
                ln2.get(i).rows(st.x, 1, st.h);
            }
            fc.get(i).applyEach(hs, n, hidden);
            out.get(i).applyEach(hidden, n, ys);
            for (int l = 0; l < n; l++) {
                Stepper.add(xs[l], ys[l], width);
            }
        }
        float[][] logits = new float[n][vocab];
        for (int l = 0; l < n; l++) {
            Stepper st = lanes.get(l);
            st.size++;
            lnf.rows(st.x, 1, st.h);
        }
        head.applyEach(hs, n, logits);
        return logits;
    }

    /**
     * Feeds one token at a time through key/value caches: each token costs one position's work. The window holds
     * at most the context; a token that would overflow it first cuts the window to its last half and recomputes the
     * caches for it (so a long sample costs O(context) per token on average, and the positions stay within the
     * learned ones). Its buffers are allocated once: a step allocates only the logits it returns.
     */
    public final class Stepper {
        private final TransformerSnapshot p;
        private final List<AttentionSnapshot.Cache> caches = new ArrayList<>();
        private final int[] window = new int[context];
        private int size;
        /** The residual stream, a normalised copy, a sublayer's output, the MLP's hidden rows: up to context rows. */
        private final float[] x;
        private final float[] h;
        private final float[] y;
        private final float[] hidden;

        private Stepper(TransformerSnapshot p) {
            this.p = p;
            for (AttentionSnapshot a : p.attention) {
                caches.add(a.cache(context));
            }
            this.x = new float[context * width];
            this.h = new float[context * width];
            this.y = new float[context * width];
            this.hidden = new float[context * (p.fc.isEmpty() ? 0 : p.fc.get(0).out())];
        }

        /** Forgets every token fed, keeping the buffers (native memory included) for the next sequence. */
        public void reset() {
            size = 0;
            for (AttentionSnapshot.Cache c : caches) {
                c.clear();
            }
        }

        /** The tokens the caches hold, oldest first. */
        public List<Integer> window() {
            return java.util.Arrays.stream(window, 0, size).boxed().toList();
        }

        /**
         * Feeds a token.
         *
         * @param token the token
         * @return the next token's logits
         */
        public float[] step(int token) {
            cropIfFull();
            window[size] = token;
            feed(1, true);
            return logits();
        }

        /** A full window is cut to its last half first, its caches recomputed. */
        private void cropIfFull() {
            if (size == context) {
                int keep = context / 2;
                System.arraycopy(window, context - keep, window, 0, keep);
                reset();
                // The kept window in one batched pass (one position at a time, the re-fills cost as much as the
                // characters generated between two crops, which halved the sampling speed).
                feed(keep, false);
            }
        }

        /**
         * Runs the {@code n} tokens at {@code window[size..size+n)} through the blocks, appending them to the caches.
         * Without {@code last}, the last block's MLP is skipped: it feeds only the logits.
         */
        private void feed(int n, boolean last) {
            int at = size;
            for (int r = 0; r < n; r++) {
                int token = window[at + r];
                for (int j = 0; j < width; j++) {
                    x[r * width + j] = p.tok[token * width + j] + p.pos[(at + r) * width + j];
                }
            }
            int rows = n * width;
            for (int i = 0; i < layers; i++) {
                p.ln1.get(i).rows(x, n, h);
                caches.get(i).steps(h, n, y);
                add(x, y, rows);
                if (last || i < layers - 1) {
                    p.ln2.get(i).rows(x, n, h);
                    p.fc.get(i).applyRows(h, n, hidden);
                    p.out.get(i).applyRows(hidden, n, y);
                    add(x, y, rows);
                }
            }
            size += n;
        }

        /** The logits after the last position fed (in the first row of x). */
        private float[] logits() {
            p.lnf.rows(x, 1, h);
            float[] logits = new float[vocab];
            // The head (the token embedding's transpose when tied): vectorised, split across the cores.
            p.head.applyRows(h, 1, logits);
            return logits;
        }

        private static void add(float[] x, float[] y, int n) {
            for (int j = 0; j < n; j++) {
                x[j] += y[j];
            }
        }
    }
}
