package dev.nova.kit.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nova.api.StepEvent;
import dev.nova.api.TrainingRequest;
import dev.nova.kit.nn.Init;
import dev.nova.kit.nn.ParamSet;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

class TrainingCoreTests {

    /** A least-squares model whose step s pulls w towards the mean of its items' targets (s + item). */
    private static final class Quadratic {
        final ParamSet params = ParamSet.floats(5);
        final INDArray w = params.add("w", 1, 4, Init.uniform(1));
        final TrainingCore core;

        Quadratic(long seed) {
            core = new TrainingCore("quadratic", seed, params, new Adam(new TrainSettings("adam", 0.05, 0, 0, 0, 0, 0), params),
                    s -> 4, List.of(), (s, from, to) -> {
                        double target = s + (from + to - 1) / 2.0;
                        INDArray d = w.sub(target);
                        params.grad("w").assign(d);
                        return new TrainingLoop.Step(d.mul(d).sumNumber().doubleValue() / 2, to - from);
                    });
        }

        float[] values() {
            float[] v = new float[4];
            params.readValues(v);
            return v;
        }
    }

    @Test
    void trainsWholeBatchesAndCountsSteps() {
        Quadratic m = new Quadratic(11);
        List<StepEvent> events = new ArrayList<>();
        assertEquals(3, m.core.train(TrainingRequest.of(3), events::add).stepsRun());
        assertEquals(3, m.core.step());
        assertEquals(List.of(1L, 2L, 3L), events.stream().map(StepEvent::step).toList());
        assertEquals(4, events.get(0).items());
    }

