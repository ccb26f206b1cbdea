package dev.nova.kit.nn;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemv;

import org.bytedeco.javacpp.FloatPointer;

/**
 * A row-major float matrix for the products of sampling ({@code v·W}): one row at a time in Java over the matrix's rows
 * (an {@code axpy} per row, which the JIT vectorises), several rows at once through OpenBLAS's {@code sgemm} (the
 * BLAS ND4J itself loads), which reads the weights once for all of them.
 *
 * <p>One row went through {@code sgemv} until 2026-12: OpenBLAS 0.3.19 runs a {@code gemv} of {@code
 * 2304·GEMM_MULTITHREAD_THRESHOLD} = 9216 elements or more on every core, and for products this small the hand-off
 * costs more than the work, so each product was issued in blocks of rows under that size, and the calls' overhead
 * then dominated: on the 2-core Xeon (AVX-512) we build on, per product, best of 6 x 20,000, {@code sgemv} blocks
 * against the Java rows: 256x768 74.3 / 16.8 µs, 256x256 21.0 / 6.1, 128x384 16.1 / 5.4, 128x128 4.9 / 2.4, 128x512
 * 25.5 / 6.7, 512x128 19.5 / 9.3, 512x1536 408 / 115, 64x192 4.5 / 1.8. The Java product is also the same to the bit
 * on every CPU (each output sums its terms in row order; Java does not fuse multiply-adds), where BLAS kernels differ
 * between CPUs. The rows are separate arrays: with one flat array and an offset the JIT cannot rule out that the result
 * overlaps the weights, and the loop ran unvectorised, six times slower.
 *
 * <p>Large matrices are the exception (half a million weights or more: all of GPT-2 small's, 768 x 768 and up; never
 * the parity models'): their one-row products are OpenBLAS {@code sgemv} calls on both cores, which stream the weights
 * at two to three times the Java rows' rate (per product against the Java rows split over 2 threads, on the 2-core
 * EPYC of 2026-12-06: 768x768 0.04 / 0.14 ms, 768x2304 0.23 / 0.56, 3072x768 0.52 / 1.13, 768x50257 6.1 / 11.0;
 * GPT-2 small sampled at 29.6 tokens/s against 17.7), and they hold the weights in native memory only. Their products
 * are then BLAS's, whose sums may round differently on another CPU, as training's always have. Mid-sized matrices
 * ({@link #PARALLEL_ELEMENTS} and up) split the Java rows' columns across the cores.
 *
 * <p>Instances are immutable and may be shared between threads; {@code sgemm}'s rows and results pass through a native
 * scratch buffer of the calling thread's own.
 */
