package dev.nova.kit.support;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Random;
import java.util.function.IntFunction;
import org.apiguardian.api.API;

/**
 * Random sources keyed by what they are for, never by how many draws came before: the run's seed, a purpose and
 * an index (a step, an epoch, a sample) name one stream. Resume, re-ordering and replays then give the same
 * numbers, and two purposes never share a stream.
 *
 * <p>Every stream's seed passes through SplitMix64's finaliser before it seeds a {@link Random}: the first draws
 * of {@code java.util.Random} barely change between neighbouring seeds (seeds {@code s}, {@code s + 1}, ... give
 * first doubles that agree to two or three digits), so unmixed, the samples of one request, or successive epochs,
 * would start from nearly the same number. Do not seed a {@code Random} with {@code seed + index} yourself; ask
 * this class for the stream.
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
     * The seed of one stream: {@code seed · purpose + index} through SplitMix64's finaliser (a bijection, so
     * distinct keys still name distinct streams, and neighbouring indices give unrelated seeds).
     *
     * @param seed the run's (or request's) seed
     * @param purpose one of the constants above, or a plugin's own odd constant
     * @param index the step, epoch or sample
     * @return the stream's seed
     */
    public static long of(long seed, long purpose, long index) {
        return mix(key(seed, purpose, index));
    }

    /** The key a stream is named by, before mixing. */
    private static long key(long seed, long purpose, long index) {
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
     * The seed of one item's stream within a step: item {@code item} of step {@code step}'s global batch, for
     * draws that concern that item alone (which data it is, its dropout masks, its noise). Such draws do not
     * depend on how the batch is sliced, which data-parallel training needs; the stream seeds pass through
     * SplitMix64's finaliser so that neighbouring items are not correlated.
     *
     * @param seed the run's seed
     * @param purpose one of the constants above
     * @param step the step
     * @param item the item's index in the step's global batch
     * @return the stream's seed
     * @since 0.2
     */
    public static long ofItem(long seed, long purpose, long step, long item) {
        return mix(mix(key(seed, purpose, step)) + item);
    }

    /**
     * A random source for one item of a step (see {@link #ofItem}).
     *
     * @param seed the run's seed
     * @param purpose one of the constants above
     * @param step the step
     * @param item the item's index in the step's global batch
     * @return a new {@link Random}
     * @since 0.2
     */
    public static Random item(long seed, long purpose, long step, long item) {
        return new Random(ofItem(seed, purpose, step, item));
    }

    /**
     * The random sources of items {@code [first, first + count)} of a step, one stream per item kept for the
     * step (so successive layers draw successive values of each item's stream).
     *
     * @param seed the run's seed
     * @param purpose one of the constants above
     * @param step the step
     * @param first the first item's index in the global batch
     * @param count items
     * @return source {@code i} is item {@code first + i}'s
     * @since 0.2
     */
    public static IntFunction<Random> items(long seed, long purpose, long step, int first, int count) {
        Random[] r = new Random[count];
        return i -> {
            if (r[i] == null) {
                r[i] = item(seed, purpose, step, first + (long) i);
            }
            return r[i];
        };
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
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
