package dev.nova.tck;

import static dev.nova.tck.Harness.applicableOnlyIf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nova.api.Cancellation;
import dev.nova.api.EvaluationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.Modality;
import dev.nova.api.StepEvent;
import dev.nova.api.TrainingRequest;
import dev.nova.api.TrainingResult;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

/**
 * SPEC §5, training: losses, progress events, cancellation and evaluation.
 *
 * <p>The section's rules in SPEC order, as JUnit tests that {@link GeneratorVerification} runs on a plugin.
 */
interface Section5Training extends Rules {

    @Test
    default void required_spec5_1_lossIsFinite() {
        Harness h = harness();
        for (StepEvent e : h.train(h.fresh(), Harness.WARM_UP_STEPS)) {
            assertTrue(Double.isFinite(e.loss()), h.violation("5.1", "step " + e.step() + " reported loss " + e.loss()));
        }
    }

    @Test
    default void required_spec5_2_lossFallsOnTheConformanceData() {
        Harness h = harness();
        List<StepEvent> events = h.train(h.fresh(), Harness.LOSS_DROP_STEPS);
        int k = Math.max(1, Math.min(5, events.size() / 4));
        double first = events.subList(0, k).stream().mapToDouble(StepEvent::loss).average().orElse(Double.NaN);
        double last = events.subList(events.size() - k, events.size()).stream().mapToDouble(StepEvent::loss).average().orElse(Double.NaN);
        assertTrue(last <= first * (1 - Harness.LOSS_DROP_MARGIN), h.violation("5.2", String.format(
                "mean loss of the first %d steps %.4f, of the last %d steps %.4f after %d steps; expected a fall of %.0f%%",
                k, first, k, last, Harness.LOSS_DROP_STEPS, Harness.LOSS_DROP_MARGIN * 100)));
    }

    @Test
    default void required_spec5_3_progressEventsAreOnePerStepInOrder() {
        Harness h = harness();
        GenerativeModel m = h.fresh();
        List<StepEvent> events = new ArrayList<>();
        TrainingResult r = h.call("5.3", "train", () -> m.train(TrainingRequest.of(4), events::add));
        assertEquals(4, r.stepsRun(), h.violation("5.3", "ran " + r.stepsRun() + " steps for 4 requested"));
        assertEquals(List.of(1L, 2L, 3L, 4L), events.stream().map(StepEvent::step).toList(),
                h.violation("5.3", "step events were " + events.stream().map(StepEvent::step).toList()));
        assertEquals(4, m.step(), h.violation("5.3", "step() is " + m.step() + " after 4 steps"));
        List<StepEvent> more = h.train(m, 2);
        assertEquals(List.of(5L, 6L), more.stream().map(StepEvent::step).toList(),
                h.violation("5.3", "a second train() call reported steps " + more.stream().map(StepEvent::step).toList()
                        + " after steps 1-4; step numbers continue across calls"));
        assertEquals(6, m.step(), h.violation("5.3", "step() is " + m.step() + " after 6 steps"));
    }

    @Test
    default void required_spec5_4_cancellationReturnsPromptlyAndLeavesTheModelUsable() throws Exception {
        Harness h = harness();
        GenerativeModel m = h.fresh();
        Cancellation cancel = new Cancellation();
        ExecutorService ex = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tck-cancellation");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<TrainingResult> f = ex.submit(() -> m.train(new TrainingRequest(1_000_000, cancel), e -> cancel.cancel()));
            TrainingResult r;
            try {
                r = f.get(Harness.CANCELLATION_BOUND_MILLIS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                fail(h.violation("5.4", "train() had not returned " + Harness.CANCELLATION_BOUND_MILLIS + " ms after cancellation"));
                return;
            }
            assertTrue(r.cancelled(), h.violation("5.4", "a cancelled train() returned cancelled=false after " + r.stepsRun() + " steps"));
            assertTrue(r.stepsRun() < 1_000_000, h.violation("5.4", "ran every requested step despite cancellation"));
        } finally {
            ex.shutdownNow();
        }
        h.generate(m, h.request(2, 3));
    }

    @Test
    default void required_spec5_5_evaluationReportsAFiniteLoss() {
        Harness h = harness();
        Map<String, Double> metrics = h.call("5.5", "evaluate", () -> h.warm().evaluate(EvaluationRequest.heldOut(Harness.SEED)));
        assertTrue(metrics != null, h.violation("5.5", "evaluate() returned null"));
        Double loss = metrics.get(GenerativeModel.LOSS);
        assertTrue(loss != null && Double.isFinite(loss), h.violation("5.5", "evaluate() returned " + metrics));
        metrics.forEach((k, v) -> assertTrue(v != null && Double.isFinite(v),
                h.violation("5.5", "metric '" + k + "' is " + v + " in " + metrics)));
    }

