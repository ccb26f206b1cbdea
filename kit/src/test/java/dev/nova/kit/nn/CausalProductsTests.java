package dev.nova.kit.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The blocked per-head products against plain loops, at lengths below, at and across block boundaries, with the
 * {@code [T, T]} operands packed.
 */
class CausalProductsTests {

    /** Head h's {@code [T, T]} matrices of {@code full}, each row to the end of its block, one after another. */
    private static double[] pack(double[] full, int heads, int time) {
        int size = CausalProducts.packed(time);
        double[] packed = new double[heads * size];
        for (int h = 0; h < heads; h++) {
            for (int t = 0; t < time; t++) {
                System.arraycopy(full, (h * time + t) * time, packed, h * size + CausalProducts.rowAt(t, time),
                        CausalProducts.rowLength(t, time));
            }
        }
        return packed;
    }

    @ParameterizedTest(name = "T = {0}")
    @CsvSource({"1", "31", "32", "33", "64", "70", "1024"})
    void aPackedMatrixHoldsEachRowToItsBlocksEndAndNothingElse(int time) {
        int expected = 0;
        for (int s = 0; s < time; s += CausalProducts.BLOCK) {
            int e = Math.min(time, s + CausalProducts.BLOCK);
            expected += (e - s) * e;
        }
        assertEquals(expected, CausalProducts.packed(time));
        int next = 0;
        for (int t = 0; t < time; t++) {
            assertEquals(next, CausalProducts.rowAt(t, time), "row " + t);
            assertTrue(CausalProducts.rowLength(t, time) > t, "row " + t + " holds its diagonal");
            next += CausalProducts.rowLength(t, time);
        }
        assertEquals(CausalProducts.packed(time), next);
        if (time == 1024) {
            assertEquals(0.516, (double) CausalProducts.packed(time) / (time * time), 1e-3);
        }
    }

    private static double[] randoms(int n, long seed, boolean lowerTriangular, int time) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            // In a [T, T] matrix, element i is row (i / T) % T, column i % T.
            boolean above = lowerTriangular && i % time > (i / time) % time;
            v[i] = above ? 0 : r.nextGaussian();
        }
        return v;
    }

    private static INDArray array(DataType type, double[] v, int heads, int rows, int cols) {
        return Nd4j.create(v, new long[] {heads, rows, cols}, DataType.DOUBLE).castTo(type);
    }

    @ParameterizedTest(name = "{0}, T = {1}")
    @CsvSource({"FLOAT, 1", "FLOAT, 31", "FLOAT, 32", "FLOAT, 33", "FLOAT, 70", "DOUBLE, 70", "DOUBLE, 96"})
    void blockedProductsEqualPlainOnesOnAndBelowTheDiagonal(DataType type, int time) {
        int heads = 3;
        int d = 5;
        double[] a = randoms(heads * time * d, 1, false, time);
        double[] b = randoms(heads * time * d, 2, false, time);
        double[] p = randoms(heads * time * time, 3, true, time);
        double tolerance = type == DataType.FLOAT ? 1e-4 : 1e-12;

        int size = CausalProducts.packed(time);
        INDArray packedP = Nd4j.create(pack(p, heads, time), new long[] {heads, size}, DataType.DOUBLE).castTo(type);
        INDArray scores = Nd4j.create(type, heads, size);
        CausalProducts.lowerProduct(array(type, a, heads, time, d), array(type, b, heads, time, d), scores, heads, time,
                d);
        INDArray times = Nd4j.create(type, heads, time, d);
        CausalProducts.lowerTimes(packedP, array(type, b, heads, time, d), times, heads, time, d);
        INDArray transposed = Nd4j.create(type, heads, time, d);
        CausalProducts.lowerTransposedTimes(packedP, array(type, b, heads, time, d), transposed, heads, time, d);

        for (int h = 0; h < heads; h++) {
            for (int t = 0; t < time; t++) {
                for (int u = 0; u <= t; u++) {
                    double s = 0;
                    for (int j = 0; j < d; j++) {
                        s += a[(h * time + t) * d + j] * b[(h * time + u) * d + j];
                    }
                    assertEquals(s, scores.getDouble(h, CausalProducts.rowAt(t, time) + u), tolerance, "a·bᵀ at " + h + ", " + t + ", " + u);
                }
                for (int j = 0; j < d; j++) {
                    double pv = 0;
                    double ptg = 0;
                    for (int u = 0; u < time; u++) {
                        pv += p[(h * time + t) * time + u] * b[(h * time + u) * d + j];
                        ptg += p[(h * time + u) * time + t] * b[(h * time + u) * d + j];
                    }
                    assertEquals(pv, times.getDouble(h, t, j), tolerance, "p·v at " + h + ", " + t + ", " + j);
                    assertEquals(ptg, transposed.getDouble(h, t, j), tolerance, "pᵀ·g at " + h + ", " + t + ", " + j);
                }
            }
        }
    }
}
