package dev.nova.tck;

import static dev.nova.tck.Harness.describe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nova.api.GenerativeModel;
import dev.nova.api.Sample;
import dev.nova.api.StepEvent;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * SPEC §3, reproducibility: seeds decide samples and training.
 *
 * <p>The section's rules in SPEC order, as JUnit tests that {@link GeneratorVerification} runs on a plugin.
 */
interface Section3Reproducibility extends Rules {

    @Test
    default void required_spec3_1_sameSeedGivesSameSamples() {
        Harness h = harness();
        GenerativeModel m = h.warm();
        List<Sample> a = h.generate(m, h.request(3, 7));
        List<Sample> b = h.generate(m, h.request(3, 7));
        assertEquals(a, b, h.violation("3.1", "seed 7 gave " + describe(a) + " then " + describe(b)));
    }

    @Test
    default void required_spec3_2_differentSeedsGiveDifferentSamples() {
        Harness h = harness();
        GenerativeModel m = h.warm();
        List<Sample> a = h.generate(m, h.request(3, 7));
        List<Sample> b = h.generate(m, h.request(3, 8));
        assertTrue(!a.equals(b), h.violation("3.2", "seeds 7 and 8 gave the same samples " + describe(a)));
    }

    @Test
    default void required_spec3_3_sameSeedTrainsTheSameModel() {
        Harness h = harness();
        GenerativeModel m1 = h.fresh();
        GenerativeModel m2 = h.fresh();
        List<Double> l1 = h.train(m1, Harness.WARM_UP_STEPS).stream().map(StepEvent::loss).toList();
        List<Double> l2 = h.train(m2, Harness.WARM_UP_STEPS).stream().map(StepEvent::loss).toList();
        assertEquals(l1, l2, h.violation("3.3", "two models with seed " + Harness.SEED + " trained to different losses"));
        assertEquals(h.generate(m1, h.request(2, 1)), h.generate(m2, h.request(2, 1)),
                h.violation("3.3", "two models with seed " + Harness.SEED + " trained to different samples"));
    }

    /**
     * Two models in one JVM are independent: trained and sampled interleaved, a step of one and then a step of the
     * other, each gives what it gives alone. Catches state shared through static fields (a memo keyed by the step,
     * a global random source) that no rule with one model at a time can see.
     */
    @Test
    default void required_spec3_4_modelsInOneJvmAreIndependent() {
        Harness h = harness();
        GenerativeModel a = h.fresh(Harness.SEED);
        List<Double> aloneA = h.train(a, Harness.WARM_UP_STEPS).stream().map(StepEvent::loss).toList();
        List<Sample> samplesA = h.generate(a, h.request(2, 3));
        GenerativeModel b = h.fresh(Harness.SEED + 1);
        List<Double> aloneB = h.train(b, Harness.WARM_UP_STEPS).stream().map(StepEvent::loss).toList();
        List<Sample> samplesB = h.generate(b, h.request(2, 3));

        GenerativeModel c = h.fresh(Harness.SEED);
        GenerativeModel d = h.fresh(Harness.SEED + 1);
        List<Double> withC = new java.util.ArrayList<>();
        List<Double> withD = new java.util.ArrayList<>();
        for (int k = 0; k < Harness.WARM_UP_STEPS; k++) {
            h.train(c, 1).forEach(e -> withC.add(e.loss()));
            h.train(d, 1).forEach(e -> withD.add(e.loss()));
        }
        List<Sample> interleavedC = h.generate(c, h.request(2, 3));
        List<Sample> interleavedD = h.generate(d, h.request(2, 3));
        assertEquals(aloneA, withC, h.violation("3.4", "a model (seed " + Harness.SEED + ") trained step by step beside"
                + " another (seed " + (Harness.SEED + 1) + ") reported other losses than alone"));
        assertEquals(aloneB, withD, h.violation("3.4", "a model (seed " + (Harness.SEED + 1) + ") trained step by step"
                + " beside another reported other losses than alone"));
        assertEquals(samplesA, interleavedC, h.violation("3.4", "a model trained beside another gave other samples"
                + " than alone"));
        assertEquals(samplesB, interleavedD, h.violation("3.4", "a model trained beside another gave other samples"
                + " than alone"));
    }

