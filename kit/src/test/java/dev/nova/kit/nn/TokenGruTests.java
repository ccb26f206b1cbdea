package dev.nova.kit.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nova.kit.tokens.Windows;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

class TokenGruTests {

    private static final Windows BATCH = new Windows(new int[][] {{0, 1}, {2, 3}, {4, 0}}, new int[][] {{1, 2}, {3, 4}, {0, 1}});

    /** The whole network's backward pass (embedding, two GRU layers, head, loss) against finite differences. */
    @Test
    void gradientsMatchFiniteDifferences() {
        TokenGru net = new TokenGru(5, 3, 2, 4, 0.0, 7, DataType.DOUBLE);
        net.lossAndGradients(BATCH, (Dropout.Masks) null);
        Map<String, INDArray> analytic = new LinkedHashMap<>();
        net.params().grads().forEach((k, v) -> analytic.put(k, v.dup()));
        int checked = GradientCheck.doubles().verify(net.params().params(), analytic, () -> net.loss(BATCH));
        assertEquals(net.params().size(), checked);
    }

    @Test
    void trainingLossEqualsEvaluationLossWithoutDropout() {
        TokenGru net = new TokenGru(5, 3, 2, 4, 0.0, 7, DataType.DOUBLE);
        assertEquals(net.loss(BATCH), net.lossAndGradients(BATCH, (Dropout.Masks) null), 1e-12);
    }

    /** Sampling carries the state forward: stepping through a sequence gives the sequence model's predictions. */
    @Test
    void steppingMatchesTheSequenceForward() {
        TokenGru net = new TokenGru(5, 3, 2, 4, 0.0, 7, DataType.DOUBLE);
        int[] seq = {0, 2, 4};
        int[] next = {1, 3, 0};
        TokenGru.Stepper stepper = net.snapshot().stepper();
        double loss = 0;
        for (int t = 0; t < seq.length; t++) {
            loss += nll(stepper.step(seq[t]), next[t]);
        }
        Windows w = new Windows(new int[][] {{0}, {2}, {4}}, new int[][] {{1}, {3}, {0}});
        assertEquals(net.loss(w), loss / seq.length, 1e-5);
    }

    @Test
    void dropoutIsReproducibleForTheSameRandomSourceAndChangesTheLoss() {
        TokenGru net = new TokenGru(5, 3, 2, 4, 0.5, 7, DataType.DOUBLE);
        double a = net.lossAndGradients(BATCH, Dropout.stream(new Random(3)));
        double b = net.lossAndGradients(BATCH, Dropout.stream(new Random(3)));
        assertEquals(a, b);
        assertTrue(Math.abs(a - net.loss(BATCH)) > 1e-9, "dropout is applied in training");
    }

