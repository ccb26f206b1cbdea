package dev.nova.tck;

import static dev.nova.tck.Harness.applicableOnlyIf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.typesafe.config.Config;
import dev.nova.api.DataParallel;
import dev.nova.api.GenerativeModel;
import dev.nova.api.PluginException;
import dev.nova.api.StepEvent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * SPEC §9, data-parallel training: replicas on slices train as one process.
 *
 * <p>The section's rules in SPEC order, as JUnit tests that {@link GeneratorVerification} runs on a plugin.
 */
interface Section9DataParallel extends Rules {

    /** The model's data-parallel capability; the rule is not applicable when it has none. */
    private DataParallel parallel(GenerativeModel m) {
        Harness h = harness();
        Optional<DataParallel> dp = h.call("9.1", "dataParallel", m::dataParallel);
        applicableOnlyIf(dp != null && dp.isPresent(), "the plugin's models do not offer data-parallel training"
                + " (GenerativeModel.dataParallel() is empty)");
        DataParallel p = dp.get();
        assertTrue(p.parameterCount() > 0 && p.globalBatch(m.step()) > 0, h.violation("9.1", "parameterCount() "
                + p.parameterCount() + " and globalBatch(" + m.step() + ") " + p.globalBatch(m.step())
                + " must both be positive"));
        return p;
    }

    private float[] parameters(DataParallel p) {
        Harness h = harness();
        float[] v = new float[p.parameterCount()];
        h.call("9.1", "readParameters", () -> {
            p.readParameters(v);
            return null;
        });
        return v;
    }

    private Map<String, Double> gradientSum(DataParallel p, long step, int from, int to, float[] sum) {
        Harness h = harness();
        Map<String, Double> stats = h.call("9.2", "gradientSum", () -> p.gradientSum(step, from, to, sum));
        assertTrue(stats != null && stats.get(DataParallel.LOSS) != null && stats.get(DataParallel.UNITS) != null,
                h.violation("9.2", "gradientSum returned " + stats + " without " + DataParallel.LOSS + " and "
                        + DataParallel.UNITS));
        return stats;
    }

    /** {@code ||a − b|| / ||b||} (absolute when b is zero). */
    private static double relative(float[] a, float[] b) {
        double d = 0;
        double n = 0;
        for (int i = 0; i < a.length; i++) {
            d += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
            n += (double) b[i] * b[i];
        }
        return n == 0 ? Math.sqrt(d) : Math.sqrt(d / n);
    }

    private static double relative(double a, double b) {
        return b == 0 ? Math.abs(a) : Math.abs(a - b) / Math.abs(b);
    }

    /** Slice bounds of {@code [0, batch)} into up to {@code parts} uneven, non-empty slices. */
    private static int[] slices(int batch, int parts) {
        int k = Math.min(parts, batch);
        int[] cuts = new int[k + 1];
        // Uneven on purpose: the first slice is a single item, the rest share what is left.
        for (int i = 1; i < k; i++) {
            cuts[i] = i == 1 ? 1 : 1 + (batch - 1) * (i - 1) / (k - 1);
        }
        cuts[k] = batch;
        return cuts;
    }

    private static Map<String, Double> add(Map<String, Double> into, Map<String, Double> more) {
        more.forEach((k, v) -> into.merge(k, v, Double::sum));
        return into;
    }

    @Test
    default void required_spec9_1_writingBackTheParametersReadChangesNothing() {
        Harness h = harness();
        GenerativeModel a = h.warm();
        GenerativeModel b = h.warm();
        DataParallel p = parallel(a);
        float[] read = parameters(p);
        h.call("9.1", "writeParameters", () -> {
            p.writeParameters(read);
            return null;
        });
        assertTrue(Arrays.equals(read, parameters(p)), h.violation("9.1", "the parameters read back after writing"
                + " what was read are not the same"));
        List<Double> expected = h.train(b, 3).stream().map(StepEvent::loss).toList();
        List<Double> actual = h.train(a, 3).stream().map(StepEvent::loss).toList();
        assertEquals(expected, actual, h.violation("9.1", "after writing back the parameters it read, the model trained"
                + " to losses " + actual + "; an untouched model to " + expected));
    }

