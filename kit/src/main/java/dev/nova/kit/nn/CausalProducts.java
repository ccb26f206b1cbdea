package dev.nova.kit.nn;

import static org.bytedeco.openblas.global.openblas_nolapack.CblasNoTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasRowMajor;
import static org.bytedeco.openblas.global.openblas_nolapack.CblasTrans;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_dgemm;
import static org.bytedeco.openblas.global.openblas_nolapack.cblas_sgemm;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The four kinds of per-head product of causal attention, on ND4J's native buffers through the BLAS ND4J itself
 * calls, in blocks of {@value #BLOCK} rows that skip what lies above the causal diagonal. A {@code [T, T]} score or
 * weight matrix is lower triangular, so a block of rows needs only the keys up to its end: with T = 128 that is 10
 * of 16 blocks. ND4J's batched {@code matmul} computes all 16, and ran at about half BLAS's speed on these shapes
 * besides (one 128-head {@code [128, 32]·[32, 128]} product: 3.7 ms batched, 1.8 ms this way on two threads).
 *
 * <p>A {@code [T, T]} matrix is held <em>packed</em>: each block of rows {@code [s, e)} as an {@code (e − s) × e}
 * row-major matrix (its row length is {@code e}), the blocks one after another, {@link #packed} values per head.
 * Nothing above a block's last column is stored: at T = 1,024 a head takes 52% of {@code T × T} (attention keeps
 * one such matrix per layer for its backward pass: 576 → 297 MB for GPT-2 small's 12 layers at batch 1). The other
 * arrays are contiguous and row-major, {@code [heads, T, ·]}, all of one type (float, or double for gradient checks:
 * the same blocks through {@code dgemm}). The heads are split across the cores; each product is small enough that
 * OpenBLAS runs it on the calling thread.
 */
final class CausalProducts {

    /** Rows per block. */
    static final int BLOCK = 32;

    private CausalProducts() {
    }

    /**
     * The values a head's packed {@code [T, T]} matrix takes.
     *
     * @param time T
     * @return the sum over the blocks of rows {@code [s, e)} of {@code (e − s) · e}
     */
    static int packed(int time) {
        return time == 0 ? 0 : rowAt(time - 1, time) + time;
    }

    /**
     * Where row {@code t} of a head's packed matrix starts, from the head's start.
     *
     * @param t the row
     * @param time T
     * @return the offset
     */
    static int rowAt(int t, int time) {
        int j = t / BLOCK;
        // Blocks 0..j-1 are full: block i holds BLOCK rows of (i + 1)·BLOCK values.
        return BLOCK * BLOCK * (j * (j + 1) / 2) + (t - j * BLOCK) * rowLength(t, time);
    }

    /**
     * How many values row {@code t} of a packed matrix holds: the end of its block ({@code t + 1} of them are on or
     * below the diagonal).
     *
     * @param t the row
     * @param time T
     * @return the row's length
     */
    static int rowLength(int t, int time) {
        return Math.min(time, (t / BLOCK + 1) * BLOCK);
    }

    /**
     * {@code out[h] = a[h]·b[h]ᵀ} on and below the diagonal (scores {@code q·kᵀ}, or {@code dY·vᵀ}), packed; above it
     * in the diagonal blocks, values that callers ignore.
     *
     * @param a {@code [heads, T, d]}
     * @param b {@code [heads, T, d]}
     * @param out {@code heads} packed {@code [T, T]} matrices
     */
    static void lowerProduct(INDArray a, INDArray b, INDArray out, int heads, int time, int d) {
        long size = packed(time);
        inBlocks(a, b, out, heads, time, (pa, pb, po, h, s, e) -> gemm(false, true, e - s, e, d,
                pa, (h * time + s) * d, d, pb, h * time * d, d, po, h * size + rowAt(s, time), e, false));
    }

    /**
     * {@code out[h] = p[h]·v[h]} for a packed lower-triangular {@code p} (zero above the diagonal in the diagonal
     * blocks): attention's weighted values, or {@code dq = dS·k}.
     *
     * @param p {@code heads} packed {@code [T, T]} matrices
     * @param v {@code [heads, T, d]}
     * @param out {@code [heads, T, d]}
     */
    static void lowerTimes(INDArray p, INDArray v, INDArray out, int heads, int time, int d) {
        long size = packed(time);
        inBlocks(p, v, out, heads, time, (pp, pv, po, h, s, e) -> gemm(false, false, e - s, d, e,
                pp, h * size + rowAt(s, time), e, pv, h * time * d, d, po, (h * time + s) * d, d, false));
    }

    /**
     * {@code out[h] = p[h]ᵀ·g[h]} for a packed lower-triangular {@code p} as in {@link #lowerTimes}: {@code dv = Pᵀ·dY}
     * or {@code dk = dSᵀ·q}. A block of rows {@code [s, e)} of {@code p} adds its part to rows {@code [0, e)} of the
     * result; the last block, which reaches every row, goes first and writes them.
     *
     * @param p {@code heads} packed {@code [T, T]} matrices
     * @param g {@code [heads, T, d]}
     * @param out {@code [heads, T, d]}
     */
    static void lowerTransposedTimes(INDArray p, INDArray g, INDArray out, int heads, int time, int d) {
        long size = packed(time);
        int last = (time - 1) / BLOCK * BLOCK;
        Parallel.forParts(heads, 1, (h0, h1) -> {
            Pointer pp = pointer(p);
            Pointer pg = pointer(g);
            Pointer po = pointer(out);
            for (long h = h0; h < h1; h++) {
                for (int s = last; s >= 0; s -= BLOCK) {
                    int e = Math.min(time, s + BLOCK);
                    gemm(true, false, e, d, e - s, pp, h * size + rowAt(s, time), e, pg, (h * time + s) * d, d,
                            po, h * time * d, d, s != last);
                }
            }
        });
    }

    /** One block's product: rows {@code [s, e)} of head {@code h}, on pointers to the three arrays. */
    private interface Block {
        void run(Pointer x, Pointer y, Pointer out, long h, int s, int e);
    }

    /** Runs {@code block} for every block of rows of every head, the heads split across the cores. */
    private static void inBlocks(INDArray x, INDArray y, INDArray out, int heads, int time, Block block) {
        Parallel.forParts(heads, 1, (h0, h1) -> {
            // Pointers of this thread's own: a call positions them.
            Pointer px = pointer(x);
            Pointer py = pointer(y);
            Pointer po = pointer(out);
            for (int h = h0; h < h1; h++) {
                for (int s = 0; s < time; s += BLOCK) {
                    block.run(px, py, po, h, s, Math.min(time, s + BLOCK));
                }
            }
        });
    }

    private static Pointer pointer(INDArray a) {
        Pointer base = a.data().addressPointer();
        return a.dataType() == DataType.DOUBLE ? new DoublePointer(base) : new FloatPointer(base);
    }

    /**
     * Row-major {@code c = op(a)·op(b)} (or {@code c += op(a)·op(b)} when {@code add}) of an m×k by k×n product, each
     * operand at an element offset.
     */
    private static void gemm(boolean transA, boolean transB, int m, int n, int k, Pointer a, long aAt, int lda,
            Pointer b, long bAt, int ldb, Pointer c, long cAt, int ldc, boolean add) {
        Flops.ran(m, n, k);
        int ta = transA ? CblasTrans : CblasNoTrans;
        int tb = transB ? CblasTrans : CblasNoTrans;
        if (a instanceof FloatPointer fa) {
            cblas_sgemm(CblasRowMajor, ta, tb, m, n, k, 1f, fa.position(aAt), lda, ((FloatPointer) b).position(bAt), ldb,
                    add ? 1f : 0f, ((FloatPointer) c).position(cAt), ldc);
        } else {
            cblas_dgemm(CblasRowMajor, ta, tb, m, n, k, 1, ((DoublePointer) a).position(aAt), lda,
                    ((DoublePointer) b).position(bAt), ldb, add ? 1 : 0, ((DoublePointer) c).position(cAt), ldc);
        }
    }
}
