package dev.nova.vae.internal;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * Adam or AdamW with PyTorch's update rule, global-norm gradient clipping and a scheduled learning rate, applied
 * in place to the network's parameters. Its moments are part of the checkpoint, so resume is exact.
 */
public final class Optimizer {

    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPS = 1e-8;

    private final Settings settings;
    private final Map<String, INDArray> params;
    private final Map<String, INDArray> m = new LinkedHashMap<>();
    private final Map<String, INDArray> v = new LinkedHashMap<>();

    /**
     * Creates an optimiser with zero moments.
     *
     * @param settings learning rate, schedule, clipping and decay
     * @param params the parameters it updates in place
     */
    public Optimizer(Settings settings, Map<String, INDArray> params) {
        this.settings = settings;
        this.params = params;
        params.forEach((name, p) -> {
            m.put(name, Nd4j.zerosLike(p));
            v.put(name, Nd4j.zerosLike(p));
        });
    }

    /**
     * Applies one update.
     *
     * @param grads the gradients by parameter name (modified)
     * @param step the 0-based step being applied
     * @return the global gradient norm before clipping
     */
    public double apply(Map<String, INDArray> grads, long step) {
        double sq = 0;
        for (INDArray g : grads.values()) {
            double n = g.norm2Number().doubleValue();
            sq += n * n;
        }
        double norm = Math.sqrt(sq);
        double clip = settings.gradientClip();
        if (clip > 0 && norm > clip) {
            double scale = clip / (norm + 1e-6);
            grads.values().forEach(g -> g.muli(scale));
        }
        double lr = settings.learningRate(step);
        long t = step + 1;
        double bc1 = 1 - Math.pow(BETA1, t);
        double bc2 = Math.sqrt(1 - Math.pow(BETA2, t));
        boolean decoupled = settings.optimizer().equals("adamw");
        double wd = settings.weightDecay();
        for (var e : params.entrySet()) {
            INDArray p = e.getValue();
            INDArray g = grads.get(e.getKey());
            if (wd > 0 && decoupled) {
                p.muli(1 - lr * wd);
            } else if (wd > 0) {
                g.addi(p.mul(wd));
            }
            INDArray mm = m.get(e.getKey());
            INDArray vv = v.get(e.getKey());
            // In place where possible: g is ours to overwrite, and each temporary costs an allocation.
            mm.muli(BETA1).addi(g.mul(1 - BETA1));
            vv.muli(BETA2).addi(g.muli(g).muli(1 - BETA2));
            INDArray delta = Transforms.sqrt(vv, true).divi(bc2).addi(EPS).rdivi(mm).muli(lr / bc1);
            p.subi(delta);
        }
        return norm;
    }

    void write(DataOutputStream out) throws IOException {
        for (String name : params.keySet()) {
            Nd4j.write(m.get(name), out);
            Nd4j.write(v.get(name), out);
        }
    }

    void read(DataInputStream in) throws IOException {
        for (String name : params.keySet()) {
            m.get(name).assign(Checkpoints.readArray(in, m.get(name), "moment of " + name));
            v.get(name).assign(Checkpoints.readArray(in, v.get(name), "moment of " + name));
        }
    }
}
