package dev.nova.kit.audio;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * Changes a signal's sample rate by band-limited interpolation: each output sample is the input convolved with a
 * Kaiser-windowed sinc low-pass at the lower of the two Nyquist frequencies (times {@link #ROLL_OFF}), so a downsampled
 * signal carries no aliases of what the new rate cannot hold.
 *
 * @since 1.4
 */
@API(status = EXPERIMENTAL, since = "1.4")
public final class Resampler {

    /** Where the pass band ends, as a fraction of the lower Nyquist frequency. */
    public static final double ROLL_OFF = 0.92;
    /** Zero crossings of the sinc on each side of a sample. */
    private static final int ZEROS = 24;
    /** Kaiser window β: about 80 dB of stop-band attenuation. */
    private static final double BETA = 8.0;
    /** Kernel table points over the half-width. */
    private static final int TABLE = 8192;

    private Resampler() {
    }

    /**
     * Resamples.
     *
     * @param x the signal
     * @param from its rate, Hz
     * @param to the wanted rate, Hz
     * @return the signal at {@code to} (the same array when the rates are equal), {@code round(x.length * to / from)}
     *     samples
     */
    public static float[] resample(float[] x, int from, int to) {
        if (from == to || x.length == 0) {
            return x;
        }
        double ratio = (double) to / from;
        int n = (int) Math.round(x.length * ratio);
        double cutoff = ROLL_OFF * Math.min(1.0, ratio);                 // relative to the input's Nyquist frequency
        double half = ZEROS / cutoff;                                    // filter half-width in input samples
        // The kernel tabulated over |d| in [0, half] and read by linear interpolation: evaluating the window's Bessel
        // function at every tap made resampling a minute of speech take seconds.
        double[] kernel = new double[TABLE + 2];
        double i0beta = bessel0(BETA);
        for (int k = 0; k <= TABLE + 1; k++) {
            double d = Math.min(1.0, (double) k / TABLE) * half;
            double w = d / half;
            double arg = Math.PI * cutoff * d;
            kernel[k] = (arg == 0 ? 1 : Math.sin(arg) / arg) * cutoff
                    * bessel0(BETA * Math.sqrt(Math.max(0, 1 - w * w))) / i0beta;
        }
        float[] y = new float[n];
        for (int j = 0; j < n; j++) {
            double t = j / ratio;                                        // the output sample's time in input samples
            int lo = Math.max(0, (int) Math.ceil(t - half));
            int hi = Math.min(x.length - 1, (int) Math.floor(t + half));
            double sum = 0;
            for (int i = lo; i <= hi; i++) {
                double u = Math.abs(i - t) / half * TABLE;
                int k = (int) u;
                double f = u - k;
                sum += x[i] * (kernel[k] * (1 - f) + kernel[k + 1] * f);
            }
            y[j] = (float) Math.max(-1, Math.min(1, sum));
        }
        return y;
    }

    /** The zeroth-order modified Bessel function of the first kind, by its power series. */
    private static double bessel0(double x) {
        double sum = 1;
        double term = 1;
        double q = x * x / 4;
        for (int k = 1; k < 50; k++) {
            term *= q / (k * k);
            sum += term;
            if (term < 1e-12 * sum) {
                break;
            }
        }
        return sum;
    }
}
