package dev.nova.kit.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nova.kit.nn.Buffers;
import dev.nova.kit.nn.Init;
import dev.nova.kit.nn.ParamSet;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class AdamTests {

    private static ParamSet params() {
        ParamSet p = ParamSet.floats(1);
        p.add("w", 2, 3, Init.uniform(1));
        return p;
    }

    private static void gradient(ParamSet p, float scale) {
        float[] g = new float[6];
        for (int i = 0; i < 6; i++) {
            g[i] = (i - 2.5f) * scale;
        }
        Buffers.write(g, p.grad("w"));
    }

    /** Two steps of AdamW against PyTorch's update rule written out in double precision. */
    @Test
    void followsPyTorchsAdamWUpdate() {
        TrainSettings s = new TrainSettings("adamw", 0.1, 0, 0, 0, 0, 0.01);
        ParamSet p = params();
        double[] w = Buffers.doubles(p.get("w"));
        double[] m = new double[6];
        double[] v = new double[6];
        Adam adam = new Adam(s, p);
        for (int step = 0; step < 2; step++) {
            gradient(p, step + 1);
            adam.apply(step);
            int t = step + 1;
            for (int i = 0; i < 6; i++) {
                double g = (i - 2.5) * (step + 1);
                w[i] *= 1 - 0.1 * 0.01;
                m[i] = 0.9 * m[i] + 0.1 * g;
                v[i] = 0.999 * v[i] + 0.001 * g * g;
                double mHat = m[i] / (1 - Math.pow(0.9, t));
                double vHat = v[i] / (1 - Math.pow(0.999, t));
                w[i] -= 0.1 * mHat / (Math.sqrt(vHat) + 1e-8);
            }
        }
        double[] actual = Buffers.doubles(p.get("w"));
        for (int i = 0; i < 6; i++) {
            assertEquals(w[i], actual[i], 1e-5, "w[" + i + "]");
        }
    }

    @Test
    void weightDecayLeavesBiasesAlone() {
        ParamSet p = ParamSet.floats(1);
        p.add("w", 2, 2, r -> 1);
        p.add("b", 1, 2, r -> 1);
        new Adam(new TrainSettings("adamw", 0.1, 0, 0, 0, 0, 0.5), p).apply(0);
        assertEquals(1 - 0.1 * 0.5, p.get("w").getDouble(0), 1e-6, "the matrix decays (zero gradient, no Adam step)");
        assertEquals(1.0, p.get("b").getDouble(0), 1e-6, "the bias does not");
    }

    @Test
    void clipsTheGlobalNormAndReportsItBeforeClipping() {
        ParamSet p = params();
        gradient(p, 100);
        double norm = new Adam(new TrainSettings("adam", 0.1, 0, 0, 0, 1.0, 0), p).apply(0);
        assertEquals(Math.sqrt(17.5) * 100, norm, 1e-2);
    }

    @Test
    void scheduleWarmsUpThenDecaysToTheFloor() {
        TrainSettings s = new TrainSettings("adam", 1.0, 10, 110, 0.1, 0, 0);
        assertEquals(0.1, s.learningRate(0), 1e-12);
        assertEquals(1.0, s.learningRate(9), 1e-12);
        assertEquals(1.0, s.learningRate(10), 1e-12);
        assertEquals(0.55, s.learningRate(60), 1e-12);
        assertEquals(0.1, s.learningRate(110), 1e-12);
        assertEquals(0.1, s.learningRate(1000), 1e-12);
        assertThrows(IllegalArgumentException.class, () -> new TrainSettings("sgd", 1, 0, 0, 0, 0, 0));
    }

    /** Saving and restoring the moments continues exactly where an uninterrupted optimiser would be. */
    @Test
    void momentsRoundTripExactly() throws IOException {
        TrainSettings s = new TrainSettings("adam", 0.05, 0, 0, 0, 0, 0);
        ParamSet a = params();
        Adam adamA = new Adam(s, a);
        gradient(a, 1);
        adamA.apply(0);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        a.write(out);
        adamA.write(out);
        gradient(a, 2);
        adamA.apply(1);

        ParamSet b = params();
        Adam adamB = new Adam(s, b);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        b.read(in);
        adamB.read(in);
        gradient(b, 2);
        adamB.apply(1);
        assertArrayEquals(Buffers.floats(a.get("w")), Buffers.floats(b.get("w")));
    }

    /**
     * A parameter of several parts (its moments kept a part per update, the last shorter) steps as in one piece:
     * saved after a step and restored, it continues exactly; its moments are written as one array of its shape.
     */
    @Test
    void aParameterOfSeveralPartsStepsAndRoundTripsExactly() throws IOException {
        TrainSettings s = new TrainSettings("adam", 0.01, 0, 0, 0, 0, 0);
        int rows = 5;
        int cols = 7001;                                      // 35,005 values: parts of 16,384, 16,384 and 2,237
        ParamSet a = ParamSet.floats(1);
        a.add("w", rows, cols, Init.uniform(1));
        ParamSet b = ParamSet.floats(1);
        b.add("w", rows, cols, Init.uniform(1));
        float[] g = new float[rows * cols];
        for (int i = 0; i < g.length; i++) {
            g[i] = (float) Math.sin(i * 0.37);
        }
        Adam adamA = new Adam(s, a);
        Buffers.write(g, a.grad("w"));
        adamA.apply(0);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        a.write(out);
        adamA.write(out);
        Adam adamB = new Adam(s, b);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        b.read(in);
        adamB.read(in);
        for (int step = 1; step < 3; step++) {
            for (int i = 0; i < g.length; i++) {
                g[i] = (float) Math.cos(i * 0.11 + step);
            }
            Buffers.write(g, a.grad("w"));
            Buffers.write(g, b.grad("w"));
            assertEquals(adamA.apply(step), adamB.apply(step));
        }
        assertArrayEquals(Buffers.floats(a.get("w")), Buffers.floats(b.get("w")));
        // The first moment after one step is (1 - beta1) g, written as one array of the parameter's shape.
        DataInputStream moments = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        ParamSet c = ParamSet.floats(1);
        c.add("w", rows, cols, Init.uniform(1));
        c.read(moments);
        float[] m = new float[rows * cols];
        ParamSet.readArray(moments, c.get("w"), m, "first moment");
        for (int i = 0; i < m.length; i += 997) {
            assertEquals(0.1f * (float) Math.sin(i * 0.37), m[i], 1e-6f, "value " + i);
        }
    }

    @Test
    void aParameterOfAnotherShapeIsRefusedByName() throws IOException {
        ParamSet p = params();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        p.write(new DataOutputStream(bytes));
        ParamSet other = ParamSet.floats(1);
        other.add("w", 3, 2, Init.zeros());
        IOException e = assertThrows(IOException.class,
                () -> other.read(new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()))));
        assertTrue(e.getMessage().contains("parameter w has shape [2, 3]"), e.getMessage());
    }

    /**
     * A parameter frozen before the first update keeps no moments (a fine-tune of a large model's last blocks): its
     * moments are written as the zeros they are, byte for byte what an optimiser that held them writes, and the update
     * of the others is the same.
     */
    @Test
    void aParameterFrozenBeforeItMovedKeepsNoMomentsAndWritesZeros() throws IOException {
        TrainSettings s = new TrainSettings("adam", 0.1, 0, 0, 0, 0, 0);
        ParamSet a = ParamSet.floats(1);
        a.add("w", 2, 3, Init.uniform(1));
        a.add("x", 4, 5, Init.uniform(1));
        ParamSet b = ParamSet.floats(1);
        b.add("w", 2, 3, Init.uniform(1));
        b.add("x", 4, 5, Init.uniform(1));
        Adam frozen = new Adam(s, a);
        frozen.freeze(java.util.List.of("x"));
        assertTrue(a.isFrozen("x") && !a.isFrozen("w"));
        Adam still = new Adam(s, b);                       // x's gradient zero: its moments stay zero
        for (int step = 0; step < 2; step++) {
            gradient(a, step + 1);
            gradient(b, step + 1);
            Buffers.write(new float[20], b.grad("x"));
            frozen.apply(step);
            still.apply(step);
        }
        ByteArrayOutputStream fromFrozen = new ByteArrayOutputStream();
        frozen.write(new DataOutputStream(fromFrozen));
        ByteArrayOutputStream fromStill = new ByteArrayOutputStream();
        still.write(new DataOutputStream(fromStill));
        assertArrayEquals(fromStill.toByteArray(), fromFrozen.toByteArray());
        assertArrayEquals(Buffers.floats(b.get("w")), Buffers.floats(a.get("w")));

        Adam back = new Adam(s, a);
        back.read(new DataInputStream(new ByteArrayInputStream(fromFrozen.toByteArray())));
        ByteArrayOutputStream again = new ByteArrayOutputStream();
        back.write(new DataOutputStream(again));
        assertArrayEquals(fromFrozen.toByteArray(), again.toByteArray());
    }
}