    @Test
    default void required_spec5_6_evaluationAndGenerationDoNotChangeTraining() {
        Harness h = harness();
        GenerativeModel straight = h.fresh();
        List<Double> expected = h.train(straight, 6).stream().map(StepEvent::loss).toList();
        GenerativeModel interrupted = h.fresh();
        List<Double> actual = new ArrayList<>(h.train(interrupted, 3).stream().map(StepEvent::loss).toList());
        h.call("5.6", "evaluate", () -> interrupted.evaluate(EvaluationRequest.heldOut(Harness.SEED)));
        h.generate(interrupted, h.request(2, 3));
        actual.addAll(h.train(interrupted, 3).stream().map(StepEvent::loss).toList());
        assertEquals(expected, actual, h.violation("5.6", "with an evaluation and a generation after step 3, the losses"
                + " were " + actual + "; without them " + expected + ": evaluation or generation changed the training state"));
    }

    @Test
    default void required_spec5_7_textLossesAreNonNegativeNats() {
        Harness h = harness();
        applicableOnlyIf(h.info().modality() == Modality.TEXT, "the SPEC fixes the loss's unit (nats of a"
                + " probability, never below 0) for text models only; an " + h.info().modality().toString()
                .toLowerCase(java.util.Locale.ROOT) + " model's loss may be of a density (an image's, a sound's),"
                + " which can be negative");
        GenerativeModel m = h.fresh();
        for (StepEvent e : h.train(m, Harness.WARM_UP_STEPS)) {
            assertTrue(!(e.loss() < 0), h.violation("5.7", "step " + e.step() + " reported loss " + e.loss()
                    + "; a text model's loss is a negative log-probability in nats, never below 0"));
        }
        double loss = h.call("5.5", "evaluate", () -> m.evaluate(EvaluationRequest.heldOut(Harness.SEED))).get(GenerativeModel.LOSS);
        assertTrue(!(loss < 0), h.violation("5.7", "evaluate() reported loss " + loss + "; a negative log-probability in"
                + " nats is never below 0"));
    }

    @Test
    default void required_spec5_8_evaluationReadsTheDataItIsGiven() {
        Harness h = harness();
        java.nio.file.Path folder = h.sandbox().resolve("evaluation-data");
        java.nio.file.Path[] data;
        if (h.isText()) {
            // a byte-level model reads any text: one in three scripts
            java.util.Optional<String> vocabulary = h.anyCharacter()
                    ? java.util.Optional.of("The quick brown fox, 你好世界, Grüße 🙂. ") : h.vocabulary();
            h.requireFact(vocabulary.isPresent(), "no vocabulary declared (ConformanceProfile.withVocabulary)");
            data = EvaluationData.text(vocabulary.get(), folder);
        } else if (h.info().modality() == dev.nova.api.Modality.AUDIO) {
            data = EvaluationData.audio(folder);
        } else {
            data = EvaluationData.images(folder);
        }
        GenerativeModel m = h.warm();
        GenerativeModel twin = h.warm();
        java.util.List<java.util.Map<String, Double>> results = new ArrayList<>();
        for (java.nio.file.Path d : new java.nio.file.Path[] {data[0], data[0], data[1]}) {
            EvaluationRequest request = new EvaluationRequest(java.util.Optional.of(d), Harness.SEED, java.util.Map.of());
            java.util.Map<String, Double> metrics = h.call("5.8", "evaluate", () -> m.evaluate(request));
            Double loss = metrics == null ? null : metrics.get(GenerativeModel.LOSS);
            assertTrue(loss != null && Double.isFinite(loss) && metrics.values().stream().allMatch(v -> v != null
                    && Double.isFinite(v)), h.violation("5.8", "evaluate() on " + d + " returned " + metrics));
            results.add(metrics);
        }
        assertEquals(results.get(0), results.get(1), h.violation("5.8", "evaluating " + data[0] + " twice gave "
                + results.get(0) + ", then " + results.get(1)));
        assertTrue(!results.get(0).get(GenerativeModel.LOSS).equals(results.get(2).get(GenerativeModel.LOSS)),
                h.violation("5.8", "evaluating " + data[0] + " and " + data[1] + " (other data) gave the same loss "
                        + results.get(0).get(GenerativeModel.LOSS) + ": the data given is not what is evaluated"));
        List<Double> expected = h.train(twin, 3).stream().map(StepEvent::loss).toList();
        List<Double> actual = h.train(m, 3).stream().map(StepEvent::loss).toList();
        assertEquals(expected, actual, h.violation("5.8", "after evaluating given data the model trained to losses "
                + actual + "; without it to " + expected));
    }
}
