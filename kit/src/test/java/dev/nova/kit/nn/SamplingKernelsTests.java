package dev.nova.kit.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/**
 * The native kernels of sampling: {@link NativeMatrix}'s blocked {@code sgemv} and batched {@code sgemm} against
 * plain loops, and a {@link AttentionSnapshot.Cache} filled several positions at a time against one at a time.
 */
class SamplingKernelsTests {

    private static float[] randoms(int n, long seed) {
        Random r = new Random(seed);
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return v;
    }

    /** {@code out + v·W} in double. */
    private static double[] reference(float[] v, int vAt, float[] w, int rows, int cols, float[] out, int outAt) {
        double[] y = new double[cols];
        for (int k = 0; k < cols; k++) {
            y[k] = out[outAt + k];
            for (int i = 0; i < rows; i++) {
                y[k] += (double) v[vAt + i] * w[i * cols + k];
            }
        }
        return y;
    }

    /**
     * Shapes whose rows split into several {@code gemv} blocks with a shorter last one (128x384: blocks of 23
     * rows), into one row a block (1x9300, wider than a block), and into a single block.
     */
    @Test
    void blockedProductsEqualPlainLoops() {
        int[][] shapes = {{128, 384}, {512, 128}, {3, 9300}, {7, 3}};
        for (int[] s : shapes) {
            int rows = s[0];
            int cols = s[1];
            float[] w = randoms(rows * cols, rows);
            NativeMatrix m = new NativeMatrix(w, rows, cols);
            // Longer arrays than needed: only their first values are read and written.
            float[] v = randoms(rows + 5, 2);
            float[] out = randoms(cols + 3, 3);
            double[] expected = reference(v, 0, w, rows, cols, out, 0);
            float[] tail = Arrays.copyOfRange(out, cols, cols + 3);
            m.addProduct(v, out);
            for (int k = 0; k < cols; k++) {
                assertEquals(expected[k], out[k], 1e-4 * Math.max(1, Math.abs(expected[k])),
                        rows + "x" + cols + " column " + k);
            }
            assertArrayEquals(tail, Arrays.copyOfRange(out, cols, cols + 3), "values past the product");
        }
    }

    /**
     * A matrix over weights where they are (a model that only generates: no copy), stored as they are or as their
     * transpose (a tied head over its embedding table), gives the products of the plain loops, one row and several.
     */
    @Test
    void matricesOverNativeWeightsEqualPlainLoops() {
        int rows = 768;
        int cols = 700;                                 // 537,600 weights: the size that multiplies through BLAS
        float[] w = randoms(rows * cols, 7);
        float[] t = new float[w.length];
        for (int i = 0; i < rows; i++) {
            for (int k = 0; k < cols; k++) {
                t[k * rows + i] = w[i * cols + k];
            }
        }
        org.bytedeco.javacpp.FloatPointer plain = new org.bytedeco.javacpp.FloatPointer(w);
        org.bytedeco.javacpp.FloatPointer transposed = new org.bytedeco.javacpp.FloatPointer(t);
        int n = 3;
        float[] v = randoms(n * rows, 8);
        float[] start = randoms(n * cols, 9);
        for (NativeMatrix m : List.of(NativeMatrix.over(plain, w, rows, cols, false),
                NativeMatrix.over(transposed, t, rows, cols, true))) {
            float[] one = Arrays.copyOf(start, cols);
            m.addProduct(v, one);
            float[] batched = start.clone();
            m.addProducts(v, n, batched);
            for (int r = 0; r < n; r++) {
                double[] expected = reference(v, r * rows, w, rows, cols, start, r * cols);
                for (int k = 0; k < cols; k++) {
                    double tolerance = 1e-4 * Math.max(1, Math.abs(expected[k]));
                    assertEquals(expected[k], batched[r * cols + k], tolerance, "row " + r + " column " + k);
                    if (r == 0) {
                        assertEquals(expected[k], one[k], tolerance, "one row, column " + k);
                    }
                }
            }
        }
    }