    @Test
    default void required_spec9_2_gradientSumHasNoSideEffectsAndNeedsNoHistory() {
        Harness h = harness();
        GenerativeModel m = h.warm();
        GenerativeModel twin = h.warm();
        DataParallel p = parallel(m);
        long step = m.step();
        float[] before = parameters(p);
        float[] first = new float[p.parameterCount()];
        float[] second = new float[p.parameterCount()];
        Map<String, Double> s1 = gradientSum(p, step, 0, p.globalBatch(step), first);
        Map<String, Double> s2 = gradientSum(p, step, 0, p.globalBatch(step), second);
        assertTrue(relative(second, first) <= Harness.PARALLEL_TOLERANCE && relative(s2.get(DataParallel.LOSS),
                s1.get(DataParallel.LOSS)) <= Harness.PARALLEL_TOLERANCE, h.violation("9.2", "two gradientSum calls for the"
                + " same step and slice differ (relative " + relative(second, first) + "): the first changed the model"));
        assertTrue(Arrays.equals(before, parameters(p)) && m.step() == step, h.violation("9.2",
                "gradientSum changed the parameters or the step count"));
        List<Double> expected = h.train(twin, 3).stream().map(StepEvent::loss).toList();
        List<Double> actual = h.train(m, 3).stream().map(StepEvent::loss).toList();
        assertEquals(expected, actual, h.violation("9.2", "after gradientSum, the model trained to losses " + actual
                + "; a model without the calls to " + expected));

        GenerativeModel replica = h.fresh();
        DataParallel r = parallel(replica);
        h.call("9.2", "writeParameters", () -> {
            r.writeParameters(before);
            return null;
        });
        float[] fromReplica = new float[r.parameterCount()];
        Map<String, Double> s3 = gradientSum(r, step, 0, r.globalBatch(step), fromReplica);
        assertTrue(relative(fromReplica, first) <= Harness.PARALLEL_TOLERANCE
                        && relative(s3.get(DataParallel.LOSS), s1.get(DataParallel.LOSS)) <= Harness.PARALLEL_TOLERANCE,
                h.violation("9.2", "a fresh replica given the parameters of a model at step " + step + " computed another"
                        + " gradient for that step (relative difference " + relative(fromReplica, first) + ", loss sum "
                        + s3.get(DataParallel.LOSS) + " vs " + s1.get(DataParallel.LOSS) + ")"));
    }

    @Test
    default void required_spec9_3_slicesSumToTheWholeBatch() {
        Harness h = harness();
        GenerativeModel m = h.warm();
        DataParallel p = parallel(m);
        long step = m.step();
        float[] whole = new float[p.parameterCount()];
        Map<String, Double> wholeStats = gradientSum(p, step, 0, p.globalBatch(step), whole);
        int[] cuts = slices(p.globalBatch(step), 3);
        float[] parts = new float[p.parameterCount()];
        Map<String, Double> partStats = new TreeMap<>();
        for (int i = 0; i + 1 < cuts.length; i++) {
            add(partStats, gradientSum(p, step, cuts[i], cuts[i + 1], parts));
        }
        String how = "slices " + Arrays.toString(cuts) + " of a batch of " + p.globalBatch(step);
        assertTrue(relative(parts, whole) <= Harness.PARALLEL_TOLERANCE, h.violation("9.3", "the gradient sums of " + how
                + " differ from the whole batch's by " + relative(parts, whole) + " (relative)"));
        assertEquals(wholeStats.get(DataParallel.UNITS), partStats.get(DataParallel.UNITS), h.violation("9.3", "the units of "
                + how + " do not add up to the whole batch's"));
        assertTrue(relative(partStats.get(DataParallel.LOSS), wholeStats.get(DataParallel.LOSS)) <= Harness.PARALLEL_TOLERANCE,
                h.violation("9.3", "the loss sums of " + how + " add up to " + partStats.get(DataParallel.LOSS)
                        + ", the whole batch's is " + wholeStats.get(DataParallel.LOSS)));
    }

    @Test
    default void required_spec9_4_replicasTrainAsOneProcess() {
        Harness h = harness();
        replicasTrainAsOneProcess("9.4", h::fresh);
    }

    @Test
    default void required_spec9_6_replicasTrainAsOneProcessWhenTheOptimiserClipsWarmsUpAndDecays() {
        Harness h = harness();
        parallel(h.fresh());
        Optional<Config> settings = h.optimizerSettings();
        h.requireFact(settings.isPresent(), "no optimiser settings declared under which gradient clipping, warm-up and"
                + " decay take effect (ConformanceProfile.withOptimizerSettings)");
        List<Double> plain = h.train(h.fresh(), Harness.REPLICA_STEPS).stream().map(StepEvent::loss).toList();
        List<Double> engaged = h.train(h.fresh(settings.get()), Harness.REPLICA_STEPS).stream().map(StepEvent::loss)
                .toList();
        assertNotEquals(plain, engaged, h.violation("9.6", "training under the declared optimiser settings "
                + settings.get().root().render(com.typesafe.config.ConfigRenderOptions.concise())
                + " gives the same losses as without them: they do not engage"));
        replicasTrainAsOneProcess("9.6", () -> h.fresh(settings.get()));
    }

