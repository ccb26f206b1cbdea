package dev.nova.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Map;
import org.apiguardian.api.API;

/**
 * A model's optional capability to be trained data-parallel: synchronous data parallelism in which replicas on
 * other threads, processes or machines each compute the gradient summed over a slice of one step's global batch,
 * the sums are added, and the model applies its own optimiser to the mean. Done right, N replicas train exactly
 * as one process does (to float rounding); a host offers it only through this interface, which every first-party
 * plugin implements and the TCK certifies (section 9 of its specification).
 *
 * <p>Every argument and result is a JDK type (arrays, boxed numbers, maps), so that the values cross module
 * layers, class loaders and machines as they are.
 *
 * <p><b>The one condition</b>: every random draw that concerns an item of the batch (which data it is, its dropout
 * masks, its noise) must depend only on the configuration, the seed, the step and the item's index in the global
 * batch, never on one random stream per step; otherwise the slices do not add up to the whole batch.
 *
 * <p>A step, as a host runs it:
 * <pre>{@code
 * float[] p = new float[dp.parameterCount()];
 * dp.readParameters(p);                                   // on the model that owns the run
 * // on each replica r, with slice [from_r, to_r) of [0, dp.globalBatch(step)):
 * replica.writeParameters(p);
 * Map<String, Double> s_r = replica.gradientSum(step, from_r, to_r, sum_r);
 * // add the sums and the statistics, then on the model that owns the run:
 * float[] mean = sum / units;                             // units = the added DataParallel.UNITS
 * Map<String, Double> metrics = dp.applyUpdate(step, mean, addedStatistics);
 * }</pre>
 *
 * @since 1.2
 */
@API(status = EXPERIMENTAL, since = "1.2")
public interface DataParallel {

    /** The statistic every {@link #gradientSum} returns: the loss summed over the slice's units. */
    String LOSS = "loss";

    /** The statistic every {@link #gradientSum} returns: the units of the slice (tokens, images) the loss sums over. */
    String UNITS = "units";

    /**
     * The number of parameter values.
     *
     * @return the length of every parameter and gradient array
     */
    int parameterCount();

    /**
     * Copies the parameters into a flat array in a fixed order (the same for every replica of the same
     * configuration).
     *
     * @param target an array of {@link #parameterCount()} values
     */
    void readParameters(float[] target);

    /**
     * Sets the parameters from a flat array in the order of {@link #readParameters}. Writing back what was read
     * changes nothing; the optimiser's state is untouched.
     *
     * @param source an array of {@link #parameterCount()} values
     */
    void writeParameters(float[] source);

    /**
     * The number of items (windows, images) in a step's global batch: slices are taken from
     * {@code [0, globalBatch(step))}. Usually the configured batch; it may vary with the step (the last step of an
     * epoch may take fewer items).
     *
     * @param step the 0-based step
     * @return the global batch of that step
     */
    int globalBatch(long step);

    /**
     * Adds the gradient of the loss summed over items {@code [from, to)} of step {@code step}'s global batch to
     * {@code sum}, at the current parameters. Changes nothing in the model that a later call could observe: the
     * parameters, the optimiser and the step count stay as they are, and a fresh replica given the same
     * parameters returns the same values.
     *
     * @param step the 0-based step whose batch is sliced
     * @param from the first item, inclusive
     * @param to the last item, exclusive ({@code from < to <= globalBatch(step)})
     * @param sum {@link #parameterCount()} values the slice's gradient sum is added to
     * @return additive statistics of the slice: always {@link #LOSS} and {@link #UNITS}; any other entry is a
     *     per-unit metric summed over the slice's units (the host adds the maps and hands them to
     *     {@link #applyUpdate})
     */
    Map<String, Double> gradientSum(long step, int from, int to, float[] sum);

    /**
     * Runs this plugin's own optimiser step on the mean gradient of a whole step, as {@link GenerativeModel#train}
     * would after computing it, and advances {@link GenerativeModel#step()} to {@code step + 1}.
     *
     * @param step the 0-based step, which must equal {@link GenerativeModel#step()}
     * @param meanGradient the summed gradient of the whole batch divided by the total units
     * @param statistics the added statistics of every slice of the step
     * @return the step's metrics: the extras of the {@link StepEvent} that {@link GenerativeModel#train} would
     *     report for this step (each per-unit statistic divided by {@code UNITS}, and what the optimiser reports,
     *     such as the learning rate and the gradient norm), without {@link #LOSS} and {@link #UNITS}: the host makes
     *     the event's loss ({@code LOSS / UNITS}) and items ({@code UNITS}) from the added statistics
     * @throws PluginException if the loss is not finite, or the step is not the model's
     */
    Map<String, Double> applyUpdate(long step, float[] meanGradient, Map<String, Double> statistics);
}
