package dev.nova.tck.selftest;

import dev.nova.api.GenerationRequest;
import dev.nova.api.InvalidOptionException;
import dev.nova.api.Sample;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;

/**
 * The audio fixture's sound: eight amplitude levels at {@value #RATE} Hz, modelled as a bigram over levels (the text
 * fixture's model with the levels as its vocabulary), trained on a quantised tone. Generation continues an audio
 * prompt given at the fixture's rate, or starts from silence.
 */
final class FixtureAudio {

    /** The sample rate of everything the fixture makes. */
    static final int RATE = 1000;
    /** The levels, as the bigram model's vocabulary. */
    static final String LEVELS = "01234567";
    /** The training sound: a tone of period 32 samples, then one of period 24, as levels (each mostly followed by itself). */
    static final String TONE = tone(32) + tone(24) + tone(32) + tone(24);

    private FixtureAudio() {
    }

    /** The bigram model: the distribution of the next level after {@code previous}, at a temperature. */
    interface Bigram {
        double[] next(int previous, double temperature);
    }

    private static String tone(int period) {
        StringBuilder b = new StringBuilder();
        for (int k = 0; k < period; k++) {
            b.append(LEVELS.charAt(level((float) (0.9 * Math.sin(2 * Math.PI * k / period)))));
        }
        return b.toString();
    }

    /** The value a level stands for: the centre of its eighth of [-1, 1]. */
    static float value(int level) {
        return (2 * level + 1) / (float) LEVELS.length() - 1;
    }

    /** The level of a value in [-1, 1]. */
    static int level(float value) {
        int l = (int) Math.floor((value + 1) / 2 * LEVELS.length());
        return Math.max(0, Math.min(LEVELS.length() - 1, l));
    }

    /**
     * The request's samples: the prompt (when given, at {@link #RATE}), then {@code round(seconds × RATE)} levels
     * drawn from the bigram, the first after the prompt's last value.
     */
    static List<Sample> generate(String exceptionId, Flaw flaw, GenerationRequest request, long seed, int count,
                                 double temperature, Bigram model, FixtureModel.Truncation truncation) {
        double seconds = request.option(GenerationRequest.SECONDS, Double.class).orElse(0.05);
        if (!(seconds > 0 && seconds <= 60)) {
            throw new InvalidOptionException(exceptionId, GenerationRequest.SECONDS,
                    "option seconds must be in (0, 60], found " + seconds);
        }
        float[] prompt = new float[0];
        Optional<Sample.Audio> given = request.option(GenerationRequest.PROMPT_AUDIO, Sample.Audio.class);
        if (given.isPresent()) {
            // AUDIO_PROMPT_RATE_IGNORED: the prompt's values taken as if at the model's rate.
            prompt = flaw == Flaw.AUDIO_PROMPT_RATE_IGNORED ? given.get().samples()
                    : resample(given.get().samples(), given.get().sampleRate());
        }
        // WRONG_AUDIO_LENGTH counts the level it starts from as the first one generated.
        // AUDIO_LENGTH_TRUNCATED: the cast a plugin writes for a duration, a floor where the API says round.
        long rounded = flaw == Flaw.AUDIO_LENGTH_TRUNCATED ? (long) (seconds * RATE) : Math.round(seconds * RATE);
        int n = (int) Math.max(1, rounded) - (flaw == Flaw.WRONG_AUDIO_LENGTH ? 1 : 0);
        int kept = flaw == Flaw.DROPS_AUDIO_PROMPT ? 0 : prompt.length;
        List<Sample> out = new ArrayList<>();
        for (int s = 0; s < count; s++) {
            Random r = new Random(seed * 1_000_003L + s);
            int previous = prompt.length == 0 || flaw == Flaw.IGNORES_AUDIO_PROMPT ? level(0f)
                    : level(prompt[prompt.length - 1]);
            float[] sound = java.util.Arrays.copyOf(prompt, kept + n);
            for (int k = 0; k < n; k++) {
                int i = truncation.draw(model.next(previous, temperature), r.nextDouble());
                previous = i;
                // AUDIO_DRIFTS_OUT_OF_RANGE adds an offset that grows by 1/1024 a sample (an integrator that does
                // not leak): within range for the first 128 samples, past 1 in a second
                sound[kept + k] = value(i) + (flaw == Flaw.AUDIO_DRIFTS_OUT_OF_RANGE ? k / 1024f : 0);
            }
            out.add(new Sample.Audio(RATE, sound));
        }
        return out;
    }

    /** Linear interpolation to the fixture's rate: {@code round(length × RATE / from)} values. */
    private static float[] resample(float[] x, int from) {
        if (from == RATE || x.length == 0) {
            return x;
        }
        int n = (int) Math.round(x.length * (double) RATE / from);
        float[] y = new float[n];
        for (int j = 0; j < n; j++) {
            double t = j * (double) from / RATE;
            int i = (int) Math.floor(t);
            double f = t - i;
            float a = x[Math.min(i, x.length - 1)];
            float b = x[Math.min(i + 1, x.length - 1)];
            y[j] = (float) (a + f * (b - a));
        }
        return y;
    }
}
