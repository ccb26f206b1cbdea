package dev.nova.textgru.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class GruNetworkTests {

    private static final int[][] IDX = {{0, 1}, {2, 3}, {4, 0}};
    private static final int[][] LAB = {{1, 2}, {3, 4}, {0, 1}};

    /** Backpropagation through time against central finite differences, in double precision, two layers. */
    @Test
    void gradientsMatchFiniteDifferences() {
        GruNetwork net = new GruNetwork(5, 3, 2, 4, 0.0, 7, DataType.DOUBLE);
        Map<String, INDArray> grads = net.lossAndGradients(IDX, LAB, null).getValue();
        double eps = 1e-6;
        for (var e : net.params().entrySet()) {
            INDArray p = e.getValue();
            INDArray g = grads.get(e.getKey());
            assertArrayEquals(p.shape(), g.shape(), e.getKey());
            for (int i = 0; i < p.length(); i++) {
                double orig = p.getDouble(i);
                p.putScalar(i, orig + eps);
                double up = net.loss(IDX, LAB);
                p.putScalar(i, orig - eps);
                double down = net.loss(IDX, LAB);
                p.putScalar(i, orig);
                double numeric = (up - down) / (2 * eps);
                double analytic = g.getDouble(i);
                double err = Math.abs(numeric - analytic) / Math.max(1e-8, Math.abs(numeric) + Math.abs(analytic));
                assertTrue(err < 1e-5 || Math.abs(numeric - analytic) < 1e-9,
                        e.getKey() + "[" + i + "]: analytic " + analytic + ", numeric " + numeric);
            }
        }
    }

    @Test
    void trainingLossEqualsEvaluationLossWithoutDropout() {
        GruNetwork net = new GruNetwork(5, 3, 2, 4, 0.0, 7, DataType.DOUBLE);
        assertEquals(net.loss(IDX, LAB), net.lossAndGradients(IDX, LAB, null).getKey(), 1e-12);
    }

    /** Sampling carries the state forward: stepping through a sequence gives the sequence model's predictions. */
    @Test
    void steppingMatchesTheSequenceForward() {
        GruNetwork net = new GruNetwork(5, 3, 2, 4, 0.0, 7, DataType.DOUBLE);
        int[][] seq = {{0}, {2}, {4}};
        int[][] next = {{1}, {3}, {0}};
        GruNetwork.Stepper stepper = net.stepper();
        double loss = 0;
        for (int t = 0; t < seq.length; t++) {
            float[] logits = stepper.step(seq[t][0]);
            double max = Double.NEGATIVE_INFINITY;
            for (float v : logits) {
                max = Math.max(max, v);
            }
            double sum = 0;
            for (float v : logits) {
                sum += Math.exp(v - max);
            }
            loss -= logits[next[t][0]] - max - Math.log(sum);
        }
        assertEquals(net.loss(seq, next), loss / seq.length, 1e-5);
    }

    @Test
    void dropoutIsReproducibleForTheSameRandomSource() {
        GruNetwork net = new GruNetwork(5, 3, 2, 4, 0.5, 7, DataType.DOUBLE);
        double a = net.lossAndGradients(IDX, LAB, new Random(3)).getKey();
        double b = net.lossAndGradients(IDX, LAB, new Random(3)).getKey();
        assertEquals(a, b);
    }
}
