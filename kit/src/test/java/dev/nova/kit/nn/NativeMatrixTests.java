package dev.nova.kit.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The batched products of a server's decoding against the one-row products of {@code nova generate}. */
class NativeMatrixTests {

    private static float[] random(Random r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return a;
    }

    /**
     * Each row of {@code addEach} is to the bit its one-row product, on one thread (small matrices) and split by
     * columns across the cores (mid-sized ones), for any number of rows and for columns that are not a multiple of
     * the block.
     */
    @Test
    void batchedRowsEqualOneRowProductsToTheBit() {
        Random r = new Random(5);
        int[][] shapes = {{64, 192}, {128, 65}, {256, 768}, {384, 700}, {3, 1}};
        for (int[] shape : shapes) {
            NativeMatrix m = new NativeMatrix(random(r, shape[0] * shape[1]), shape[0], shape[1]);
            for (int n : new int[] {1, 2, 3, 4, 5, 6, 8, 13}) {
                float[][] v = new float[n][];
                float[][] out = new float[n][];
                float[][] expected = new float[n][];
                for (int s = 0; s < n; s++) {
                    v[s] = random(r, shape[0] + 5);
                    out[s] = random(r, shape[1] + 3);
                    expected[s] = out[s].clone();
                    m.addProduct(v[s], expected[s]);
                }
                m.addEach(v, n, out);
                for (int s = 0; s < n; s++) {
                    assertArrayEquals(expected[s], out[s], 0f, shape[0] + "x" + shape[1] + ", " + n + " rows, row " + s);
                }
            }
        }
    }

    /**
     * A large matrix's rows are its one-row sgemv products to the bit below {@link NativeMatrix#EACH_GEMM_ROWS} rows;
     * from there one sgemm, BLAS's rounding, within float accuracy of them (on the 2-core EPYC of 2026-12-07, 245 of
     * 3,072 values of a 768 x 768 product at 4 rows were equal to the bit).
     */
    @Test
    void largeMatricesMultiplyManyRowsThroughBlas() {
        Random r = new Random(6);
        int rows = 768;
        int cols = 768;
        NativeMatrix m = new NativeMatrix(random(r, rows * cols), rows, cols);
        for (int n : new int[] {4, NativeMatrix.EACH_GEMM_ROWS - 1, NativeMatrix.EACH_GEMM_ROWS}) {
            float[][] v = new float[n][];
            float[][] out = new float[n][];
            float[][] expected = new float[n][];
            for (int s = 0; s < n; s++) {
                v[s] = random(r, rows);
                out[s] = new float[cols];
                expected[s] = new float[cols];
                m.addProduct(v[s], expected[s]);
            }
            m.addEach(v, n, out);
            for (int s = 0; s < n; s++) {
                if (n < NativeMatrix.EACH_GEMM_ROWS) {
                    assertArrayEquals(expected[s], out[s], 0f, n + " rows, row " + s);
                    continue;
                }
                for (int i = 0; i < cols; i++) {
                    assertEquals(expected[s][i], out[s][i], 1e-3f * (1 + Math.abs(expected[s][i])), "row " + s + " col " + i);
                }
            }
        }
    }
}
