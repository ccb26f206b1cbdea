package dev.nova.kit.nn;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemv;

import org.bytedeco.javacpp.FloatPointer;

/**
 * A row-major float matrix copied to native memory, for the one-row products of sampling ({@code v·W}) through
 * OpenBLAS's {@code sgemv}, the BLAS ND4J itself loads. On the attention plugin's shapes (128×384, 128×128, 128×512,
 * 512×128, four layers) one character's products took 170 µs as an eight-rows-a-pass Java loop (what sampling used
 * before) and 42 µs through {@code sgemv} on one thread.
 *
 * <p>OpenBLAS 0.3.19 runs a {@code gemv} of {@code 2304·GEMM_MULTITHREAD_THRESHOLD} = 9216 elements or more on
 * every core, and for products this small the hand-off costs more than the work: 90 µs a character on two threads.
 * So a product is issued in blocks of rows under that size, each adding into the result ({@code beta = 1}): 55 µs a
 * character on the default two threads. Another OpenBLAS with another threshold only changes the speed.
 *
 * <p>Several rows at once ({@link #addProducts}) go through one {@code sgemm}, which reads the weights once for all
 * of them.
 *
 * <p>Instances are immutable and may be shared between threads; the row and the result pass through a native
 * scratch buffer of the calling thread's own.
 */
final class NativeMatrix {

    /** The most elements of one {@code gemv} call that OpenBLAS 0.3.19 runs on the calling thread. */
    private static final int SINGLE_THREAD_ELEMENTS = 2304 * 4 - 1;

    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final int rows;
    private final int cols;
    private final int blockRows;
    /** The weights in native memory, freed once neither this matrix nor a view below is reachable. */
    private final FloatPointer all;
    /** The weights, and one view per block of rows at that block's first element (never repositioned). */
    private final FloatPointer[] blocks;

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
        this.blockRows = Math.max(1, SINGLE_THREAD_ELEMENTS / Math.max(1, cols));
        this.all = new FloatPointer(w);
        this.blocks = new FloatPointer[(rows + blockRows - 1) / blockRows];
        for (int b = 0; b < blocks.length; b++) {
            blocks[b] = new FloatPointer(all).position((long) b * blockRows * cols);
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
        Scratch s = SCRATCH.get().fit(Math.max(rows, cols));
        s.x.position(0).put(v, 0, rows);
        s.y.position(0).put(out, 0, cols);
        for (int b = 0; b < blocks.length; b++) {
            int r0 = b * blockRows;
            int m = Math.min(blockRows, rows - r0);
            cblas_sgemv(CblasRowMajor, CblasTrans, m, cols, 1f, blocks[b], cols, s.x.position(r0), 1, 1f,
                    s.y, 1);
        }
        s.y.position(0).get(out, 0, cols);
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
        Scratch s = SCRATCH.get().fit(n * Math.max(rows, cols));
        s.x.position(0).put(v, 0, n * rows);
        s.y.position(0).put(out, 0, n * cols);
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, n, cols, rows, 1f, s.x, rows, all, cols, 1f, s.y, cols);
        s.y.get(out, 0, n * cols);
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