    /**
     * 3 replicas on uneven slices train {@link Harness#REPLICA_STEPS} steps, the driver applying the mean; the
     * result must be single-process training's.
     */
    private void replicasTrainAsOneProcess(String rule, java.util.function.Supplier<GenerativeModel> fresh) {
        Harness h = harness();
        GenerativeModel driver = fresh.get();
        DataParallel d = parallel(driver);
        List<DataParallel> replicas = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            replicas.add(parallel(fresh.get()));
        }
        String shape = null;
        List<Double> parallelLosses = new ArrayList<>();
        for (long step = 0; step < Harness.REPLICA_STEPS; step++) {
            float[] params = parameters(d);
            float[] sum = new float[params.length];
            Map<String, Double> stats = new TreeMap<>();
            int[] cuts = slices(d.globalBatch(step), replicas.size());
            shape = shape == null ? Arrays.toString(cuts) : shape;
            for (int i = 0; i + 1 < cuts.length; i++) {
                DataParallel r = replicas.get(i);
                h.call(rule, "writeParameters", () -> {
                    r.writeParameters(params);
                    return null;
                });
                add(stats, gradientSum(r, step, cuts[i], cuts[i + 1], sum));
            }
            double units = stats.get(DataParallel.UNITS);
            for (int k = 0; k < sum.length; k++) {
                sum[k] = (float) (sum[k] / units);
            }
            long s = step;
            h.call(rule, "applyUpdate", () -> d.applyUpdate(s, sum, stats));
            parallelLosses.add(stats.get(DataParallel.LOSS) / units);
        }
        GenerativeModel single = fresh.get();
        List<Double> losses = h.train(single, Harness.REPLICA_STEPS).stream().map(StepEvent::loss).toList();
        assertEquals(Harness.REPLICA_STEPS, driver.step(), h.violation(rule, "after " + Harness.REPLICA_STEPS
                + " applyUpdate calls the model is at step " + driver.step()));
        float[] expected = parameters(parallel(single));
        float[] actual = parameters(d);
        assertTrue(relative(actual, expected) <= Harness.PARALLEL_TOLERANCE, h.violation(rule, replicas.size()
                + " replicas on slices such as " + shape + " trained for " + Harness.REPLICA_STEPS + " steps to"
                + " parameters " + relative(actual, expected) + " (relative) away from single-process training"));
        for (int i = 0; i < Harness.REPLICA_STEPS; i++) {
            assertTrue(relative(parallelLosses.get(i), losses.get(i)) <= 1e-4, h.violation(rule, "at step " + (i + 1)
                    + " the replicas' loss was " + parallelLosses.get(i) + ", single-process training's "
                    + losses.get(i)));
        }
    }

    @Test
    default void required_spec9_5_aDataParallelStepEqualsTrainOne() {
        Harness h = harness();
        GenerativeModel a = h.warm();
        GenerativeModel b = h.warm();
        DataParallel p = parallel(a);
        long step = a.step();
        float[] sum = new float[p.parameterCount()];
        Map<String, Double> stats = new TreeMap<>(gradientSum(p, step, 0, p.globalBatch(step), sum));
        double units = stats.get(DataParallel.UNITS);
        for (int k = 0; k < sum.length; k++) {
            sum[k] = (float) (sum[k] / units);
        }
        try {
            p.applyUpdate(step + 1, sum, stats);
            fail(h.violation("9.5", "applyUpdate accepted step " + (step + 1) + " for a model at step " + step));
        } catch (PluginException expected) {
            // refused: the model stays where it was
        } catch (RuntimeException e) {
            fail(h.violation("8.1", "applyUpdate for the wrong step threw undocumented " + e.getClass().getName()));
        }
        Map<String, Double> metrics = h.call("9.5", "applyUpdate", () -> p.applyUpdate(step, sum, stats));
        StepEvent event = h.train(b, 1).get(0);
        assertEquals(step + 1, a.step(), h.violation("9.5", "after applyUpdate the model is at step " + a.step()
                + ", not " + (step + 1)));
        double loss = stats.get(DataParallel.LOSS) / units;
        assertTrue(relative(loss, event.loss()) <= Harness.PARALLEL_TOLERANCE && units == event.items(), h.violation("9.5",
                "the data-parallel step's loss " + loss + " over " + units + " units differs from train(1)'s "
                        + event.loss() + " over " + event.items()));
        assertEquals(event.extras().keySet(), metrics == null ? null : metrics.keySet(), h.violation("9.5",
                "applyUpdate reported metrics " + metrics + "; train(1) reported " + event.extras()));
        float[] expected = parameters(parallel(b));
        float[] actual = parameters(p);
        assertTrue(relative(actual, expected) <= Harness.PARALLEL_TOLERANCE, h.violation("9.5", "a data-parallel step left the"
                + " parameters " + relative(actual, expected) + " (relative) away from train(1)'s"));
    }
}
