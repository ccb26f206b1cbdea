package dev.nova.kit.optim;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nova.api.DataParallel;
import dev.nova.api.PluginException;
import dev.nova.kit.nn.Flops;
import dev.nova.kit.nn.ParamSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntToDoubleFunction;
import java.util.function.LongConsumer;
import java.util.function.LongSupplier;
import java.util.function.LongToIntFunction;
import org.apiguardian.api.API;

/**
 * {@link DataParallel} for a model built on kit: its parameters in a {@link ParamSet}, its optimiser an
 * {@link Adam}, and one step's forward and backward pass written for a slice of the step's batch. The model's
 * own {@code train} runs the same slice over the whole batch ({@link #wholeBatch}), so single-process and
 * data-parallel training share one code path and differ only in float rounding.
 *
 * <pre>{@code
 * slices = new SliceTraining(ID, network.params(), adam, s -> batch, List.of(), () -> step, s -> step = s,
 *         (s, from, to) -> new TrainingLoop.Step(network.lossAndGradients(windows(s, from, to), masks(s, from, to)),
 *                 (long) (to - from) * time));
 * public TrainingResult train(TrainingRequest r, TrainingListener l) {
 *     return TrainingLoop.run(ID, r, l, adam, step, s -> step = s, slices.wholeBatch());
 * }
 * public Optional<DataParallel> dataParallel() { return Optional.of(slices); }
 * }</pre>
 *
 * <p>The slice must draw everything random about an item from that item's own stream
 * ({@code Seeds.items}), and leave in the parameter set's gradients the gradient of the slice's mean loss per
 * unit; {@link TrainingLoop.Step#items()} is the slice's units.
 *
 * @since 0.2
 */
@API(status = EXPERIMENTAL, since = "0.2")
public final class SliceTraining implements DataParallel {

    /** One step's forward and backward pass over a slice of its batch. */
    @FunctionalInterface
    public interface Slice {
        /**
         * Computes items {@code [from, to)} of step {@code step}'s batch, leaving the gradient of the slice's
         * mean loss per unit in the parameter set.
         *
         * @param step the 0-based step
         * @param from the first item
         * @param to the item after the last
         * @return the slice's mean loss, its units and its per-unit metrics
         */
        TrainingLoop.Step run(long step, int from, int to);
    }

    private final String pluginId;
    private final ParamSet params;
    private final Adam optimizer;
    private final LongToIntFunction globalBatch;
    private final List<String> metricOrder;
    private final LongSupplier step;
    private final LongConsumer advanced;
    private final Slice slice;
    private IntToDoubleFunction flops;

    /**
     * Creates the capability.
     *
     * @param pluginId for messages
     * @param params the model's parameters and gradients
     * @param optimizer the model's optimiser over {@code params}
     * @param globalBatch the items of each step
     * @param metricOrder the slice's metric names in the order its {@code train} reports them (metrics not
     *     listed follow in alphabetical order)
     * @param step the model's step count
     * @param advanced told the model's new step count after an update
     * @param slice one step's pass over a slice
     */
    public SliceTraining(String pluginId, ParamSet params, Adam optimizer, LongToIntFunction globalBatch, List<String> metricOrder,
                         LongSupplier step, LongConsumer advanced, Slice slice) {
        this.pluginId = pluginId;
        this.params = params;
        this.optimizer = optimizer;
        this.globalBatch = globalBatch;
        this.metricOrder = List.copyOf(metricOrder);
        this.step = step;
        this.advanced = advanced;
        this.slice = slice;
    }

    /**
     * Declares a pass's model FLOPs: {@link #wholeBatch} and {@link #applyUpdate} then report each step's
     * ({@link #stepFlops}) as the {@link Flops#STEP_EVENT_KEY} metric.
     */
    void declareFlops(IntToDoubleFunction ofItems) {
        this.flops = ofItems;
    }

    /** The model FLOPs of a step over {@code items} items (the pass's and the optimiser's), NaN when undeclared. */
    double stepFlops(int items) {
        return flops == null ? Double.NaN : flops.applyAsDouble(items) + optimizer.flops();
    }

    /**
     * The whole batch as a {@link TrainingLoop.Body}, for the model's own {@code train}.
     *
     * @return the body
     */
    public TrainingLoop.Body wholeBatch() {
        return s -> {
            int items = globalBatch.applyAsInt(s);
            TrainingLoop.Step done = slice.run(s, 0, items);
            if (flops == null) {
                return done;
            }
            Map<String, Double> metrics = new LinkedHashMap<>(done.metrics());
            metrics.put(Flops.STEP_EVENT_KEY, stepFlops(items));
            return new TrainingLoop.Step(done.loss(), done.items(), metrics);
        };
    }

    @Override
    public int parameterCount() {
        return Math.toIntExact(params.size());
    }

    @Override
    public void readParameters(float[] target) {
        params.readValues(target);
    }

    @Override
    public void writeParameters(float[] source) {
        params.writeValues(source);
        optimizer.reloadParameters();
    }

    @Override
    public int globalBatch(long s) {
        return globalBatch.applyAsInt(s);
    }

    @Override
    public Map<String, Double> gradientSum(long s, int from, int to, float[] sum) {
        int batch = globalBatch.applyAsInt(s);
        if (from < 0 || to > batch || from >= to) {
            throw new IllegalArgumentException("slice [" + from + ", " + to + ") of step " + s + " is not within [0, "
                    + batch + ")");
        }
        if (sum.length != parameterCount()) {
            throw new IllegalArgumentException("a gradient sum of " + sum.length + " values for " + parameterCount()
                    + " parameters");
        }
        TrainingLoop.Step r = slice.run(s, from, to);
        double units = r.items();
        float[] g = new float[sum.length];
        params.readGradients(g);
        for (int i = 0; i < g.length; i++) {
            sum[i] += (float) (g[i] * units);
        }
        Map<String, Double> stats = new LinkedHashMap<>();
        stats.put(LOSS, r.loss() * units);
        stats.put(UNITS, units);
        r.metrics().forEach((k, v) -> stats.put(k, v * units));
        return stats;
    }

    @Override
    public Map<String, Double> applyUpdate(long s, float[] meanGradient, Map<String, Double> statistics) {
        if (s != step.getAsLong()) {
            throw new PluginException(pluginId, "a data-parallel update for step " + s + " given to a model at step "
                    + step.getAsLong());
        }
        Double units = statistics.get(UNITS);
        Double lossSum = statistics.get(LOSS);
        if (units == null || lossSum == null || !(units > 0)) {
            throw new IllegalArgumentException("statistics need " + LOSS + " and a positive " + UNITS + ", found "
                    + statistics);
        }
        double loss = lossSum / units;
        if (!Double.isFinite(loss)) {
            throw TrainingLoop.nonFinite(pluginId, loss, s);
        }
        params.writeGradients(meanGradient);
        double norm = optimizer.apply(s);
        advanced.accept(s + 1);
        Map<String, Double> metrics = new LinkedHashMap<>();
        for (String k : metricOrder) {
            Double v = statistics.get(k);
            if (v != null) {
                metrics.put(k, v / units);
            }
        }
        statistics.keySet().stream().sorted()
                .filter(k -> !k.equals(LOSS) && !k.equals(UNITS) && !metrics.containsKey(k))
                .forEach(k -> metrics.put(k, statistics.get(k) / units));
        if (flops != null) {
            metrics.put(Flops.STEP_EVENT_KEY, stepFlops(globalBatch.applyAsInt(s)));
        }
        metrics.put("learning-rate", optimizer.settings().learningRate(s));
        metrics.put("grad-norm", norm);
        return metrics;
    }
}
