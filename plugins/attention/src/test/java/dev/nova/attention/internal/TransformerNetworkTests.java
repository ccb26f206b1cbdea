package dev.nova.attention.internal;

import dev.nova.kit.nn.Dropout;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nova.kit.nn.GradientCheck;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class TransformerNetworkTests {

    private static final int[] IDX = {0, 3, 2, 4, 1, 1, 4, 2};
    private static final int[] LAB = {3, 2, 4, 1, 1, 4, 2, 0};

    /** The whole network's backward pass (embeddings, blocks, final norm, head) in double precision. */
    @ParameterizedTest(name = "tied head {0}")
    @ValueSource(booleans = {false, true})
    void gradientsMatchFiniteDifferences(boolean tie) {
        TransformerNetwork net = new TransformerNetwork(5, 2, 2, 4, 4, 0.0, tie, 7, DataType.DOUBLE);
        net.lossAndGradients(IDX, LAB, 2, 4, null);
        Map<String, INDArray> analytic = new LinkedHashMap<>();
        net.params().grads().forEach((k, v) -> analytic.put(k, v.dup()));
        int checked = GradientCheck.doubles().verify(net.params().params(), analytic, () -> net.loss(IDX, LAB, 2, 4));
        assertEquals(net.params().size(), checked);
    }

    /**
     * With the embeddings and the lower blocks frozen (a fine-tune of the last block), the backward pass stops above
     * them: the gradients that train are the full pass's, to the bit, and the frozen ones are not computed (in float,
     * as training runs).
     */
    @ParameterizedTest(name = "tied head {0}")
    @ValueSource(booleans = {false, true})
    void aBackwardPassStopsAboveWhatIsFrozen(boolean tie) {
        TransformerNetwork full = new TransformerNetwork(5, 3, 2, 4, 4, 0.0, tie, 7, DataType.FLOAT);
        TransformerNetwork cut = new TransformerNetwork(5, 3, 2, 4, 4, 0.0, tie, 7, DataType.FLOAT);
        List<String> frozen = cut.params().names().stream()
                .filter(n -> n.startsWith("token-embedding") || n.startsWith("position-embedding")
                        || n.startsWith("block.0.") || n.startsWith("block.1.")).toList();
        cut.params().markFrozen(frozen);
        assertEquals(full.lossAndGradients(IDX, LAB, 2, 4, null), cut.lossAndGradients(IDX, LAB, 2, 4, null));
        int compared = 0;
        for (String name : full.params().names()) {
            float[] want = dev.nova.kit.nn.Buffers.floats(full.params().grad(name));
            float[] got = dev.nova.kit.nn.Buffers.floats(cut.params().grad(name));
            if (frozen.contains(name)) {
                if (name.startsWith("block.0.") && name.endsWith(".w")) {
                    assertEquals(0, java.util.stream.IntStream.range(0, got.length).filter(i -> got[i] != 0).count(),
                            name + " was not computed");
                }
            } else {
                assertArrayEquals(want, got, name);
                compared++;
            }
        }
        assertEquals(full.params().names().size() - frozen.size(), compared);
    }

    @Test
    void dropoutIsReproducibleAndOffInEvaluation() {
        TransformerNetwork net = new TransformerNetwork(5, 2, 2, 4, 4, 0.3, false, 7, DataType.DOUBLE);
        double a = net.lossAndGradients(IDX, LAB, 2, 4, Dropout.stream(new Random(1)));
        assertEquals(a, net.lossAndGradients(IDX, LAB, 2, 4, Dropout.stream(new Random(1))));
        assertEquals(net.loss(IDX, LAB, 2, 4), net.lossAndGradients(IDX, LAB, 2, 4, null), 1e-12);
    }

    /** Changing a later character never changes an earlier position's prediction. */
    @Test
    void theMaskIsCausal() {
        TransformerNetwork net = new TransformerNetwork(6, 2, 2, 8, 8, 0.0, false, 3, DataType.DOUBLE);
        int[] a = {1, 2, 3, 4, 5, 0};
        int[] b = {1, 2, 3, 0, 0, 5};
        for (int t = 1; t <= 3; t++) {
            assertArrayEquals(net.lastLogits(java.util.Arrays.copyOf(a, t)), lastAt(net, a, t), 1e-5f);
            assertArrayEquals(lastAt(net, a, t), lastAt(net, b, t), 1e-6f, "position " + (t - 1));
        }
    }

    /** The logits at position t - 1 from a forward pass over the whole sequence. */
    private static float[] lastAt(TransformerNetwork net, int[] seq, int t) {
        int vocab = 6;
        return java.util.Arrays.copyOfRange(net.allLogits(seq), (t - 1) * vocab, t * vocab);
    }

    /**
     * Greedy decoding with the key/value caches equals decoding that recomputes the whole window for every
     * character, past the context length too (the window slides the same way in both).
     */
    @Test
    void cachedSamplingEqualsFullRecomputation() {
        TransformerNetwork net = new TransformerNetwork(7, 2, 2, 8, 6, 0.0, false, 11);
        TransformerSnapshot.Stepper stepper = net.snapshot().stepper();
        List<Integer> cached = new ArrayList<>();
        List<Integer> recomputed = new ArrayList<>();
        float[] logits = stepper.step(3);
        int token = 3;
        for (int k = 0; k < 20; k++) {
            // Reference: the model over the stepper's current window, from scratch.
            int[] window = stepper.window().stream().mapToInt(Integer::intValue).toArray();
            float[] reference = net.lastLogits(window);
            assertArrayEquals(reference, logits, 1e-4f, "step " + k + ", window " + stepper.window());
            token = argmax(logits);
            cached.add(token);
            recomputed.add(argmax(reference));
            logits = stepper.step(token);
        }
        assertEquals(recomputed, cached);
    }

    /** A stepper reset after a sequence past the context (so after a window cut) starts over like a new one. */
    @Test
    void aResetStepperEqualsAFreshOne() {
        TransformerNetwork net = new TransformerNetwork(7, 2, 2, 8, 6, 0.0, false, 11);
        TransformerSnapshot weights = net.snapshot();
        TransformerSnapshot.Stepper used = weights.stepper();
        for (int k = 0; k < 15; k++) {
            used.step(k % 7);
        }
        used.reset();
        assertEquals(List.of(), used.window());
        TransformerSnapshot.Stepper fresh = weights.stepper();
        for (int k = 0; k < 10; k++) {
            int token = (3 * k + 1) % 7;
            assertArrayEquals(fresh.step(token), used.step(token), "step " + k);
        }
    }

    /**
     * Fixed parameters (a model restored for generation only) keep one snapshot for every request: the same object,
     * sampling as a fresh snapshot of unfixed parameters does, from steppers that do not share state. A model that can
     * still train gets a snapshot of its parameters as they are at each request.
     */
    @Test
    void fixedParametersShareOneSnapshotThatSamplesAsAFreshOne() {
        TransformerNetwork net = new TransformerNetwork(7, 2, 2, 8, 6, 0.0, false, 11);
        TransformerSnapshot fresh = net.snapshot();
        assertTrue(fresh != net.snapshot(), "a trainable model snapshots each request");
        net.params().fix();
        TransformerSnapshot shared = net.snapshot();
        assertTrue(shared == net.snapshot(), "one snapshot of fixed parameters");
        TransformerSnapshot.Stepper a = shared.stepper();
        TransformerSnapshot.Stepper b = shared.stepper();
        TransformerSnapshot.Stepper reference = fresh.stepper();
        for (int k = 0; k < 10; k++) {
            int token = (5 * k + 2) % 7;
            float[] expected = reference.step(token);
            assertArrayEquals(expected, a.step(token), "step " + k);
            assertArrayEquals(expected, b.step(token), "a second stepper of the shared snapshot, step " + k);
        }
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) {
            if (v[i] > v[best]) {
                best = i;
            }
        }
        return best;
    }
}
