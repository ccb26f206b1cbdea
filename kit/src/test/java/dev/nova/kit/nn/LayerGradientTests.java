package dev.nova.kit.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.function.DoubleSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Every layer's backward pass against central finite differences in double precision, through a fixed random
 * projection of its output (so every output value carries a different weight).
 */
class LayerGradientTests {

    private static double[] randoms(int n, long seed) {
        Random r = new Random(seed);
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = r.nextGaussian();
        }
        return v;
    }

    /** {@code Σ c_i y_i}: its gradient with respect to y is c. */
    private static double project(INDArray y, double[] c) {
        double[] v = Buffers.doubles(y);
        double s = 0;
        for (int i = 0; i < v.length; i++) {
            s += c[i] * v[i];
        }
        return s;
    }

    private static Map<String, INDArray> copy(Map<String, INDArray> m) {
        Map<String, INDArray> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v.dup()));
        return out;
    }

    @ParameterizedTest
    @EnumSource(Activation.class)
    void denseMatchesFiniteDifferencesForEveryActivation(Activation activation) {
        ParamSet p = new ParamSet(DataType.DOUBLE, 3);
        Dense d = new Dense(p, "d", 4, 3, activation);
        INDArray x = Buffers.matrix(DataType.DOUBLE, randoms(20, 1), 5, 4);
        double[] c = randoms(15, 2);
        d.forward(x);
        INDArray dx = d.backward(Buffers.matrix(DataType.DOUBLE, c, 5, 3), true).dup();
        Map<String, INDArray> arrays = new LinkedHashMap<>(p.params());
        arrays.put("x", x);
        Map<String, INDArray> analytic = copy(p.grads());
        analytic.put("x", dx);
        DoubleSupplier loss = () -> project(d.forward(x), c);
        assertEquals(12 + 3 + 20, GradientCheck.doubles().verify(arrays, analytic, loss));
    }

    /**
     * The float layer (bias, activation and the bias gradient in Java, part by part) follows the double path that
     * the test above verifies, at a size split into several parts of whole rows (and a last part shorter than the
     * others), for every activation.
     */
    @ParameterizedTest
    @EnumSource(Activation.class)
    void floatDenseFollowsTheCheckedDoublePath(Activation activation) {
        assertTrue(131 * 300 > 2 * Parallel.GRAIN, "several parts");
        floatDenseFollowsTheDoublePath(activation, 131, 7, 300);
    }

    /** Rows enough that the parts are bounded by their count, not by their size (a large layer's split). */
    @Test
    void aLargeFloatDenseFollowsTheCheckedDoublePath() {
        assertTrue(301 / 4 > 64, "more rows than 64 parts of Parallel.GRAIN values hold");
        floatDenseFollowsTheDoublePath(Activation.RELU, 301, 3, Parallel.GRAIN / 4);
    }

    private static void floatDenseFollowsTheDoublePath(Activation activation, int batch, int in, int out) {
        ParamSet pd = new ParamSet(DataType.DOUBLE, 3);
        Dense dd = new Dense(pd, "d", in, out, activation);
        ParamSet pf = ParamSet.floats(4);
        Dense df = new Dense(pf, "d", in, out, activation);
        for (String name : pd.names()) {
            pf.get(name).assign(pd.get(name).castTo(DataType.FLOAT));
        }
        double[] x = randoms(batch * in, 1);
        double[] c = randoms(batch * out, 2);
        assertClose(Buffers.doubles(dd.forward(Buffers.matrix(DataType.DOUBLE, x, batch, in))),
                Buffers.doubles(df.forward(Buffers.matrix(DataType.FLOAT, x, batch, in))), "output");
        assertClose(Buffers.doubles(dd.backward(Buffers.matrix(DataType.DOUBLE, c, batch, out), true)),
                Buffers.doubles(df.backward(Buffers.matrix(DataType.FLOAT, c, batch, out), true)), "input gradient");
        for (String name : pd.names()) {
            assertClose(Buffers.doubles(pd.grad(name)), Buffers.doubles(pf.grad(name)), name + " gradient");
        }
    }

    @Test
    void layerNormMatchesFiniteDifferences() {
        ParamSet p = new ParamSet(DataType.DOUBLE, 3);
        LayerNorm ln = new LayerNorm(p, "ln", 6);
        // Non-trivial γ and β, so their gradients and the input's are all exercised.
        Buffers.write(randoms(6, 11), p.get("ln.g"));
        Buffers.write(randoms(6, 12), p.get("ln.b"));
        INDArray x = Buffers.matrix(DataType.DOUBLE, randoms(30, 1), 5, 6);
        double[] c = randoms(30, 2);
        ln.forward(x);
        INDArray dx = ln.backward(Buffers.matrix(DataType.DOUBLE, c, 5, 6)).dup();
        Map<String, INDArray> arrays = new LinkedHashMap<>(p.params());
        arrays.put("x", x);
        Map<String, INDArray> analytic = copy(p.grads());
        analytic.put("x", dx);
        assertEquals(6 + 6 + 30, GradientCheck.doubles().verify(arrays, analytic, () -> project(ln.forward(x), c)));
        double[] y = Buffers.doubles(ln.forward(x));
        assertEquals(5 * 6, y.length);
    }

    @Test
    void causalSelfAttentionMatchesFiniteDifferences() {
        ParamSet p = new ParamSet(DataType.DOUBLE, 5);
        CausalSelfAttention a = new CausalSelfAttention(p, "att", 6, 2, Init.gaussian(0.5), Init.uniform(0.1));
        int batch = 2;
        int time = 4;
        INDArray x = Buffers.matrix(DataType.DOUBLE, randoms(batch * time * 6, 1), batch * time, 6);
        double[] c = randoms(batch * time * 6, 2);
        a.forward(x, batch, time);
        INDArray dx = a.backward(Buffers.matrix(DataType.DOUBLE, c, batch * time, 6)).dup();
        Map<String, INDArray> arrays = new LinkedHashMap<>(p.params());
        arrays.put("x", x);
        Map<String, INDArray> analytic = copy(p.grads());
        analytic.put("x", dx);
        assertEquals(p.size() + x.length(), GradientCheck.doubles().verify(arrays, analytic,
                () -> project(a.forward(x, batch, time), c)));
    }

    /**
     * The float path (kernels of its own: {@link FloatMath#exp} in the softmax) against the double path the check
     * above verifies, same parameters, at a size where every row length and a head width that is not a multiple of
     * a vector occur.
     */
    @Test
    void floatAttentionFollowsTheCheckedDoublePath() {
        int width = 12;
        int batch = 3;
        int time = 19;
        ParamSet pd = new ParamSet(DataType.DOUBLE, 5);
        CausalSelfAttention ad = new CausalSelfAttention(pd, "att", width, 2, Init.gaussian(0.5), Init.uniform(0.1));
        ParamSet pf = ParamSet.floats(6);
        CausalSelfAttention af = new CausalSelfAttention(pf, "att", width, 2, Init.gaussian(0.5), Init.uniform(0.1));
        for (String name : pd.names()) {
            pf.get(name).assign(pd.get(name).castTo(DataType.FLOAT));
        }
        double[] x = randoms(batch * time * width, 7);
        double[] c = randoms(batch * time * width, 8);
        double[] yd = Buffers.doubles(ad.forward(Buffers.matrix(DataType.DOUBLE, x, batch * time, width), batch, time));
        double[] yf = Buffers.doubles(af.forward(Buffers.matrix(DataType.FLOAT, x, batch * time, width), batch, time));
        assertClose(yd, yf, "output");
        assertClose(Buffers.doubles(ad.backward(Buffers.matrix(DataType.DOUBLE, c, batch * time, width))),
                Buffers.doubles(af.backward(Buffers.matrix(DataType.FLOAT, c, batch * time, width))), "input gradient");
        for (String name : pd.names()) {
            assertClose(Buffers.doubles(pd.grad(name)), Buffers.doubles(pf.grad(name)), name + " gradient");
        }
    }

    /** Within float's rounding: 1e-5 of the largest magnitude. */
    private static void assertClose(double[] expected, double[] actual, String what) {
        assertEquals(expected.length, actual.length, what);
        double scale = 0;
        for (double v : expected) {
            scale = Math.max(scale, Math.abs(v));
        }
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], 1e-5 * Math.max(1, scale), what + " [" + i + "]");
        }
    }

    /** A position never sees a later one: changing the last input changes only the last output. */
    @Test
    void attentionIsCausalAndTheCacheEqualsTheSequenceForward() {
        ParamSet p = new ParamSet(DataType.DOUBLE, 5);
        CausalSelfAttention a = new CausalSelfAttention(p, "att", 8, 2, Init.gaussian(0.5), Init.uniform(0.1));
        int time = 5;
        double[] xs = randoms(time * 8, 3);
        double[] before = Buffers.doubles(a.forward(Buffers.matrix(DataType.DOUBLE, xs, time, 8), 1, time));
        double[] changed = xs.clone();
        for (int j = 0; j < 8; j++) {
            changed[(time - 1) * 8 + j] += 1;
        }
        double[] after = Buffers.doubles(a.forward(Buffers.matrix(DataType.DOUBLE, changed, time, 8), 1, time));
        for (int i = 0; i < (time - 1) * 8; i++) {
            assertEquals(before[i], after[i], 1e-12, "position " + i / 8 + " saw a later position");
        }
        AttentionSnapshot.Cache cache = a.snapshot().cache(time);
        for (int t = 0; t < time; t++) {
            float[] in = new float[8];
            for (int j = 0; j < 8; j++) {
                in[j] = (float) xs[t * 8 + j];
            }
            float[] out = cache.step(in);
            for (int j = 0; j < 8; j++) {
                assertEquals(before[t * 8 + j], out[j], 1e-4, "position " + t);
            }
        }
    }

    @Test
    void embeddingSumsTheGradientsOfRepeatedTokens() {
        ParamSet p = new ParamSet(DataType.DOUBLE, 3);
        Embedding e = new Embedding(p, "emb", 4, 3);
        int[] tokens = {2, 0, 2, 3};
        double[] c = randoms(12, 5);
        e.forward(tokens);
        e.backward(tokens, Buffers.matrix(DataType.DOUBLE, c, 4, 3));
        GradientCheck.doubles().verify(p.params(), copy(p.grads()), () -> project(e.forward(tokens), c));
        assertEquals(0.0, p.grad("emb").getDouble(1, 0), "token 1 never appears");
    }

    @Test
    void gruMatchesFiniteDifferencesIncludingItsInputAndInitialState() {
        int time = 3;
        int batch = 2;
        int hidden = 4;
        ParamSet p = new ParamSet(DataType.DOUBLE, 7);
        Gru g = new Gru(p, "g.", 3, hidden, 2, 0.0);
        INDArray x = Buffers.matrix(DataType.DOUBLE, randoms(time * batch * 3, 1), (long) time * batch, 3);
        double[][] h0 = {randoms(batch * hidden, 8), randoms(batch * hidden, 9)};
        INDArray h0a = Buffers.matrix(DataType.DOUBLE, h0[0], 1, batch * hidden);
        INDArray h0b = Buffers.matrix(DataType.DOUBLE, h0[1], 1, batch * hidden);
        double[] c = randoms(time * batch * hidden, 2);
        DoubleSupplier loss = () -> project(g.forward(x, time, batch,
                new double[][] {Buffers.doubles(h0a), Buffers.doubles(h0b)}, (Dropout.Masks) null), c);
        loss.getAsDouble();
        INDArray dx = g.backward(Buffers.matrix(DataType.DOUBLE, c, (long) time * batch, hidden), true).dup();
        Map<String, INDArray> arrays = new LinkedHashMap<>(p.params());
        arrays.put("x", x);
        arrays.put("h0[0]", h0a);
        arrays.put("h0[1]", h0b);
        Map<String, INDArray> analytic = copy(p.grads());
        analytic.put("x", dx);
        analytic.put("h0[0]", Buffers.matrix(DataType.DOUBLE, g.initialGradient()[0], 1, batch * hidden));
        analytic.put("h0[1]", Buffers.matrix(DataType.DOUBLE, g.initialGradient()[1], 1, batch * hidden));
        int checked = GradientCheck.doubles().verify(arrays, analytic, loss);
        assertEquals(p.size() + x.length() + 2L * batch * hidden, checked);
    }

    /** Reading an embedding through the first layer's table gives the same states and gradients as feeding it. */
    @Test
    void gruOverAnEmbeddingEqualsGruOverItsLookups() {
        int time = 4;
        int batch = 3;
        int[] tokens = {0, 3, 2, 2, 1, 0, 4, 4, 4, 3, 1, 2};
        double[] c = randoms(time * batch * 5, 6);
        double[][] results = new double[2][];
        for (int fused = 0; fused < 2; fused++) {
            ParamSet p = new ParamSet(DataType.DOUBLE, 11);
            Embedding e = new Embedding(p, "emb", 5, 3);
            Gru g = new Gru(p, "", 3, 5, 2, 0.0);
            INDArray top = fused == 1 ? g.forward(e, tokens, time, batch, null, (Dropout.Masks) null)
                    : g.forward(e.forward(tokens), time, batch, null, (Dropout.Masks) null);
            double loss = project(top, c);
            INDArray dTop = Buffers.matrix(DataType.DOUBLE, c, (long) time * batch, 5);
            if (fused == 1) {
                g.backward(dTop, false);
            } else {
                e.backward(tokens, g.backward(dTop, true));
            }
            double[] all = new double[(int) p.size() + 1];
            int o = 0;
            for (INDArray a : p.grads().values()) {
                double[] v = Buffers.doubles(a);
                System.arraycopy(v, 0, all, o, v.length);
                o += v.length;
            }
            all[o] = loss;
            results[fused] = all;
        }
        for (int i = 0; i < results[0].length; i++) {
            assertEquals(results[0][i], results[1][i], 1e-12, "entry " + i);
        }
    }

    @Test
    void gruStepperEqualsTheSequenceForward() {
        ParamSet p = new ParamSet(DataType.DOUBLE, 7);
        Gru g = new Gru(p, "", 3, 4, 2, 0.0);
        double[] xs = randoms(5 * 3, 4);
        INDArray top = g.forward(Buffers.matrix(DataType.DOUBLE, xs, 5, 3), 5, 1, null, (Dropout.Masks) null);
        double[] expected = Buffers.doubles(top);
        GruSnapshot.Stepper s = g.snapshot().stepper();
        for (int t = 0; t < 5; t++) {
            float[] x = new float[3];
            for (int k = 0; k < 3; k++) {
                x[k] = (float) xs[t * 3 + k];
            }
            float[] h = s.step(x);
            for (int j = 0; j < 4; j++) {
                assertEquals(expected[t * 4 + j], h[j], 1e-5, "step " + t + " unit " + j);
            }
        }
    }

    @Test
    void gruDropoutMasksAreDrawnFromTheGivenSourceAndScaleKeptValues() {
        double[] m = Dropout.mask(new Random(1), 0.25, 1000);
        long kept = java.util.Arrays.stream(m).filter(v -> v != 0).count();
        assertTrue(kept > 700 && kept < 800, "kept " + kept);
        assertTrue(java.util.Arrays.stream(m).allMatch(v -> v == 0 || Math.abs(v - 1 / 0.75) < 1e-12));
        assertEquals(java.util.Arrays.toString(m), java.util.Arrays.toString(Dropout.mask(new Random(1), 0.25, 1000)));
    }

    @Test
    void aWrongGradientFailsTheCheckNamingTheEntry() {
        ParamSet p = new ParamSet(DataType.DOUBLE, 3);
        Dense d = new Dense(p, "d", 2, 2, Activation.TANH);
        INDArray x = Buffers.matrix(DataType.DOUBLE, randoms(4, 1), 2, 2);
        double[] c = randoms(4, 2);
        d.forward(x);
        d.backward(Buffers.matrix(DataType.DOUBLE, c, 2, 2), false);
        Map<String, INDArray> analytic = copy(p.grads());
        analytic.get("d.w").putScalar(3, analytic.get("d.w").getDouble(3) * 1.01);
        AssertionError e = assertThrows(AssertionError.class,
                () -> GradientCheck.doubles().verify(p.params(), analytic, () -> project(d.forward(x), c)));
        assertTrue(e.getMessage().contains("d.w[3]"), e.getMessage());
    }
}
