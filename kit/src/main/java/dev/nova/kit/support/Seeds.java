package dev.nova.kit.support;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Random;
import org.apiguardian.api.API;

/**
 * Random sources keyed by what they are for, never by how many draws came before: the run's seed, a purpose and
 * an index (a step, an epoch, a sample) name one stream. Resume, re-ordering and replays then give the same
 * numbers, and two purposes never share a stream.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Seeds {

    /** Purpose: the order or choice of training data (per step or per epoch). */
    public static final long DATA = 0x9E3779B97F4A7C15L;
    /** Purpose: noise a model draws while training (for example a VAE's ε, per step). */
    public static final long NOISE = 0x2545F4914F6CDD1DL;
    /** Purpose: dropout masks (per step). */
    public static final long DROPOUT = 31;
    /** Purpose: one generated sample (per request seed and sample index). */
    public static final long SAMPLE = 1_000_003L;

    private Seeds() {
    }

    /**
     * The seed of one stream: {@code seed · purpose + index}.
     *
     * @param seed the run's (or request's) seed
     * @param purpose one of the constants above, or a plugin's own odd constant
     * @param index the step, epoch or sample
     * @return the stream's seed
     */
    public static long of(long seed, long purpose, long index) {
        return seed * purpose + index;
    }

    /**
     * A random source for one stream.
     *
     * @param seed the run's (or request's) seed
     * @param purpose one of the constants above
     * @param index the step, epoch or sample
     * @return a new {@link Random}
     */
    public static Random random(long seed, long purpose, long index) {
        return new Random(of(seed, purpose, index));
    }

    /**
     * The random source of sample {@code index} of a generation request: a sample never depends on how many
     * others were asked for.
     *
     * @param requestSeed the request's seed
     * @param index the sample's index in the request
     * @return a new {@link Random}
     */
    public static Random sample(long requestSeed, int index) {
        return random(requestSeed, SAMPLE, index);
    }
}