    /**
     * Conditioning: inputs in two classes of five tokens (token + 5·class); the labels are tokens. Gradients of the
     * shared and the class embeddings against finite differences, and the class changes the predictions from the
     * first step on.
     */
    @Test
    void aConditionedNetworkTrainsOnItsClassesTokens() {
        TokenGru net = new TokenGru(10, 5, 3, 2, 4, 0.0, 7, DataType.DOUBLE);
        Windows conditioned = new Windows(new int[][] {{0, 6}, {2, 8}, {9, 5}}, new int[][] {{1, 7}, {3, 9}, {5, 6}});
        net.lossAndGradients(conditioned, (Dropout.Masks) null);
        Map<String, INDArray> analytic = new LinkedHashMap<>();
        net.params().grads().forEach((k, v) -> analytic.put(k, v.dup()));
        int checked = GradientCheck.doubles().verify(net.params().params(), analytic, () -> net.loss(conditioned));
        assertEquals(net.params().size(), checked);
        float[] none0 = net.snapshot().stepper().step(2);
        assertTrue(java.util.Arrays.equals(none0, net.snapshot().stepper().step(2 + 5)),
                "the class embedding starts at zero: a conditioned network starts as the plain one");
        net.params().get("class-embedding").getRow(1).addi(0.5);
        float[] class0 = net.snapshot().stepper().step(2);
        float[] class1 = net.snapshot().stepper().step(2 + 5);
        assertEquals(5, class0.length, "the outputs are the tokens, not the tokens of every class");
        assertTrue(!java.util.Arrays.equals(class0, class1), "the class reaches the first step");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> new TokenGru(12, 5, 3, 2, 4, 0.0, 7, DataType.DOUBLE));
    }

    /**
     * Warm-up: a held-out window after the first starts from the state the network reaches over the tokens before it,
     * so its loss is what stepping through those tokens and then the window gives; without warm-up, the zero state's.
     */
    @Test
    void aWarmedUpWindowScoresAsIfTheNetworkHadReadTheTokensBeforeIt() {
        TokenGru net = new TokenGru(5, 3, 2, 4, 0.0, 7, DataType.DOUBLE);
        int[] tokens = {0, 3, 1, 4, 2, 2, 0, 1, 3, 4, 0, 2};
        int time = 3;
        double warm = net.heldOutLoss(tokens, time, 2, 1, 4).meanNats();
        double cold = net.heldOutLoss(tokens, time, 2, 1, 0).meanNats();
        // window 0 at offset 0 (nothing before it), window 1 at offset 4 (4 tokens before it)
        double expected = (stepped(net, tokens, 0, 0, time) + stepped(net, tokens, 0, 4, time)) / (2 * time);
        assertEquals(expected, warm, 1e-5);
        assertEquals((stepped(net, tokens, 0, 0, time) + stepped(net, tokens, 4, 4, time)) / (2 * time), cold, 1e-5);
        assertTrue(Math.abs(warm - cold) > 1e-6, "the warm-up changed nothing");
    }

    /** The summed loss of the {@code time} tokens after {@code offset}, stepping from {@code start}. */
    private static double stepped(TokenGru net, int[] tokens, int start, int offset, int time) {
        TokenGru.Stepper stepper = net.snapshot().stepper();
        for (int k = start; k < offset; k++) {
            stepper.step(tokens[k]);
        }
        double loss = 0;
        for (int k = offset; k < offset + time; k++) {
            loss += nll(stepper.step(tokens[k]), tokens[k + 1]);
        }
        return loss;
    }

    /** The negative log-probability of {@code label} under the softmax of {@code logits}. */
    private static double nll(float[] logits, int label) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double sum = 0;
        for (float v : logits) {
            sum += Math.exp(v - max);
        }
        return -(logits[label] - max - Math.log(sum));
    }

    /**
     * A model restored only to generate reads its parameters in Java alone against the network's layout, and samples
     * from a snapshot of those values: the same layout the constructor registers, the same logits to the bit.
     */
    @Test
    void theLayoutIsTheNetworksAndItsValuesSampleAsTheNetworkDoes() throws java.io.IOException {
        for (int classes : new int[] {1, 3}) {
            TokenGru net = new TokenGru(5 * classes, 5, 3, 2, 4, 0.0, 7, DataType.FLOAT);
            TokenGru.Shape shape = new TokenGru.Shape(3, 2, 4);
            assertEquals(ParamLayout.of(net.params()), TokenGru.layout(5 * classes, 5, shape));
            if (classes > 1) {
                net.params().get("class-embedding").getRow(1).addi(0.25);
                net.params().get("class-embedding").getRow(2).subi(0.5);
            }
            java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
            net.params().write(new java.io.DataOutputStream(bytes));
            java.io.DataInputStream in = new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()));
            Map<String, float[]> values = TokenGru.layout(5 * classes, 5, shape).read(in);
            assertEquals(-1, in.read());
            TokenGru.Stepper ours = TokenGru.snapshot(values, 5 * classes, 5, shape).stepper();
            TokenGru.Stepper network = net.snapshot().stepper();
            int[] tokens = {0, 3, 1, 4, 2, 2, 0, 1};
            for (int k = 0; k < tokens.length; k++) {
                int token = tokens[k] + 5 * (k % classes);
                assertTrue(java.util.Arrays.equals(network.step(token), ours.step(token)),
                        classes + " classes, step " + k);
            }
        }
        IllegalArgumentException twice = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> ParamLayout.empty().with("w", 1, 2).with("w", 2, 1));
        assertEquals("parameter w is already defined", twice.getMessage());
    }
}
