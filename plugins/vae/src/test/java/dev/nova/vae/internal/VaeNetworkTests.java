package dev.nova.vae.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nova.kit.nn.GradientCheck;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The whole network's backward pass (encoder, reparameterisation, KL, decoder, likelihood) against finite differences. */
class VaeNetworkTests {

    private static double loss(VaeNetwork net, float[] x, int batch) {
        return net.lossAndGradients(x, batch, i -> new Random(42 + i), 0.7)[0];
    }

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"tanh, bernoulli", "leaky-relu, bernoulli", "relu, bernoulli", "tanh, gaussian"})
    void gradientsMatchFiniteDifferencesInDoublePrecision(String activation, String likelihood) {
        int dim = 6;
        int batch = 3;
        VaeNetwork net = new VaeNetwork(dim, List.of(5), 2, List.of(4), activation, likelihood, 0.5, 11, DataType.DOUBLE);
        Random r = new Random(3);
        float[] x = new float[batch * dim];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat();
        }
        loss(net, x, batch);
        Map<String, INDArray> analytic = new LinkedHashMap<>();
        net.params().grads().forEach((k, v) -> analytic.put(k, v.dup()));
        int checked = GradientCheck.doubles().verify(net.params().params(), analytic, () -> loss(net, x, batch));
        assertEquals(net.params().size(), checked);
    }

    @Test
    void theLossIsReconstructionPlusWeightedKl() {
        VaeNetwork net = new VaeNetwork(4, List.of(3), 2, List.of(3), "relu", "bernoulli", 0.1, 5);
        float[] x = {0, 1, 0.5f, 0.25f, 1, 1, 0, 0};
        double[] parts = net.lossAndGradients(x, 2, i -> new Random(1 + i), 0.3);
        assertEquals(parts[1] + 0.3 * parts[2], parts[0], 1e-9);
        assertTrue(parts[1] > 0 && parts[2] >= 0, "BCE and KL are non-negative: " + java.util.Arrays.toString(parts));
    }
}