    @Test
    void writtenStateResumesExactlyWithTheWrittenSeed() throws IOException {
        Quadratic a = new Quadratic(11);
        a.core.train(TrainingRequest.of(3), e -> { });
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        a.core.write(new DataOutputStream(bytes));

        Quadratic b = new Quadratic(99);
        b.core.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray())));
        assertEquals(11, b.core.seed());
        assertEquals(3, b.core.step());
        assertArrayEquals(a.values(), b.values());

        a.core.train(TrainingRequest.of(2), e -> { });
        b.core.train(TrainingRequest.of(2), e -> { });
        assertArrayEquals(a.values(), b.values(), "the optimiser's moments travel with the state");
        assertEquals(5, b.core.step());
    }

    /** A diverged model is never written, and weights that are not finite are never read back into a model. */
    @Test
    void parametersThatAreNotFiniteAreNeitherSavedNorRestored() throws IOException {
        Quadratic a = new Quadratic(11);
        ByteArrayOutputStream good = new ByteArrayOutputStream();
        a.core.write(new DataOutputStream(good));
        a.w.putScalar(2, Float.NaN);
        IOException saved = assertThrows(IOException.class, () -> a.core.write(new DataOutputStream(new ByteArrayOutputStream())));
        assertTrue(saved.getMessage().contains("parameter w holds NaN or infinite values"), saved.getMessage());

        // The same bytes a buggy writer would produce: the good payload with an infinite weight in it.
        Quadratic c = new Quadratic(11);
        c.w.putScalar(1, Float.POSITIVE_INFINITY);
        ByteArrayOutputStream bad = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(bad);
        d.writeLong(11);
        d.writeLong(0);
        org.nd4j.linalg.factory.Nd4j.write(c.w, d);
        Quadratic b = new Quadratic(99);
        float[] before = b.values();
        IOException read = assertThrows(IOException.class,
                () -> b.core.read(new DataInputStream(new ByteArrayInputStream(bad.toByteArray()))));
        assertTrue(read.getMessage().contains("parameter w holds NaN or infinite values: the model had diverged"),
                read.getMessage());
        assertArrayEquals(before, b.values(), "the model is unchanged");
    }

    /** The quadratic model as a plugin's model: saved and restored through the payload framing. */
    private static final class Model implements TrainingCore.Holder {
        final Quadratic q;

        Model(long seed) {
            q = new Quadratic(seed);
        }

        @Override
        public TrainingCore training() {
            return q.core;
        }

        @Override
        public java.util.List<dev.nova.api.Sample> generate(dev.nova.api.GenerationRequest request) {
            return List.of();
        }

        @Override
        public java.util.Map<String, Double> evaluate(dev.nova.api.EvaluationRequest request) {
            return java.util.Map.of();
        }

        @Override
        public void save(java.io.OutputStream out) {
            q.core.save(out, MAGIC, 1, d -> d.writeUTF("quadratic"));
        }

        static Model restore(java.io.InputStream in) {
            return TrainingCore.restore("quadratic", in, MAGIC, new int[] {1}, (format, d) -> {
                d.readUTF();
                return new Model(99);
            });
        }
    }

    private static final long MAGIC = 0x5155414452L;

    /**
     * Saved in two parts (API 1.4), the moments go into the training state: restored with it, training goes on
     * exactly; restored without it, the parameters are the same, the optimiser never allocates its moments, and the
     * model refuses to train or save.
     */
    @Test
    void theTrainingStateWrittenApartResumesExactlyAndIsLeftOutForGeneration() {
        Model a = new Model(11);
        a.q.core.train(TrainingRequest.of(3), e -> { });
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        ByteArrayOutputStream state = new ByteArrayOutputStream();
        a.save(payload, state);
        ByteArrayOutputStream inline = new ByteArrayOutputStream();
        a.save(inline);
        assertTrue(payload.size() < inline.size() / 2, "the moments are not in the payload: " + payload.size()
                + " of " + inline.size() + " bytes");

        Model b = Model.restore(dev.nova.kit.support.Payload.apart(new ByteArrayInputStream(payload.toByteArray()),
                java.util.Optional.of(new ByteArrayInputStream(state.toByteArray()))));
        assertEquals(11, b.q.core.seed());
        assertEquals(3, b.q.core.step());
        a.q.core.train(TrainingRequest.of(2), e -> { });
        b.q.core.train(TrainingRequest.of(2), e -> { });
        assertArrayEquals(a.q.values(), b.q.values(), "the moments travel in the training state");

        for (byte[] bytes : List.of(payload.toByteArray(), inline.toByteArray())) {
            Model g = Model.restore(dev.nova.kit.support.Payload.apart(new ByteArrayInputStream(bytes),
                    java.util.Optional.empty()));
            assertEquals(3, g.q.core.step());
            assertTrue(g.q.core.restoredWithoutMoments());
            assertTrue(g.q.params.isFixed());
            dev.nova.api.PluginException train = assertThrows(dev.nova.api.PluginException.class,
                    () -> g.q.core.train(TrainingRequest.of(1), e -> { }));
            assertTrue(train.getMessage().contains("restored for generation only"), train.getMessage());
            assertThrows(dev.nova.api.PluginException.class, () -> g.save(new ByteArrayOutputStream(),
                    new ByteArrayOutputStream()));
        }
    }

    /** The quadratic model built on first use ({@link TrainingCore.Deferred}): it counts its builds. */
    private static final class Lazy implements TrainingCore.Deferred {
        final java.util.concurrent.atomic.AtomicInteger builds = new java.util.concurrent.atomic.AtomicInteger();
        final DeferredNetwork<Quadratic> net = new DeferredNetwork<>(() -> {
            builds.incrementAndGet();
            return new Quadratic(99);
        }, q -> q.core);
        TrainingState.Values read;

        @Override
        public TrainingCore training() {
            return net.get().core;
        }

        @Override
        public long step() {
            return net.step();
        }

        @Override
        public dev.nova.kit.nn.ParamLayout layout() {
            return dev.nova.kit.nn.ParamLayout.empty().with("w", 1, 4);
        }

        @Override
        public void restoredForGeneration(TrainingState.Values values) {
            read = values;
            net.restoredForGeneration(values);
        }

        @Override
        public java.util.List<dev.nova.api.Sample> generate(dev.nova.api.GenerationRequest request) {
            return List.of();
        }

        @Override
        public java.util.Map<String, Double> evaluate(dev.nova.api.EvaluationRequest request) {
            return java.util.Map.of();
        }

        @Override
        public void save(java.io.OutputStream out) {
            training().save(out, MAGIC, 1, d -> d.writeUTF("quadratic"));
        }

        static Lazy restore(java.io.InputStream in) {
            return TrainingCore.restore("quadratic", in, MAGIC, new int[] {1}, (format, d) -> {
                d.readUTF();
                return new Lazy();
            });
        }
    }

    /**
     * A model built on first use, restored only to generate, gets the payload's values as plain arrays (from a
     * payload with its moments apart or inline) and builds nothing; asked for its core later, it builds it from those
     * values, as a core restored for generation. Restored with its training state, it builds at once and resumes exactly.
     */
    @Test
    void aDeferredModelRestoredToGenerateReadsPlainValuesAndBuildsOnlyWhenAsked() {
        Model a = new Model(11);
        a.q.core.train(TrainingRequest.of(3), e -> { });
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        ByteArrayOutputStream state = new ByteArrayOutputStream();
        a.save(payload, state);
        ByteArrayOutputStream inline = new ByteArrayOutputStream();
        a.save(inline);
        for (byte[] bytes : List.of(payload.toByteArray(), inline.toByteArray())) {
            Lazy g = Lazy.restore(dev.nova.kit.support.Payload.apart(new ByteArrayInputStream(bytes),
                    java.util.Optional.empty()));
            assertEquals(0, g.builds.get(), "nothing built to generate");
            assertEquals(3, g.step());
            assertEquals(11, g.read.state().seed());
            assertArrayEquals(a.q.values(), g.read.values().get("w"));
            assertEquals(0, g.builds.get(), "the step is the restored one");
            TrainingCore core = g.training();
            assertEquals(1, g.builds.get());
            assertEquals(3, core.step());
            assertEquals(11, core.seed());
            assertArrayEquals(a.q.values(), g.net.get().values());
            assertTrue(core.restoredWithoutMoments());
            assertThrows(dev.nova.api.PluginException.class, () -> core.train(TrainingRequest.of(1), e -> { }));
            g.training();
            assertEquals(1, g.builds.get(), "built once");
        }
        Lazy full = Lazy.restore(dev.nova.kit.support.Payload.apart(new ByteArrayInputStream(payload.toByteArray()),
                java.util.Optional.of(new ByteArrayInputStream(state.toByteArray()))));
        assertEquals(1, full.builds.get());
        a.q.core.train(TrainingRequest.of(2), e -> { });
        full.training().train(TrainingRequest.of(2), e -> { });
        assertArrayEquals(a.q.values(), full.net.get().values(), "restored with its state, it resumes exactly");
        byte[] cut = java.util.Arrays.copyOf(payload.toByteArray(), payload.size() - 10);
        dev.nova.api.CheckpointException e = assertThrows(dev.nova.api.CheckpointException.class,
                () -> Lazy.restore(dev.nova.kit.support.Payload.apart(new ByteArrayInputStream(cut),
                        java.util.Optional.empty())));
        assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }

    /** An optimiser that never stepped (an imported model) writes no moments: they are zero, and read back as zero. */
    @Test
    void aFreshOptimiserWritesNoMoments() {
        Model fresh = new Model(11);
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        ByteArrayOutputStream state = new ByteArrayOutputStream();
        fresh.save(payload, state);
        assertTrue(state.size() < 40, state.size() + " bytes");
        Model b = Model.restore(dev.nova.kit.support.Payload.apart(new ByteArrayInputStream(payload.toByteArray()),
                java.util.Optional.of(new ByteArrayInputStream(state.toByteArray()))));
        Model c = new Model(11);
        b.q.core.train(TrainingRequest.of(2), e -> { });
        c.q.core.train(TrainingRequest.of(2), e -> { });
        assertArrayEquals(c.q.values(), b.q.values());
    }

    /**
     * Fine-tuning with the optimiser state carried reads the parent's moments from its training state apart: the child
     * trains as one carried from a one-part payload; without the training state it cannot carry, and says so.
     */
    @Test
    void carriedMomentsComeFromTheParentsTrainingStateApart() {
        Model parent = new Model(11);
        parent.q.core.train(TrainingRequest.of(3), e -> { });
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        ByteArrayOutputStream state = new ByteArrayOutputStream();
        parent.save(payload, state);
        ByteArrayOutputStream inline = new ByteArrayOutputStream();
        parent.save(inline);
        java.util.function.Function<Model, FineTune.Child<Model>> child =
                p -> new FineTune.Child<>(new Model(5), dev.nova.kit.nn.Growth.none(0), "");
        Model apart = FineTune.start(new dev.nova.api.FineTuneRequest(new ByteArrayInputStream(payload.toByteArray()),
                com.typesafe.config.ConfigFactory.empty(), true, n -> { },
                java.util.Optional.of(new ByteArrayInputStream(state.toByteArray()))), Model::restore, child);
        Model whole = FineTune.start(new dev.nova.api.FineTuneRequest(new ByteArrayInputStream(inline.toByteArray()),
                com.typesafe.config.ConfigFactory.empty(), true, n -> { }), Model::restore, child);
        Model fresh = FineTune.start(new dev.nova.api.FineTuneRequest(new ByteArrayInputStream(inline.toByteArray()),
                com.typesafe.config.ConfigFactory.empty(), false, n -> { }), Model::restore, child);
        apart.q.core.train(TrainingRequest.of(2), e -> { });
        whole.q.core.train(TrainingRequest.of(2), e -> { });
        fresh.q.core.train(TrainingRequest.of(2), e -> { });
        assertArrayEquals(whole.q.values(), apart.q.values());
        assertTrue(!java.util.Arrays.equals(fresh.q.values(), apart.q.values()), "the moments were carried");

        assertThrows(dev.nova.api.CheckpointException.class, () -> FineTune.start(new dev.nova.api.FineTuneRequest(
                new ByteArrayInputStream(payload.toByteArray()), com.typesafe.config.ConfigFactory.empty(), true,
                n -> { }), Model::restore, child));
    }
}
