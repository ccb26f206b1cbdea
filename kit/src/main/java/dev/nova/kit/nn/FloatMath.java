package dev.nova.kit.nn;

/**
 * {@code exp} and {@code tanh} in float as plain arithmetic, for the float kernels of training: {@link Math#exp}
 * and {@link Math#tanh} are double-precision calls that loops over arrays cannot vectorise or pipeline, and they
 * were the largest Java costs of a transformer's training step (its GELU and its attention softmax). The double
 * paths, which gradient checks use, keep {@link Math}.
 */
final class FloatMath {

    /** Beyond this, the rational {@code tanh} below leaves [-1, 1]; float's tanh is ±1 there anyway. */
    private static final float TANH_LIMIT = 7.90531110763549805f;
    /** Below this {@code exp} underflows float's normal range; {@link #exp} returns its value there. */
    private static final float EXP_LOW = -87.3f;
    private static final float LOG2E = 1.44269504088896341f;
    /** 1.5·2²³: adding and subtracting it rounds a float below 2²² to the nearest integer, without a call. */
    private static final float ROUND = 12582912f;

    private FloatMath() {
    }

    /**
     * {@code e^x} within 1e-7 relative of {@link Math#exp} for {@code x <= 88} (Cephes' {@code expf}: {@code x = n
     * ln 2 + r}, a degree-6 polynomial in r, and 2ⁿ from the exponent bits). Arguments below -87.3 give
     * {@code e^-87.3} (about 1e-38) rather than a subnormal or 0: softmax, the use here, adds them to at least 1.
     *
     * @param x the exponent, at most 88
     * @return its exponential
     */
    static float exp(float x) {
        x = Math.max(x, EXP_LOW);
        float n = (x * LOG2E + ROUND) - ROUND;
        float r = x - n * 0.693359375f + n * 2.12194440e-4f;
        float y = 1.9875691500E-4f;
        y = y * r + 1.3981999507E-3f;
        y = y * r + 8.3334519073E-3f;
        y = y * r + 4.1665795894E-2f;
        y = y * r + 1.6666665459E-1f;
        y = y * r + 5.0000001201E-1f;
        y = y * (r * r) + r + 1;
        return y * Float.intBitsToFloat(((int) n + 127) << 23);
    }

    /**
     * An argument clamped to where {@link #tanh} holds (beyond it, float's tanh is ±1).
     *
     * @param x any argument
     * @return x clamped to ±7.9
     */
    static float tanhDomain(float x) {
        return Math.max(-TANH_LIMIT, Math.min(TANH_LIMIT, x));
    }

    /**
     * {@code tanh} as a 13/6 rational function of its argument (Eigen's {@code ptanh_float}: within 4e-7 of
     * {@link Math#tanh} on [-10, 10]) for an argument already clamped by {@link #tanhDomain}; the clamp is the
     * caller's, so that it can run as a loop of its own (inside the loop of this it kept the JIT from vectorising
     * either).
     *
     * @param x the argument, within {@link #tanhDomain}
     * @return its hyperbolic tangent
     */
    static float tanh(float x) {
        float x2 = x * x;
        float p = -2.76076847742355e-16f;
        p = p * x2 + 2.00018790482477e-13f;
        p = p * x2 + -8.60467152213735e-11f;
        p = p * x2 + 5.12229709037114e-08f;
        p = p * x2 + 1.48572235717979e-05f;
        p = p * x2 + 6.37261928875436e-04f;
        p = p * x2 + 4.89352455891786e-03f;
        p = p * x;
        float q = 1.19825839466702e-06f;
        q = q * x2 + 1.18534705686654e-04f;
        q = q * x2 + 2.26843463243900e-03f;
        q = q * x2 + 4.89352518554385e-03f;
        return p / q;
    }

    /**
     * {@code log(1 + e)} for {@code e} in [0, 1] as plain arithmetic: {@code 2 atanh(s)} with {@code s = e / (2 + e)}
     * (at most 1/3) by the series {@code s + s³/3 + ... + s¹⁵/15}, whose first omitted term is below 1e-9 of the sum.
     * Within 2e-7 relative of {@link Math#log1p} there; a loop of it vectorises (Math.log is a call).
     *
     * @param e the argument, in [0, 1]
     * @return {@code log(1 + e)}
     */
    static float log1p(float e) {
        float s = e / (2 + e);
        float s2 = s * s;
        float p = 1f / 15;
        p = p * s2 + 1f / 13;
        p = p * s2 + 1f / 11;
        p = p * s2 + 1f / 9;
        p = p * s2 + 1f / 7;
        p = p * s2 + 1f / 5;
        p = p * s2 + 1f / 3;
        return 2 * s + 2 * s * s2 * p;
    }
}
