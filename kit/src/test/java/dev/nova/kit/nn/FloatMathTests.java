package dev.nova.kit.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The float {@code exp} and {@code tanh} of the training kernels, against {@link Math}'s. */
class FloatMathTests {

    @Test
    void expIsWithinTwoUlpsOfMathExpOverFloatsRange() {
        for (float x = -87; x <= 88; x += 1 / 256f) {
            double exact = Math.exp(x);
            assertEquals(exact, FloatMath.exp(x), 2.5e-7 * exact, "exp(" + x + ")");
        }
        assertEquals(1f, FloatMath.exp(0f));
    }

    @Test
    void expOfAVeryNegativeArgumentIsTinyAndNeverNegativeOrNaN() {
        for (float x : new float[] {-87.5f, -100f, -1e4f, Float.NEGATIVE_INFINITY}) {
            float e = FloatMath.exp(x);
            assertTrue(e >= 0 && e < 1e-37f, "exp(" + x + ") = " + e);
        }
    }

    @Test
    void tanhOverItsClampedDomainIsWithinFourTenMillionthsOfMathTanh() {
        for (float x = -20; x <= 20; x += 1 / 512f) {
            assertEquals(Math.tanh(x), FloatMath.tanh(FloatMath.tanhDomain(x)), 4e-7, "tanh(" + x + ")");
        }
    }

    @Test
    void log1pOnZeroToOneIsWithinTwoTenMillionthsOfMathLog1p() {
        for (float e = 0; e <= 1; e += 1 / 65536f) {
            double exact = Math.log1p(e);
            assertEquals(exact, FloatMath.log1p(e), 2e-7 * Math.max(exact, Float.MIN_NORMAL), "log1p(" + e + ")");
        }
        assertEquals(0f, FloatMath.log1p(0f));
        assertEquals(Math.log(2), FloatMath.log1p(1f), 2e-7);
        assertEquals(1e-30f, FloatMath.log1p(1e-30f), 1e-37f, "a tiny argument is its own logarithm");
    }
}
