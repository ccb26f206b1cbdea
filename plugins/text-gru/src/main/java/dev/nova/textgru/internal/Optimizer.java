package dev.nova.textgru.internal;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Adam or AdamW with PyTorch's update rule, global-norm gradient clipping and a scheduled learning rate, applied
 * to the network's parameters. Its moments are part of the checkpoint, so resume is exact. It keeps the master
 * copy of the parameters (the network's arrays are written from it after each update, and read back into it on
 * restore): nothing else changes them.
 *
 * <p>The update runs in Java over bulk copies, split across the cores: at the parity size (267 k parameters) one
 * ND4J op per Adam term cost 7.2 ms a step, a tenth of the step; the fused loop costs well under 1 ms. The same
 * update as the vae plugin's (plugins share only the SPI, so each carries its own).
 */
public final class Optimizer {

    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPS = 1e-8;

    private final Settings settings;
    private final List<String> names;
    private final List<INDArray> params;
    private final List<float[]> m = new ArrayList<>();
    private final List<float[]> v = new ArrayList<>();
    private final List<float[]> p = new ArrayList<>();
    private final List<float[]> g = new ArrayList<>();

    /**
     * Creates an optimiser with zero moments.
     *
     * @param settings learning rate, schedule, clipping and decay
     * @param params the parameters it updates in place
     */
    public Optimizer(Settings settings, Map<String, INDArray> params) {
        this.settings = settings;
        this.names = List.copyOf(params.keySet());
        this.params = List.copyOf(params.values());
        for (INDArray a : this.params) {
            int n = (int) a.length();
            m.add(new float[n]);
            v.add(new float[n]);
            float[] master = new float[n];
            read(a, master);
            p.add(master);
            g.add(new float[n]);
        }
    }

    /**
     * Applies one update.
     *
     * @param grads the gradients by parameter name
     * @param step the 0-based step being applied
     * @return the global gradient norm before clipping
     */
    public double apply(Map<String, INDArray> grads, long step) {
        double sq = 0;
        for (int k = 0; k < names.size(); k++) {
            float[] gk = g.get(k);
            read(grads.get(names.get(k)), gk);
            sq += Parallel.sum(gk.length, (from, to) -> {
                double s = 0;
                for (int i = from; i < to; i++) {
                    s += (double) gk[i] * gk[i];
                }
                return s;
            });
        }
        double norm = Math.sqrt(sq);
        double clip = settings.gradientClip();
        float scale = clip > 0 && norm > clip ? (float) (clip / (norm + 1e-6)) : 1f;
        double lr = settings.learningRate(step);
        long t = step + 1;
        double bc1 = 1 - Math.pow(BETA1, t);
        double bc2 = Math.sqrt(1 - Math.pow(BETA2, t));
        boolean decoupled = settings.optimizer().equals("adamw");
        float wd = (float) settings.weightDecay();
        float decay = decoupled ? (float) (1 - lr * wd) : 1f;
        float l2 = decoupled ? 0f : wd;
        float stepSize = (float) (lr / bc1);
        float b1 = (float) BETA1;
        float b2 = (float) BETA2;
        float invBc2 = (float) (1 / bc2);
        float eps = (float) EPS;
        for (int k = 0; k < names.size(); k++) {
            float[] pk = p.get(k);
            float[] gk = g.get(k);
            float[] mk = m.get(k);
            float[] vk = v.get(k);
            int n = pk.length;
            Parallel.forRange(n, (from, end) -> {
                for (int i = from; i < end; i++) {
                    float pi = pk[i] * decay;
                    float gi = gk[i] * scale + l2 * pi;
                    float mi = b1 * mk[i] + (1 - b1) * gi;
                    float vi = b2 * vk[i] + (1 - b2) * gi * gi;
                    mk[i] = mi;
                    vk[i] = vi;
                    pk[i] = pi - stepSize * mi / ((float) Math.sqrt(vi) * invBc2 + eps);
                }
            });
            write(pk, params.get(k));
        }
        return norm;
    }

    private static void read(INDArray a, float[] dst) {
        INDArray c = a.dataType() == DataType.FLOAT && !a.isView() && a.ordering() == 'c' && a.offset() == 0 ? a
                : a.dup('c').castTo(DataType.FLOAT);
        new FloatPointer(c.data().addressPointer()).get(dst, 0, dst.length);
    }

    private static void write(float[] src, INDArray a) {
        if (a.dataType() == DataType.FLOAT) {
            new FloatPointer(a.data().addressPointer()).put(src, 0, src.length);
        } else {
            a.assign(Nd4j.create(src, a.shape(), 'c').castTo(a.dataType()));
        }
    }

    /** Element-wise loops in fixed chunks over the cores; partial sums added in chunk order (deterministic). */
    private static final class Parallel {
        private static final int CHUNK = 1 << 14;

        interface Body {
            void run(int from, int to);
        }

        interface SumBody {
            double run(int from, int to);
        }

        static void forRange(int n, Body body) {
            int chunks = (n + CHUNK - 1) / CHUNK;
            java.util.stream.IntStream.range(0, chunks).parallel()
                    .forEach(c -> body.run(c * CHUNK, Math.min(n, (c + 1) * CHUNK)));
        }

        static double sum(int n, SumBody body) {
            int chunks = (n + CHUNK - 1) / CHUNK;
            double[] partial = new double[chunks];
            java.util.stream.IntStream.range(0, chunks).parallel()
                    .forEach(c -> partial[c] = body.run(c * CHUNK, Math.min(n, (c + 1) * CHUNK)));
            double s = 0;
            for (double v : partial) {
                s += v;
            }
            return s;
        }
    }

    void write(DataOutputStream out) throws IOException {
        for (int k = 0; k < names.size(); k++) {
            long[] shape = params.get(k).shape();
            Nd4j.write(Nd4j.create(m.get(k), shape, 'c'), out);
            Nd4j.write(Nd4j.create(v.get(k), shape, 'c'), out);
        }
    }

    void read(DataInputStream in) throws IOException {
        for (int k = 0; k < names.size(); k++) {
            INDArray like = params.get(k);
            read(Checkpoints.readArray(in, like, "moment of " + names.get(k)), m.get(k));
            read(Checkpoints.readArray(in, like, "moment of " + names.get(k)), v.get(k));
            read(like, p.get(k));
        }
    }
}
