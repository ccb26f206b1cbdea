package dev.nova.kit.nn;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * The native and Java buffers of a {@link Gru} stack for one sequence shape, kept from call to call: what the forward
 * pass writes and the backward pass reads, made on first use.
 */
final class GruBuffers {

    private GruBuffers() {
    }

    private static INDArray rows(INDArray a, long from, long to) {
        return a.get(NDArrayIndex.interval(from, to), NDArrayIndex.all());
    }

    /**
     * The buffers of one sequence shape, kept from call to call: a training step allocated about 40 MB of native
     * arrays before, and ND4J's allocation (it zeroes every buffer) was a third of the step's native time.
     */
    static final class Work {
        final int time;
        final int batch;
        final int n;
        final INDArray ones;
        final Layer[] layer;
        boolean initialGiven;
        /** Whether the last forward pass kept what the backward pass needs. */
        boolean training;
        /** With an embedding in front: the tokens, the table E·Wx0 + bx0 and the per-token sums of dXg0. */
        int[] tokens;
        Embedding embedding;
        INDArray table;
        Vec tableJ;
        INDArray tokenSums;
        Vec tokenSumsJ;
        INDArray vocabOnes;
        /** The products over the embedding: its table, and the first layer's and the embedding's gradients. */
        final Product tableProduct = new Product();
        final Product tokenWeightGradient = new Product();
        final Product tokenInputGradient = new Product();

        Work(DataType type, int time, int batch, int layers, int input, int hidden) {
            this.time = time;
            this.batch = batch;
            this.n = time * batch;
            ones = Nd4j.ones(type, 1, n);
            layer = new Layer[layers];
            for (int l = 0; l < layers; l++) {
                layer[l] = new Layer(type, this, l == 0 ? input : hidden, hidden);
            }
        }
    }

    /** One layer's buffers for one shape; the Java arrays hold what the backward pass needs (row-major). */
    static final class Layer {
        final int in;
        final int hidden;
        final DataType type;
        INDArray xg;
        final INDArray out;
        final INDArray[] outRows;
        final INDArray hg;
        final INDArray h0;
        INDArray dHg;
        INDArray[] dHgRows;
        INDArray dXg;
        INDArray back;
        INDArray dx;
        Vec xgJ;
        final Vec outJ;
        Vec rJ;
        Vec zJ;
        Vec nJ;
        Vec hgnJ;
        final Vec hgJ;
        Vec dOutJ;
        Vec dXgJ;
        Vec dHgJ;
        Vec backJ;
        final int n;
        final int batch;
        final int time;
        INDArray input;
        INDArray dropped;
        double[] mask;
        double[] initial;
        /**
         * The layer's products, each keeping its native context ({@link Product}): step t's recurrent product reads
         * step t − 1's states ({@code recurrent[0]} the initial state), and its gradient step t's gate gradients.
         */
        final Product[] recurrent;
        Product[] recurrentGradient;
        private INDArray outBefore;
        private INDArray dHgAfter;
        final Product projectionProduct = new Product();
        final Product recurrentWeightGradient = new Product();
        final Product initialWeightGradient = new Product();
        final Product inputWeightGradient = new Product();
        final Product inputGradient = new Product();

        Layer(DataType type, Work w, int in, int hidden) {
            this.in = in;
            this.hidden = hidden;
            this.type = type;
            int h = hidden;
            int g3 = 3 * h;
            this.n = w.n;
            out = Nd4j.create(type, w.n, h);
            hg = Nd4j.create(type, w.batch, g3);
            h0 = Nd4j.create(type, w.batch, h);
            this.batch = w.batch;
            this.time = w.time;
            outRows = new INDArray[w.time];
            for (int t = 0; t < w.time; t++) {
                outRows[t] = rows(out, t * w.batch, (t + 1) * w.batch);
            }
            outJ = Vec.of(type, w.n * h);
            hgJ = Vec.of(type, w.batch * g3);
            recurrent = products(w.time);
        }

        private static Product[] products(int n) {
            Product[] p = new Product[n];
            for (int i = 0; i < n; i++) {
                p[i] = new Product();
            }
            return p;
        }

        /** The gate values the backward pass reads, made on the first training forward pass (inference keeps none). */
        void traces() {
            if (rJ == null) {
                rJ = Vec.of(type, n * hidden);
                zJ = Vec.of(type, n * hidden);
                nJ = Vec.of(type, n * hidden);
                hgnJ = Vec.of(type, n * hidden);
            }
        }

        /** The backward pass's buffers, made on the first backward pass (evaluation needs none). */
        void gradients() {
            if (dHg != null) {
                return;
            }
            int g3 = 3 * hidden;
            dHg = Nd4j.create(type, n, g3);
            dXg = Nd4j.create(type, n, g3);
            back = Nd4j.create(type, batch, hidden);
            dx = Nd4j.create(type, n, in);
            recurrentGradient = products(time);
            dHgRows = new INDArray[time];
            for (int t = 0; t < time; t++) {
                dHgRows[t] = rows(dHg, (long) t * batch, (long) (t + 1) * batch);
            }
            dOutJ = Vec.of(type, n * hidden);
            dXgJ = Vec.of(type, n * g3);
            dHgJ = Vec.of(type, n * g3);
            backJ = Vec.of(type, batch * hidden);
        }

        /** The input projection's buffers, made on first use (a layer over an embedding reads its table instead). */
        Vec projection() {
            if (xg == null) {
                xg = Nd4j.create(type, n, 3L * hidden);
                xgJ = Vec.of(type, n * 3 * hidden);
            }
            return xgJ;
        }

        /** The states of steps 0 to T − 2 (kept: a product's context binds to the same view from step to step). */
        INDArray outBefore() {
            if (outBefore == null) {
                outBefore = rows(out, 0, (long) (time - 1) * batch);
            }
            return outBefore;
        }

        /** The gate gradients of steps 1 to T − 1 (kept, as {@link #outBefore}). */
        INDArray dHgAfter() {
            if (dHgAfter == null) {
                dHgAfter = rows(dHg, batch, n);
            }
            return dHgAfter;
        }

        /** What the next layer reads: the states, or the states after dropout. */
        INDArray output() {
            return mask == null ? out : dropped;
        }
    }
}
