package dev.nova.kit.audio;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * μ-law companding to 256 levels (μ = 255), the transform WaveNet and SampleRNN model audio in: {@code f(x) = sign(x)
 * ln(1 + μ|x|) / ln(1 + μ)}, quantised uniformly in f. Quiet sounds get more of the levels than loud ones, as the ear
 * hears them.
 *
 * @since 1.4
 */
@API(status = EXPERIMENTAL, since = "1.4")
public final class MuLaw {

    /** The number of levels. */
    public static final int LEVELS = 256;
    private static final double MU = LEVELS - 1;
    private static final double LOG1P_MU = Math.log1p(MU);

    private MuLaw() {
    }

    /**
     * A sample's level.
     *
     * @param x a sample in [-1, 1] (clamped)
     * @return its level in [0, 255]
     */
    public static int encode(float x) {
        double v = Math.max(-1, Math.min(1, x));
        double f = Math.signum(v) * Math.log1p(MU * Math.abs(v)) / LOG1P_MU;
        return (int) Math.max(0, Math.min(MU, Math.floor((f + 1) / 2 * MU + 0.5)));
    }

    /**
     * A level's sample value.
     *
     * @param level in [0, 255]
     * @return the sample in [-1, 1]
     */
    public static float decode(int level) {
        double f = 2.0 * level / MU - 1;
        return (float) (Math.signum(f) * Math.expm1(Math.abs(f) * LOG1P_MU) / MU);
    }

    /** Every sample's level. */
    public static int[] encode(float[] samples) {
        int[] out = new int[samples.length];
        for (int i = 0; i < samples.length; i++) {
            out[i] = encode(samples[i]);
        }
        return out;
    }
}