    /**
     * Training is a function of the configuration and the seed, not of the threads it runs on: from a thread of a
     * fork-join pool of 1 and of 3 threads (the way Java scopes the threads of a parallel stream or of a kit's
     * parallel loop), two fresh models train to the same losses and then give the same samples, and those losses are
     * the ones trained from an ordinary thread (a relative {@value Harness#THREADS_TOLERANCE}: sums split in other places
     * round differently). Catches a batch cut into one slice per thread that drops the remainder, random streams
     * drawn per thread, and results that depend on which thread finishes first. A run resumed on a machine with other
     * cores continues the same training. (ND4J's native threads are set once per process; this rule does not vary
     * them.)
     */
    @Test
    default void required_spec3_6_theThreadsDoNotChangeTraining() {
        Harness h = harness();
        List<Double> reference = h.train(h.fresh(), Harness.WARM_UP_STEPS).stream().map(StepEvent::loss).toList();
        for (int threads : new int[] {1, 3}) {
            java.util.concurrent.ForkJoinPool pool = new java.util.concurrent.ForkJoinPool(threads);
            try {
                List<List<Double>> losses = new java.util.ArrayList<>();
                List<List<Sample>> samples = new java.util.ArrayList<>();
                for (int k = 0; k < 2; k++) {
                    pool.submit(() -> {
                        GenerativeModel m = h.fresh();
                        losses.add(h.train(m, Harness.WARM_UP_STEPS).stream().map(StepEvent::loss).toList());
                        samples.add(h.generate(m, h.request(2, 1)));
                    }).get();
                }
                String where = "in a fork-join pool of " + threads + (threads == 1 ? " thread" : " threads");
                assertEquals(losses.get(0), losses.get(1), h.violation("3.6", "two models with seed " + Harness.SEED
                        + " trained to different losses " + where));
                assertEquals(samples.get(0), samples.get(1), h.violation("3.6", "two models with seed " + Harness.SEED
                        + " trained " + where + " gave different samples"));
                for (int i = 0; i < reference.size(); i++) {
                    double a = losses.get(0).get(i);
                    double b = reference.get(i);
                    assertTrue(Double.compare(a, b) == 0 || Math.abs(a - b) <= Harness.THREADS_TOLERANCE * Math.max(Math.abs(b), 1e-12), h.violation("3.6",
                            "trained " + where + ", step " + (i + 1) + "'s loss is " + a + ", from an ordinary thread "
                            + b + ": the threads changed the training (losses " + losses.get(0) + " against "
                            + reference + ")"));
                }
            } catch (java.util.concurrent.ExecutionException e) {
                if (e.getCause() instanceof AssertionError failure) {
                    throw failure;
                }
                throw new AssertionError(h.violation("3.6", "training in a fork-join pool failed: " + e.getCause()),
                        e.getCause());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(h.violation("3.6", "interrupted"), e);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    /**
     * Training is a function of the configuration and the seed, not of the native threads: a fresh model trained 5
     * steps in a JVM of its own with {@code OMP_NUM_THREADS} = 1 and = 3 (ND4J's and OpenBLAS's pools, which read it
     * once per process) gives this JVM's losses, within the relative {@value Harness#THREADS_TOLERANCE} of 3.6. Catches
     * work split by the native thread count that drops or doubles a part, and state drawn per thread.
     */
    @Test
    default void required_spec3_7_nativeThreadsDoNotChangeTraining() {
        Harness h = harness();
        List<Double> reference = h.train(h.fresh(), Harness.WARM_UP_STEPS).stream().map(StepEvent::loss).toList();
        for (int threads : new int[] {1, 3}) {
            java.nio.file.Path folder;
            try {
                folder = java.nio.file.Files.createDirectories(h.sandbox().resolve("native-threads-" + threads));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            java.util.Optional<NativeThreads.Result> run = NativeThreads.train(h.provider(), h.config(), Harness.SEED,
                    Harness.WARM_UP_STEPS, folder, h.base(), threads);
            Harness.exercisedOnlyIf(run.isPresent(), "the provider's class cannot be loaded in a JVM of its own (it is"
                    + " neither in a module with a location on disk nor on a class path)");
            Harness.exercisedOnlyIf(!run.get().unconstructible(), "the provider is not a service of its module and"
                    + " has no public constructor without arguments, so a JVM of its own cannot construct it ("
                    + run.get().failure().orElse("") + ")");
            String where = "in a JVM of its own with OMP_NUM_THREADS=" + threads;
            assertTrue(run.get().failure().isEmpty(), h.violation("3.7", "training " + where + " failed: "
                    + run.get().failure().orElse("")));
            List<Double> losses = run.get().losses();
            assertEquals(reference.size(), losses.size(), h.violation("3.7", "trained " + where + ", the model"
                    + " reported " + losses.size() + " losses for " + reference.size() + " steps"));
            for (int i = 0; i < reference.size(); i++) {
                double a = losses.get(i);
                double b = reference.get(i);
                assertTrue(Double.compare(a, b) == 0 || Math.abs(a - b) <= Harness.THREADS_TOLERANCE
                        * Math.max(Math.abs(b), 1e-12), h.violation("3.7", "trained " + where + ", step " + (i + 1)
                        + "'s loss is " + a + ", in the kit's JVM " + b + ": the native threads changed the training"
                        + " (losses " + losses + " against " + reference + ")"));
            }
        }
    }

    /**
     * The samples of one request are different draws, as samples of different seeds are (3.2): three samples of one
     * request are three different samples. Catches a model that restarts one random stream for every sample.
     */
    @Test
    default void required_spec3_5_theSamplesOfOneRequestAreDifferentDraws() {
        Harness h = harness();
        GenerativeModel m = h.warm();
        List<Sample> s = h.generate(m, h.request(3, 7));
        // How many there are is rule 4.1's: this rule asks only that those returned differ.
        assertEquals(s.size(), new java.util.HashSet<>(s).size(), h.violation("3.5", "the samples of one request are not"
                + " all different: " + describe(s)));
    }
}