    @Test
    void batchedProductsEqualOneRowAtATime() {
        int rows = 128;
        int cols = 384;
        int n = 5;
        NativeMatrix m = new NativeMatrix(randoms(rows * cols, 4), rows, cols);
        float[] v = randoms(n * rows, 5);
        float[] batched = randoms(n * cols, 6);
        float[] single = batched.clone();
        m.addProducts(v, n, batched);
        for (int r = 0; r < n; r++) {
            float[] row = Arrays.copyOfRange(v, r * rows, (r + 1) * rows);
            float[] y = Arrays.copyOfRange(single, r * cols, (r + 1) * cols);
            m.addProduct(row, y);
            for (int k = 0; k < cols; k++) {
                assertEquals(y[k], batched[r * cols + k], 1e-4 * Math.max(1, Math.abs(y[k])), "row " + r + " column " + k);
            }
        }
    }

    @Test
    void shortArraysAreRefused() {
        NativeMatrix m = new NativeMatrix(new float[12], 3, 4);
        assertThrows(IllegalArgumentException.class, () -> m.addProduct(new float[2], new float[4]));
        assertThrows(IllegalArgumentException.class, () -> m.addProducts(new float[6], 2, new float[7]));
        assertThrows(IllegalArgumentException.class, () -> new NativeMatrix(new float[11], 3, 4));
    }

    @Test
    void denseRowsEqualOneRowAtATime() {
        ParamSet p = new ParamSet(DataType.FLOAT, 7);
        Dense.Snapshot d = new Dense(p, "fc", 16, 24, Activation.GELU).snapshot();
        int n = 6;
        float[] x = randoms(n * 16, 8);
        float[] y = new float[n * 24 + 2];
        d.applyRows(x, n, y);
        for (int r = 0; r < n; r++) {
            float[] one = d.apply(Arrays.copyOfRange(x, r * 16, (r + 1) * 16));
            for (int k = 0; k < 24; k++) {
                assertEquals(one[k], y[r * 24 + k], 1e-5, "row " + r + " column " + k);
            }
        }
        assertEquals(0f, y[n * 24], "past the rows");
    }

    /**
     * Positions appended in batches (40 at once: three chunks of the score buffer, the last one short; then 3 more
     * after single steps) attend exactly as when appended one at a time; a cleared cache starts over.
     */
    @Test
    void batchedCacheStepsEqualSingleSteps() {
        int width = 16;
        ParamSet p = new ParamSet(DataType.FLOAT, 9);
        CausalSelfAttention a = new CausalSelfAttention(p, "att", width, 2, Init.gaussian(0.5), Init.uniform(0.1));
        AttentionSnapshot s = a.snapshot();
        int total = 50;
        float[] xs = randoms(total * width, 10);
        AttentionSnapshot.Cache single = s.cache(total);
        float[] expected = new float[total * width];
        for (int t = 0; t < total; t++) {
            float[] out = single.step(Arrays.copyOfRange(xs, t * width, (t + 1) * width));
            System.arraycopy(out, 0, expected, t * width, width);
        }
        AttentionSnapshot.Cache batched = s.cache(total);
        for (int round = 0; round < 2; round++) {
            float[] actual = new float[total * width];
            float[] y = new float[40 * width];
            batched.steps(xs, 40, y);
            System.arraycopy(y, 0, actual, 0, 40 * width);
            for (int t = 40; t < 47; t++) {
                System.arraycopy(batched.step(Arrays.copyOfRange(xs, t * width, (t + 1) * width)), 0, actual,
                        t * width, width);
            }
            batched.steps(Arrays.copyOfRange(xs, 47 * width, total * width), 3, y);
            System.arraycopy(y, 0, actual, 47 * width, 3 * width);
            assertEquals(total, batched.length());
            for (int i = 0; i < actual.length; i++) {
                assertEquals(expected[i], actual[i], 1e-5, "round " + round + ", position " + i / width);
            }
            assertThrows(IllegalStateException.class, () -> batched.step(new float[width]), "the cache is full");
            batched.clear();
            assertEquals(0, batched.length());
        }
    }
}
