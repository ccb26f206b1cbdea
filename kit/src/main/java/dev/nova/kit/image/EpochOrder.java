package dev.nova.kit.image;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nova.kit.support.Seeds;
import java.util.Random;
import org.apiguardian.api.API;

/**
 * The order training items are visited in: a fresh shuffle every epoch, each a pure function of the seed and the
 * epoch, so that resuming at any step visits exactly what an uninterrupted run would have.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class EpochOrder {

    private final int items;
    private final int batch;
    private long seed;
    private int epoch = -1;
    private int[] order;

    /**
     * Creates the order.
     *
     * @param items how many items an epoch visits
     * @param batch items per step (the last step of an epoch may take fewer)
     * @param seed the run's seed
     */
    public EpochOrder(int items, int batch, long seed) {
        if (items < 1 || batch < 1) {
            throw new IllegalArgumentException("items and batch must be >= 1, found " + items + " and " + batch);
        }
        this.items = items;
        this.batch = batch;
        this.seed = seed;
    }

    /**
     * Changes the seed (after restoring a checkpoint written under another one).
     *
     * @param seed the run's seed
     */
    public void reseed(long seed) {
        this.seed = seed;
        this.epoch = -1;
    }

    /**
     * Items per step.
     *
     * @return the batch
     * @since 1.3
     */
    public int batch() {
        return batch;
    }

    /**
     * The seed the order is drawn from.
     *
     * @return the seed
     * @since 1.3
     */
    public long seed() {
        return seed;
    }

    /** Steps per epoch. */
    public int stepsPerEpoch() {
        return (items + batch - 1) / batch;
    }

    /**
     * The epoch a step belongs to, as a fraction (for progress).
     *
     * @param steps steps done
     * @return epochs done
     */
    public double epochs(long steps) {
        return (double) steps / stepsPerEpoch();
    }

    /**
     * The items of a step.
     *
     * @param step the 0-based step
     * @return the item indices, in order ({@code batch} of them, fewer at the end of an epoch)
     */
    public int[] step(long step) {
        int spe = stepsPerEpoch();
        int[] perm = permutation((int) (step / spe));
        int from = (int) (step % spe) * batch;
        return java.util.Arrays.copyOfRange(perm, from, Math.min(items, from + batch));
    }

    /**
     * The whole order of an epoch (a Fisher-Yates shuffle drawn from {@link Seeds#DATA}'s stream for the epoch).
     *
     * @param e the epoch
     * @return the order (shared: do not modify)
     */
    public int[] permutation(int e) {
        if (e != epoch) {
            int[] perm = new int[items];
            for (int i = 0; i < items; i++) {
                perm[i] = i;
            }
            Random r = Seeds.random(seed, Seeds.DATA, e);
            for (int i = items - 1; i > 0; i--) {
                int j = r.nextInt(i + 1);
                int t = perm[i];
                perm[i] = perm[j];
                perm[j] = t;
            }
            order = perm;
            epoch = e;
        }
        return order;
    }
}
