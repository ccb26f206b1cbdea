package dev.nova.kit.audio;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apiguardian.api.API;

/**
 * {@code builtin:tones}: a small synthetic set for tests and first runs, three classes of one-second clips made from a
 * seed: {@code tone} (a sine between 200 and 1200 Hz with an attack and a decay), {@code chirp} (a sweep up or down
 * between 200 and 2000 Hz) and {@code noise} (bursts of white noise).
 *
 * @since 1.4
 */
@API(status = EXPERIMENTAL, since = "1.4")
public final class Tones {

    /** The classes, in order. */
    public static final List<String> CLASSES = List.of("tone", "chirp", "noise");

    private Tones() {
    }

    /**
     * The clips, {@code perClass} of each class in turn.
     *
     * @param rate sample rate, Hz
     * @param perClass clips per class
     * @param seed what makes them
     * @return the clips, labelled
     */
    public static List<AudioSource.Clip> make(int rate, int perClass, long seed) {
        SplittableRandom random = new SplittableRandom(seed);
        List<AudioSource.Clip> clips = new ArrayList<>();
        for (int i = 0; i < perClass; i++) {
            for (int c = 0; c < CLASSES.size(); c++) {
                float[] x = new float[rate];
                switch (c) {
                    case 0 -> tone(x, rate, 200 + 1000 * random.nextDouble(), random);
                    case 1 -> chirp(x, rate, random);
                    default -> noise(x, rate, random);
                }
                clips.add(new AudioSource.Clip(String.format("builtin:tones/%s/%03d", CLASSES.get(c), i), c, x));
            }
        }
        return clips;
    }

    private static void tone(float[] x, int rate, double hz, SplittableRandom random) {
        double amp = 0.3 + 0.5 * random.nextDouble();
        double phase = 2 * Math.PI * random.nextDouble();
        for (int i = 0; i < x.length; i++) {
            double t = (double) i / rate;
            x[i] = (float) (amp * envelope(t) * Math.sin(phase + 2 * Math.PI * hz * t));
        }
    }

    private static void chirp(float[] x, int rate, SplittableRandom random) {
        double f0 = 200 + 1800 * random.nextDouble();
        double f1 = 200 + 1800 * random.nextDouble();
        double amp = 0.3 + 0.5 * random.nextDouble();
        double phase = 0;
        for (int i = 0; i < x.length; i++) {
            double t = (double) i / rate;
            phase += 2 * Math.PI * (f0 + (f1 - f0) * t) / rate;
            x[i] = (float) (amp * envelope(t) * Math.sin(phase));
        }
    }

    private static void noise(float[] x, int rate, SplittableRandom random) {
        int bursts = 2 + random.nextInt(3);
        for (int b = 0; b < bursts; b++) {
            int start = random.nextInt(Math.max(1, x.length - rate / 5));
            int length = rate / 20 + random.nextInt(rate / 5);
            double amp = 0.2 + 0.4 * random.nextDouble();
            for (int i = start; i < Math.min(x.length, start + length); i++) {
                double u = (double) (i - start) / length;
                x[i] = (float) Math.max(-1, Math.min(1, x[i] + amp * Math.sin(Math.PI * u)
                        * (2 * random.nextDouble() - 1)));
            }
        }
    }

    /** A 50 ms attack and an exponential decay. */
    private static double envelope(double t) {
        return Math.min(1, t / 0.05) * Math.exp(-2 * t);
    }
}
