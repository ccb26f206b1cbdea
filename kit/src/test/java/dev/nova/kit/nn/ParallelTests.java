package dev.nova.kit.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;

/** Results do not depend on the number of threads, bit for bit. */
class ParallelTests {

    private static double[] values(int n) {
        Random r = new Random(1);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian() * Math.pow(10, r.nextInt(12) - 6);
        }
        return v;
    }

    @Test
    void sumsAreBitIdenticalWithOneTwoAndEightThreads() {
        double[] v = values(200_003);
        double[] sums = new double[3];
        int[] threads = {1, 2, 8};
        for (int k = 0; k < 3; k++) {
            sums[k] = Parallel.withThreads(threads[k], () -> Parallel.sum(v.length, 1000, (from, to) -> {
                double s = 0;
                for (int i = from; i < to; i++) {
                    s += v[i];
                }
                return s;
            }));
        }
        assertEquals(Double.doubleToRawLongBits(sums[0]), Double.doubleToRawLongBits(sums[1]));
        assertEquals(Double.doubleToRawLongBits(sums[0]), Double.doubleToRawLongBits(sums[2]));
    }

    @Test
    void threadCountFollowsThePool() {
        assertEquals(1, Parallel.withThreads(1, Parallel::threads));
        assertEquals(8, Parallel.withThreads(8, Parallel::threads));
    }

    @Test
    void aTrainingStepIsBitIdenticalWithOneTwoAndEightThreads() {
        float[][] results = new float[3][];
        int[] threads = {1, 2, 8};
        for (int k = 0; k < 3; k++) {
            results[k] = Parallel.withThreads(threads[k], () -> {
                ParamSet p = new ParamSet(DataType.FLOAT, 5);
                Gru g = new Gru(p, "", 6, 16, 2, 0.2);
                Dense head = new Dense(p, "head", 16, 7, Activation.IDENTITY);
                double[] x = new double[10 * 12 * 6];
                Random r = new Random(2);
                for (int i = 0; i < x.length; i++) {
                    x[i] = r.nextGaussian();
                }
                var logits = head.forward(g.forward(Buffers.matrix(DataType.FLOAT, x, 120, 6), 10, 12, null, new Random(3)));
                int[] labels = new int[120];
                for (int i = 0; i < 120; i++) {
                    labels[i] = i % 7;
                }
                double[] grad = new double[120 * 7];
                double loss = Losses.softmaxCrossEntropy(Buffers.doubles(logits), 7, labels, grad, 1.0 / 120);
                Buffers.write(grad, logits);
                g.backward(head.backward(logits, true), false);
                float[] out = new float[(int) p.size() + 1];
                int o = 0;
                for (var a : p.grads().values()) {
                    float[] f = Buffers.floats(a);
                    System.arraycopy(f, 0, out, o, f.length);
                    o += f.length;
                }
                out[o] = (float) loss;
                return out;
            });
        }
        assertArrayEquals(results[0], results[1]);
        assertArrayEquals(results[0], results[2]);
    }
}
