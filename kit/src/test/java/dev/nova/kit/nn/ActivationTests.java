package dev.nova.kit.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The float GELU kernel that float layers use, against the double formula that gradient checks use. */
class ActivationTests {

    private static float[] grid() {
        // -12 to 12 in steps of 1/64: both tails (where the clamp holds tanh at ±1), zero and the bend.
        float[] x = new float[24 * 64 + 1];
        for (int i = 0; i < x.length; i++) {
            x[i] = -12 + i / 64f;
        }
        return x;
    }

    @Test
    void floatGeluAndItsDerivativeFollowTheDoubleFormula() {
        float[] x = grid();
        float[] y = x.clone();
        float[] d = new float[x.length];
        Activation.gelu(y, d, 0, x.length);
        for (int i = 0; i < x.length; i++) {
            double t = Activation.geluTanh(x[i]);
            assertEquals(Activation.gelu(x[i], t), y[i], 2e-6 * Math.max(1, Math.abs(x[i])), "GELU at " + x[i]);
            // The derivative's x·(1 − t²) term multiplies the float tanh's rounding by up to about 10 near |x| = 4.
            assertEquals(Activation.geluDerivative(x[i], t), d[i], 1e-5, "GELU' at " + x[i]);
        }
    }

    @Test
    void oneRowAtATimeGivesTheBatchKernelsBits() {
        float[] x = grid();
        float[] batch = x.clone();
        Activation.gelu(batch, new float[x.length], 0, x.length);
        float[] row = x.clone();
        Activation.gelu(row, row.length);
        assertArrayEquals(batch, row);
    }

    @Test
    void aPartOfTheRangeLeavesTheRestAlone() {
        float[] x = grid();
        float[] y = x.clone();
        Activation.gelu(y, new float[x.length], 100, 200);
        for (int i = 0; i < x.length; i++) {
            if (i < 100 || i >= 200) {
                assertEquals(x[i], y[i], "value " + i);
            }
        }
    }
}
