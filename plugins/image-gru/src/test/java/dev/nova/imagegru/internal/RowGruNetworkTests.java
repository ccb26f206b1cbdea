package dev.nova.imagegru.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.nova.kit.nn.GradientCheck;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/** The whole network's backward pass (encoder, draw, KL, initial state, GRU over rows, head) in double precision. */
class RowGruNetworkTests {

    @ParameterizedTest(name = "encoder {0}, classes {1}, layers {2}")
    @CsvSource({"true, 2, 1", "true, 0, 2", "false, 3, 2"})
    void gradientsMatchFiniteDifferences(boolean encoder, int classes, int layers) {
        int size = 4;
        int batch = 3;
        RowGruNetwork net = new RowGruNetwork(size, classes, 2, 3, layers, encoder, List.of(5), "tanh", 11, DataType.DOUBLE);
        Random r = new Random(3);
        float[] x = new float[batch * size * size];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextFloat();
        }
        int[] labels = {0, Math.min(1, Math.max(0, classes - 1)), 0};
        net.lossAndGradients(x, labels, batch, i -> new Random(42 + i), 0.7);
        Map<String, INDArray> analytic = new LinkedHashMap<>();
        net.params().grads().forEach((k, v) -> analytic.put(k, v.dup()));
        int checked = GradientCheck.doubles().verify(net.params().params(), analytic,
                () -> net.lossAndGradients(x, labels, batch, i -> new Random(42 + i), 0.7)[0]);
        assertEquals(net.params().size(), checked);
    }
}
