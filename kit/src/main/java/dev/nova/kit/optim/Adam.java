package dev.nova.kit.optim;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nova.kit.nn.Buffers;
import dev.nova.kit.nn.FloatParts;
import dev.nova.kit.nn.Flops;
import dev.nova.kit.nn.Parallel;
import dev.nova.kit.nn.ParamSet;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apiguardian.api.API;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Adam or AdamW with PyTorch's update rule, global-norm gradient clipping and a scheduled learning rate, applied
 * to a {@link ParamSet}'s parameters from its gradients. Its moments are part of the checkpoint, so resume is
 * exact. The set's arrays are the master copy of the parameters: each update reads them and the gradients a part at a
 * time (no copy of either is kept on the heap: at GPT-2 small's size that was 1 GB), in float32.
 *
 * <p>Weight decay applies to matrices (weights and embeddings, more than one row), not to biases and norm gains
 * ({@code [1, n]}), as nanoGPT and most transformer trainers do: decaying a gain towards zero fights the
 * normalisation it scales.
 *
 * <p>The update runs in Java over bulk copies, split across the cores: one ND4J op per Adam term cost 7.2 ms a
 * step at text-gru's parity size (267 k parameters) and 30 ms at the VAE's (1.09 M), more than the forward and
 * backward passes together; the fused loop costs about 1 ms.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Adam {

    private static final double BETA1 = 0.9;
    private static final double EPS = 1e-8;
    /** The update's arithmetic per parameter, counted in {@link #flops()}. */
    private static final int FLOPS_PER_PARAMETER = 19;
    /** The values of a parameter updated at a time, between its native array and the heap. */
    private static final int PART = 1 << 14;
    /** Each thread's parts of the parameter and gradient being updated. */
    private static final ThreadLocal<float[][]> SCRATCH = ThreadLocal.withInitial(() -> new float[2][PART]);

    private final TrainSettings settings;
    private final List<String> names;
    private final List<INDArray> params;
    private final ParamSet set;
    /** The gradients, asked of the set when first needed (a model that only generates never makes them). */
    private List<INDArray> grads;
    /**
     * The moments, each parameter's in parts of {@link #PART} values (the last shorter), so that a part of the
     * moments is an array read at the same index as the parameter's and gradient's parts in the update.
     */
    private final List<float[][]> m = new ArrayList<>();
    private final List<float[][]> v = new ArrayList<>();
    private final boolean[] frozen;
    /** Whether the moments were made ({@link #ensureState}); a frozen parameter's may be null (zero). */
    private boolean stateMade;

    /**
     * Creates an optimiser with zero moments.
     *
     * @param settings learning rate, schedule, clipping and decay
     * @param set the parameters it updates in place, and their gradients
     */
    public Adam(TrainSettings settings, ParamSet set) {
        this.settings = settings;
        this.names = set.names();
        this.params = List.copyOf(set.params().values());
        this.set = set;
        this.frozen = new boolean[names.size()];
    }

    /**
     * Whether the optimiser holds moments: it has stepped, read or carried them. One that has not behaves as one with
     * zero moments.
     *
     * @return true once it holds them
     * @since 1.4
     */
    public boolean hasState() {
        return stateMade;
    }

    /**
     * Allocates the moments on first use, not when the optimiser is built: a model restored for generation only never
     * trains, and at GPT-2 small's size they are 1 GB of heap (and its gradients 500 MB of native memory).
     */
    private void ensureState() {
        if (stateMade) {
            return;
        }
        stateMade = true;
        grads = new ArrayList<>(params.size());
        for (int k = 0; k < names.size(); k++) {
            grads.add(frozen[k] ? null : set.grad(names.get(k)));    // a frozen parameter's is never read
        }
        for (int k = 0; k < params.size(); k++) {
            // A frozen parameter's moments never change: none are kept for one frozen before it ever moved (a
            // fine-tune of GPT-2 small's last two blocks keeps 113 MB of moments, not 1 GB).
            m.add(frozen[k] ? null : FloatParts.zeros(params.get(k).length(), PART));
            v.add(frozen[k] ? null : FloatParts.zeros(params.get(k).length(), PART));
        }
    }

    /** The settings. */
    public TrainSettings settings() {
        return settings;
    }

    /**
     * Applies one update from the gradients in the parameter set.
     *
     * @param step the 0-based step being applied (sets the learning rate and the bias corrections)
     * @return the global gradient norm before clipping
     */
    public double apply(long step) {
        ensureState();
        double clip = settings.gradientClip();
        boolean clipping = clip > 0;
        Parts parts = new Parts();
        double[] partial = new double[parts.count];
        double sq = 0;
        if (clipping) {
            // The scale depends on the norm of every gradient: a pass of its own before any update.
            Parallel.forRange(parts.count, 1, (t0, t1) -> {
                for (int t = t0; t < t1; t++) {
                    float[] gc = SCRATCH.get()[1];
                    int n = parts.to[t] - parts.from[t];
                    read(parts.gradients[t], grads.get(parts.param[t]), parts.from[t], gc, n);
                    partial[t] = squares(gc, n);
                }
            });
            sq = parts.total(partial);
        }
        float scale = 1f;
        if (clipping) {
            double norm = Math.sqrt(sq);
            scale = norm > clip ? (float) (clip / (norm + 1e-6)) : 1f;
        }
        double lr = settings.learningRate(step);
        long t = step + 1;
        double bc1 = 1 - Math.pow(BETA1, t);
        double beta2 = settings.beta2();
        double bc2 = Math.sqrt(1 - Math.pow(beta2, t));
        boolean decoupled = settings.optimizer().equals("adamw");
        float wd = (float) settings.weightDecay();
        float decayAll = decoupled ? (float) (1 - lr * wd) : 1f;
        float l2All = decoupled ? 0f : wd;
        float stepSize = (float) (lr / bc1);
        float b1 = (float) BETA1;
        float b2 = (float) beta2;
        float invBc2 = (float) (1 / bc2);
        float eps = (float) EPS;
        float gradientScale = scale;
        // Every parameter's parts in one fork and join (one per parameter cost the VAE's twelve a wake-up of the
        // pool's threads each). A part at a time between the native arrays and the heap: no copy of the whole
        // parameters or gradients is kept (1 GB at GPT-2 small's size), and the arithmetic is the same, value by
        // value. The moments are kept in the same parts, so that every array of the loop is read at the same index:
        // with m and v read at at + j beside the parts at j, the JIT could not rule out that two of the arrays were
        // one and left the loop scalar (per 1M values, one thread, quiet: 2.8 ms against 0.72-0.81 with copies of
        // the moments' parts, which the parts themselves now spare: 0.15-0.2 ms of a VAE step).
        // The parts are the thread's own, reused from step to step: a fresh 256 KB for every part cost more than
        // the update (the VAE's 1.09 M parameters: 2.2 ms a step). Without clipping the norm is only reported:
        // each part's sum of squares is taken here, in the parts and order of the clipping pass above (the same
        // norm to the bit, one read of the gradient less).
        Parallel.forRange(parts.count, 1, (t0, t1) -> {
            for (int p = t0; p < t1; p++) {
                int k = parts.param[p];
                INDArray parameter = params.get(k);
                boolean matrix = parameter.rows() > 1;
                float decay = matrix ? decayAll : 1f;
                float l2 = matrix ? l2All : 0f;
                float[][] part = SCRATCH.get();
                float[] pc = part[0];
                float[] gc = part[1];
                float[] mc = m.get(k)[parts.chunk[p]];
                float[] vc = v.get(k)[parts.chunk[p]];
                int from = parts.from[p];
                int n = parts.to[p] - from;
                read(parts.parameters[p], parameter, from, pc, n);
                read(parts.gradients[p], grads.get(k), from, gc, n);
                if (!clipping) {
                    partial[p] = squares(gc, n);
                }
                update(pc, gc, mc, vc, n, decay, gradientScale, l2, b1, b2, stepSize, invBc2, eps);
                if (parts.parameters[p] != null) {
                    new FloatPointer(parts.parameters[p]).position(from).put(pc, 0, n);
                } else {
                    Buffers.writePart(pc, n, parameter, from);
                }
            }
        });
        if (!clipping) {
            sq = parts.total(partial);
        }
        Flops.ran((long) flops());
        return Math.sqrt(sq);
    }

    /** The parts of every parameter that is not frozen, in order: {@link #PART} values each, the last shorter. */
    private final class Parts {
        final int count;
        final int[] param;
        final int[] from;
        final int[] to;
        /** Each part's index among its parameter's parts (its moments' part). */
        final int[] chunk;
        /** Each part's parameter's and gradient's float address ({@link #floats}), or null. */
        final Pointer[] parameters;
        final Pointer[] gradients;

        Parts() {
            int c = 0;
            for (int k = 0; k < names.size(); k++) {
                if (!frozen[k]) {
                    c += m.get(k).length;
                }
            }
            count = c;
            param = new int[c];
            from = new int[c];
            to = new int[c];
            chunk = new int[c];
            parameters = new Pointer[c];
            gradients = new Pointer[c];
            int p = 0;
            for (int k = 0; k < names.size(); k++) {
                if (frozen[k]) {
                    continue;
                }
                int length = (int) params.get(k).length();
                Pointer pp = floats(params.get(k));
                Pointer gp = floats(grads.get(k));
                for (int at = 0; at < length; at += PART) {
                    param[p] = k;
                    from[p] = at;
                    to[p] = Math.min(length, at + PART);
                    chunk[p] = at / PART;
                    parameters[p] = pp;
                    gradients[p] = gp;
                    p++;
                }
            }
        }

        /** The squared norm from each part's sum of squares: a parameter's parts added in order, then the parameters. */
        double total(double[] partial) {
            double sq = 0;
            int p = 0;
            while (p < count) {
                int k = param[p];
                double s = 0;
                for (; p < count && param[p] == k; p++) {
                    s += partial[p];
                }
                sq += s;
            }
            return sq;
        }
    }

    /** The sum of the first {@code n} values' squares, in order, in double. */
    private static double squares(float[] g, int n) {
        double s = 0;
        for (int i = 0; i < n; i++) {
            s += (double) g[i] * g[i];
        }
        return s;
    }

    /**
     * The address of an array's floats where they are exactly its values, else null. The parts' pointers are made
     * from it, one per part (a pointer's position is its own state, and the parts run on several threads).
     */
    private static Pointer floats(INDArray a) {
        return Buffers.plainFloats(a) ? a.data().addressPointer() : null;
    }

    /** Part {@code [from, from + n)} of {@code a} into {@code dst}: straight from its floats where it has them. */
    private static void read(Pointer floats, INDArray a, long from, float[] dst, int n) {
        if (floats != null) {
            new FloatPointer(floats).position(from).get(dst, 0, n);
        } else {
            Buffers.readPart(a, from, dst, n);
        }
    }

    /** Adam's update of {@code n} values, each array read and written at the same index (so it runs vectorised). */
    private static void update(float[] p, float[] g, float[] m, float[] v, int n, float decay, float scale, float l2,
                               float b1, float b2, float stepSize, float invBc2, float eps) {
        for (int j = 0; j < n; j++) {
            float pi = p[j] * decay;
            float gi = g[j] * scale + l2 * pi;
            float mi = b1 * m[j] + (1 - b1) * gi;
            float vi = b2 * v[j] + (1 - b2) * gi * gi;
            m[j] = mi;
            v[j] = vi;
            p[j] = pi - stepSize * mi / ((float) Math.sqrt(vi) * invBc2 + eps);
        }
    }

    /**
     * The optimiser's model FLOPs per step ({@link Flops}): 19 per parameter (the
     * squared norm's 2, then decay 1, gradient 3, first moment 3, second moment 4, update 6).
     *
     * @return the FLOPs
     * @since 1.3
     */
    public double flops() {
        long n = 0;
        for (int k = 0; k < params.size(); k++) {
            n += frozen[k] ? 0 : params.get(k).length();          // a frozen parameter is not updated
        }
        return (double) FLOPS_PER_PARAMETER * n;
    }

    /**
     * Keeps parameters fixed from now on: {@link #apply} neither updates nor decays them, leaves their moments as they
     * are, and leaves their gradients out of the gradient norm.
     *
     * @param frozenNames names of the set's parameters
     * @throws IllegalArgumentException naming a name that is not a parameter's
     * @since 1.3
     */
    public void freeze(java.util.Collection<String> frozenNames) {
        for (String name : frozenNames) {
            int k = names.indexOf(name);
            if (k < 0) {
                throw new IllegalArgumentException("no parameter " + name + "; defined: " + names);
            }
            frozen[k] = true;
            set.markFrozen(List.of(name));
            // Moments that never moved are zero: they need not be kept (they are written as zeros).
            if (stateMade && m.get(k) != null && FloatParts.isZero(m.get(k)) && FloatParts.isZero(v.get(k))) {
                m.set(k, null);
                v.set(k, null);
            }
        }
    }

    /**
     * The frozen parameters.
     *
     * @return their names, in the set's order
     * @since 1.3
     */
    public List<String> frozen() {
        List<String> out = new ArrayList<>();
        for (int k = 0; k < names.size(); k++) {
            if (frozen[k]) {
                out.add(names.get(k));
            }
        }
        return out;
    }

    /**
     * Starts from another optimiser's moments (a fine-tuned model carrying its parent's state): those of every
     * parameter of the same name and shape are copied, the others stay zero.
     *
     * @param parent the parent model's optimiser
     * @return the names of the parameters whose moments were carried
     * @since 1.3
     */
    public List<String> carryMoments(Adam parent) {
        ensureState();
        parent.ensureState();
        List<String> carried = new ArrayList<>();
        for (int k = 0; k < names.size(); k++) {
            int j = parent.names.indexOf(names.get(k));
            if (j >= 0 && java.util.Arrays.equals(parent.params.get(j).shape(), params.get(k).shape())) {
                if (m.get(k) == null || parent.m.get(j) == null) {
                    continue;                                   // frozen, or the parent's moments are zero
                }
                FloatParts.copy(parent.m.get(j), m.get(k));
                FloatParts.copy(parent.v.get(j), v.get(k));
                carried.add(names.get(k));
            }
        }
        return carried;
    }

    /**
     * Takes the parameters' current values, after something other than this optimiser set them (a data-parallel
     * replica given the parameters of the model that owns the run). Since 1.4 the parameters are the master copy, so
     * there is nothing to do; kept for callers.
     *
     * @since 0.2
     */
    public void reloadParameters() {
        // The parameters themselves are the master copy: nothing to reload.
    }

    /**
     * Writes the moments, two arrays per parameter in order.
     *
     * @param out the stream
     * @throws IOException if writing fails
     */
    public void write(DataOutputStream out) throws IOException {
        ensureState();
        for (int k = 0; k < names.size(); k++) {
            long[] shape = params.get(k).shape();
            if (m.get(k) == null) {
                ParamSet.writeZeros(shape, out);
                ParamSet.writeZeros(shape, out);
                continue;
            }
            FloatParts.write(m.get(k), shape, out);
            FloatParts.write(v.get(k), shape, out);
        }
    }

    /**
     * Reads what {@link #write} wrote.
     *
     * @param in the stream
     * @throws IOException if it is truncated or shaped for another model
     */
    public void read(DataInputStream in) throws IOException {
        ensureState();
        for (int k = 0; k < names.size(); k++) {
            INDArray like = params.get(k);
            if (m.get(k) == null) {
                m.set(k, FloatParts.zeros(like.length(), PART));
                v.set(k, FloatParts.zeros(like.length(), PART));
            }
            FloatParts.read(in, like, m.get(k), "moment of " + names.get(k));
            FloatParts.read(in, like, v.get(k), "moment of " + names.get(k));
        }
    }

    /**
     * Reads past what {@link #write} wrote, checking each array's shape but keeping nothing: a model restored for
     * generation from a payload that holds its moments inline.
     *
     * @param in the stream
     * @throws IOException if it is truncated or shaped for another model
     * @since 1.4
     */
    public void skip(DataInputStream in) throws IOException {
        skip(in, dev.nova.kit.nn.ParamLayout.of(set));
    }

    /**
     * Reads past what {@link #write} wrote for parameters of this layout, checking each array's shape but keeping
     * nothing, in Java alone (no ND4J class is initialised): a model restored for generation without building its
     * network ({@link TrainingCore.Deferred}).
     *
     * @param in the stream
     * @param layout the parameters' names and shapes
     * @throws IOException if it is truncated or shaped for another model
     * @since 1.5
     */
    public static void skip(DataInputStream in, dev.nova.kit.nn.ParamLayout layout) throws IOException {
        layout.skip(in, 2, "moment of");
    }
}