final class NativeMatrix {

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);
    /**
     * Products of this many weights or more (and fewer than {@link #GEMV_ELEMENTS}) split their columns across the
     * cores; the parity models' (128 x 512) stay on one thread, where the hand-off would cost more than the work.
     */
    static final long PARALLEL_ELEMENTS = 1L << 18;
    /** The fewest columns one thread takes. */
    private static final int MIN_PART = 256;

    private final int rows;
    private final int cols;
    /**
     * The weights in native memory for batched products, copied on the first one (a matrix only ever multiplied one
     * row at a time, such as a tied head, never holds this second copy); freed once this matrix is not reachable.
     */
    private volatile FloatPointer all;
    /** The weights, one array per row; null for a large matrix, which multiplies through BLAS alone. */
    private final float[][] rowsOf;
    /** Matrices of this many weights or more multiply one row through {@code sgemv}. */
    static final long GEMV_ELEMENTS = 1L << 19;
    /** The weights are stored {@code [cols, rows]} row-major (a tied head's embedding table), not {@code [rows, cols]}. */
    private final boolean transposed;
    /** What owns aliased weights' memory, kept reachable while this matrix is; null for a copy. */
    private final Object owner;

    /**
     * A large matrix over weights in native memory that never change (the parameters of a model that only generates),
     * without a copy.
     *
     * @param weights the first weight
     * @param owner what owns the memory (kept reachable)
     * @param rows rows (the length of the rows it multiplies)
     * @param cols columns (the length of the products)
     * @param transposed whether the memory holds {@code [cols, rows]} row-major
     * @return the matrix
     */
    static NativeMatrix over(FloatPointer weights, Object owner, int rows, int cols, boolean transposed) {
        return new NativeMatrix(weights, owner, rows, cols, transposed);
    }

    private NativeMatrix(FloatPointer weights, Object owner, int rows, int cols, boolean transposed) {
        this.rows = rows;
        this.cols = cols;
        this.all = weights;
        this.rowsOf = null;
        this.owner = owner;
        this.transposed = transposed;
    }

    /**
     * Copies a matrix.
     *
     * @param w {@code [rows, cols]} row-major
     * @param rows rows (the length of the rows it multiplies)
     * @param cols columns (the length of the products)
     */
    NativeMatrix(float[] w, int rows, int cols) {
        if (w.length != (long) rows * cols) {
            throw new IllegalArgumentException(w.length + " values for a " + rows + "x" + cols + " matrix");
        }
        this.rows = rows;
        this.cols = cols;
        this.transposed = false;
        this.owner = null;
        if ((long) rows * cols >= GEMV_ELEMENTS) {
            this.all = new FloatPointer(w);
            this.rowsOf = null;
            return;
        }
        this.rowsOf = new float[rows][];
        for (int r = 0; r < rows; r++) {
            rowsOf[r] = java.util.Arrays.copyOfRange(w, r * cols, (r + 1) * cols);
        }
    }

    /**
     * Adds {@code v·W} to {@code out}.
     *
     * @param v {@code rows} values (the first of a longer array)
     * @param out {@code cols} values, added to (the first of a longer array)
     */
    void addProduct(float[] v, float[] out) {
        if (v.length < rows || out.length < cols) {
            throw new IllegalArgumentException("a " + v.length + " by " + rows + "x" + cols + " product into "
                    + out.length);
        }
        if (rowsOf == null) {
            Scratch s = SCRATCH.get().fit(Math.max(rows, cols));
            s.x.position(0).put(v, 0, rows);
            s.y.position(0).put(out, 0, cols);
            if (transposed) {
                cblas_sgemv(CblasRowMajor, CblasNoTrans, cols, rows, 1f, all, rows, s.x, 1, 1f, s.y, 1);
            } else {
                cblas_sgemv(CblasRowMajor, CblasTrans, rows, cols, 1f, all, cols, s.x, 1, 1f, s.y, 1);
            }
            s.y.get(out, 0, cols);
            return;
        }
        if ((long) rows * cols < PARALLEL_ELEMENTS) {
            addProduct(v, out, 0, cols);
            return;
        }
        // The columns split across the cores: each output still sums its terms in row order, so the result is the
        // same to the bit on any number of threads, and each core streams its share of every row.
        Parallel.forParts(cols, MIN_PART, (from, to) -> addProduct(v, out, from, to));
    }

    private void addProduct(float[] v, float[] out, int from, int to) {
        for (int r = 0; r < rows; r++) {
            float a = v[r];
            float[] row = rowsOf[r];
            for (int i = from; i < to; i++) {
                out[i] += a * row[i];
            }
        }
    }

    /**
     * Adds {@code V·W} to {@code out} for {@code n} rows at once.
     *
     * @param v {@code [n, rows]} row-major (the first values of a longer array)
     * @param n how many rows
     * @param out {@code [n, cols]} row-major, added to (the first values of a longer array)
     */
    void addProducts(float[] v, int n, float[] out) {
        if (n == 1) {
            addProduct(v, out);
            return;
        }
        if (v.length < (long) n * rows || out.length < (long) n * cols) {
            throw new IllegalArgumentException(v.length + " and " + out.length + " values for " + n + " rows of a "
                    + rows + "x" + cols + " product");
        }
        FloatPointer weights = native_();
        Scratch s = SCRATCH.get().fit(n * Math.max(rows, cols));
        s.x.position(0).put(v, 0, n * rows);
        s.y.position(0).put(out, 0, n * cols);
        if (transposed) {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, n, cols, rows, 1f, s.x, rows, weights, rows, 1f, s.y,
                    cols);
        } else {
            cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, cols, rows, 1f, s.x, rows, weights, cols, 1f, s.y,
                    cols);
        }
        s.y.get(out, 0, n * cols);
    }

    /**
     * Rows times weights from which {@link #addEach} splits its rows across the cores: a hand-off costs 20-30 µs on the
     * 2-core EPYC, as much as two 256 x 768 rows (2 rows: 43 µs split, 22 one after the other; 16 rows: 106 against
     * 188).
     */
    static final long EACH_PARALLEL_ELEMENTS = 1L << 21;

    /**
     * Rows from which {@link #addEach} multiplies a large matrix through one {@code sgemm} instead of one {@code sgemv}
     * a row. OpenBLAS 0.3.19 packs the whole matrix at every {@code sgemm}, so below this the one-row products are
     * faster, and they are the one-row products to the bit. On the 2-core EPYC of 2026-12-07, ms per product, sgemm
     * against n sgemv: GPT-2 small's 768 x 2304 at 4 rows 0.82 / 0.30, 8 rows 1.36 / 0.61, 16 rows 1.48 / 1.25; 3072 x
     * 768 at 8 rows 1.90 / 1.01; its tied head (768 x 50257) at 4 rows 18.6 / 14.7, 8 rows 24.5 / 28.9, 16 rows 23.9 /
     * 59.4.
     */
    static final int EACH_GEMM_ROWS = 16;

    /**
     * Adds {@code v[s]·W} to {@code out[s]} for {@code n} rows of separate arrays, each to the bit what {@link
     * #addProduct} gives it (a server's batched decoding: a sequence's text must not depend on the others). Each output
     * sums its terms in row order, as the one-row product does, but up to four rows share one pass over the weights:
     * each weight is loaded once for all of them (256 x 768 on the 2-core EPYC, 4 rows: 55-60 µs against 75-88 µs for
     * four one-row products, {@code java Each.java} of issue 45's note; before 2026-12-07 each row was its own pass, as
     * a loop over the rows inside a loop over the weights, unvectorised, took 2.5-3 times as long). The rows split
     * across the cores when there is enough work. A large matrix multiplies {@link #EACH_GEMM_ROWS} rows or more
     * through one {@code sgemm}, which reads it once but rounds as BLAS's blocked sums do, not as the one-row {@code
     * sgemv}; fewer rows are its one-row products.
     *
     * @param v {@code n} arrays of {@code rows} values (the first of longer arrays)
     * @param n how many rows
     * @param out {@code n} arrays of {@code cols} values, added to (the first of longer arrays)
     */
    void addEach(float[][] v, int n, float[][] out) {
        if (n == 1) {
            addProduct(v[0], out[0]);
            return;
        }
        for (int s = 0; s < n; s++) {
            if (v[s].length < rows || out[s].length < cols) {
                throw new IllegalArgumentException("a " + v[s].length + " by " + rows + "x" + cols + " product into "
                        + out[s].length);
            }
        }
        if (rowsOf == null && n < EACH_GEMM_ROWS) {
            for (int s = 0; s < n; s++) {
                addProduct(v[s], out[s]);
            }
            return;
        }
        if (rowsOf == null) {
            float[] flat = new float[n * rows];
            float[] result = new float[n * cols];
            for (int s = 0; s < n; s++) {
                System.arraycopy(v[s], 0, flat, s * rows, rows);
                System.arraycopy(out[s], 0, result, s * cols, cols);
            }
            addProducts(flat, n, result);
            for (int s = 0; s < n; s++) {
                System.arraycopy(result, s * cols, out[s], 0, cols);
            }
            return;
        }
        if ((long) n * rows * cols < EACH_PARALLEL_ELEMENTS) {
            addGrouped(v, out, 0, n);
            return;
        }
        // Split by rows, never by columns within a row: each output sums its terms in row order either way.
        Parallel.forParts(n, 1, (from, to) -> addGrouped(v, out, from, to));
    }

    /** Rows {@code [from, to)} of {@link #addEach}, four (then two, then one) to a pass over the weights. */
    private void addGrouped(float[][] v, float[][] out, int from, int to) {
        int s = from;
        for (; s + 4 <= to; s += 4) {
            addFour(v[s], v[s + 1], v[s + 2], v[s + 3], out[s], out[s + 1], out[s + 2], out[s + 3]);
        }
        for (; s + 2 <= to; s += 2) {
            addTwo(v[s], v[s + 1], out[s], out[s + 1]);
        }
        if (s < to) {
            addProduct(v[s], out[s], 0, cols);
        }
    }

    /**
     * Four one-row products in one pass over the weights: each output's terms added in row order, as {@link
     * #addProduct} adds them (the same values to the bit); the outputs are separate arrays, which the JIT vectorises.
     */
    private void addFour(float[] v0, float[] v1, float[] v2, float[] v3, float[] o0, float[] o1, float[] o2,
                         float[] o3) {
        int c = cols;
        for (int r = 0; r < rows; r++) {
            float a0 = v0[r];
            float a1 = v1[r];
            float a2 = v2[r];
            float a3 = v3[r];
            float[] row = rowsOf[r];
            for (int i = 0; i < c; i++) {
                float w = row[i];
                o0[i] += a0 * w;
                o1[i] += a1 * w;
                o2[i] += a2 * w;
                o3[i] += a3 * w;
            }
        }
    }

    /** Two one-row products in one pass over the weights ({@link #addFour}). */
    private void addTwo(float[] v0, float[] v1, float[] o0, float[] o1) {
        int c = cols;
        for (int r = 0; r < rows; r++) {
            float a0 = v0[r];
            float a1 = v1[r];
            float[] row = rowsOf[r];
            for (int i = 0; i < c; i++) {
                float w = row[i];
                o0[i] += a0 * w;
                o1[i] += a1 * w;
            }
        }
    }

    private FloatPointer native_() {
        FloatPointer w = all;
        if (w == null) {
            synchronized (this) {
                w = all;
                if (w == null) {
                    w = new FloatPointer((long) rows * cols);
                    for (int r = 0; r < rows; r++) {
                        w.position((long) r * cols).put(rowsOf[r], 0, cols);
                    }
                    all = w.position(0);
                }
            }
        }
        return w;
    }

    /** A thread's native rows and results. */
    private static final class Scratch {
        private FloatPointer x;
        private FloatPointer y;
        private int capacity;

        private Scratch fit(int n) {
            if (n > capacity) {
                x = new FloatPointer((long) n);
                y = new FloatPointer((long) n);
                capacity = n;
            }
            return this;
        }
    }
}
