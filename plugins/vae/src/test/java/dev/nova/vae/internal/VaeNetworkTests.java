package dev.nova.vae.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The hand-written backward pass against finite differences of the forward pass. */
class VaeNetworkTests {

    private static double loss(VaeNetwork net, float[] x, int batch) {
        return net.lossAndGradients(x, batch, new Random(42), 0.7)[0];
    }

    @ParameterizedTest(name = "{0}, {1}")
    @CsvSource({"tanh, bernoulli", "leaky-relu, bernoulli", "tanh, gaussian"})
    void gradientsMatchFiniteDifferences(String activation, String likelihood) {
        int dim = 6;
        int batch = 3;
        VaeNetwork net = new VaeNetwork(dim, List.of(5), 2, List.of(4), activation, likelihood, 0.5, 11);
        Random r = new Random(3);
        float[] x = new float[batch * dim];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat();
        }
        net.lossAndGradients(x, batch, new Random(42), 0.7);
        Map<String, INDArray> grads = net.gradients();
        java.util.Map<String, INDArray> analytic = new java.util.LinkedHashMap<>();
        grads.forEach((k, v) -> analytic.put(k, v.dup()));
        double h = 1e-2;
        int checked = 0;
        for (var e : net.params().entrySet()) {
            INDArray p = e.getValue();
            for (long i = 0; i < p.length(); i += Math.max(1, p.length() / 4)) {
                double old = p.getDouble(i);
                p.putScalar(i, old + h);
                double up = loss(net, x, batch);
                p.putScalar(i, old - h);
                double down = loss(net, x, batch);
                p.putScalar(i, old);
                double numeric = (up - down) / (2 * h);
                double ana = analytic.get(e.getKey()).getDouble(i);
                assertEquals(numeric, ana, 2e-2 * Math.max(1, Math.abs(numeric)),
                        e.getKey() + "[" + i + "]: finite difference " + numeric + ", backward " + ana);
                checked++;
            }
        }
        assertTrue(checked > 30, "checked " + checked + " entries");
    }

    @org.junit.jupiter.api.Test
    void theLossIsReconstructionPlusWeightedKl() {
        VaeNetwork net = new VaeNetwork(4, List.of(3), 2, List.of(3), "relu", "bernoulli", 0.1, 5);
        float[] x = {0, 1, 0.5f, 0.25f, 1, 1, 0, 0};
        double[] parts = net.lossAndGradients(x, 2, new Random(1), 0.3);
        assertEquals(parts[1] + 0.3 * parts[2], parts[0], 1e-9);
        assertTrue(parts[1] > 0 && parts[2] >= 0, "BCE and KL are non-negative: " + java.util.Arrays.toString(parts));
    }
}
