package dev.nova.kit.nn;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Layer normalisation over the last dimension, {@code y = (x − mean) / √(var + ε) · γ + β} per row, as PyTorch's
 * {@code nn.LayerNorm} (biased variance, ε = 1e-5, γ = 1 and β = 0 initially), with its backward pass. Rows are
 * independent, so they are split across the cores.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class LayerNorm {

    private static final double EPS = 1e-5;

    private final ParamSet params;
    private final String gain;
    private final String bias;
    private final int width;
    private final ShapeCache<Pass> passes = new ShapeCache<>();
    private Pass last;

    /** One row count's buffers. */
    private final class Pass {
        final INDArray y;
        INDArray dx;
        final Vec xhat;
        final double[] rstd;

        Pass(int rows) {
            y = Nd4j.create(params.type(), rows, width);
            xhat = Vec.of(params.type(), rows * width);
            rstd = new double[rows];
        }
    }

    /**
     * Creates the layer and registers {@code <name>.g} and {@code <name>.b}.
     *
     * @param params where its parameters live
     * @param name the prefix of its parameter names
     * @param width the normalised dimension
     */
    public LayerNorm(ParamSet params, String name, int width) {
        this.params = params;
        this.gain = name + ".g";
        this.bias = name + ".b";
        this.width = width;
        params.add(gain, 1, width, r -> 1);
        params.add(bias, 1, width, Init.zeros());
    }

    private Pass pass(int rows) {
        return passes.get(rows, 0, () -> new Pass(rows));
    }

    /**
     * The layer's parameters as plain arrays, for normalising single rows without ND4J.
     *
     * @return the snapshot
     */
    public Snapshot snapshot() {
        return new Snapshot(Buffers.floats(params.get(gain)), Buffers.floats(params.get(bias)));
    }

    /** A copy of a layer norm's parameters, for normalising rows without ND4J. Immutable. */
    public static final class Snapshot implements java.util.function.UnaryOperator<float[]> {
        private final float[] g;
        private final float[] b;

        private Snapshot(float[] g, float[] b) {
            this.g = g;
            this.b = b;
        }

        /**
         * Normalises one row.
         *
         * @param x the row
         * @return its normalised copy
         */
        @Override
        public float[] apply(float[] x) {
            float[] y = new float[g.length];
            rows(x, 1, y);
            return y;
        }

        /**
         * Normalises {@code n} rows into an array of the caller's.
         *
         * @param x {@code [n, width]} row-major (at least {@code n·width} values)
         * @param n how many rows
         * @param y receives the normalised rows in its first {@code n·width} values
         */
        public void rows(float[] x, int n, float[] y) {
            int width = g.length;
            for (int r = 0; r < n; r++) {
                int o = r * width;
                double mean = 0;
                for (int j = 0; j < width; j++) {
                    mean += x[o + j];
                }
                mean /= width;
                double var = 0;
                for (int j = 0; j < width; j++) {
                    var += (x[o + j] - mean) * (x[o + j] - mean);
                }
                double rstd = 1 / Math.sqrt(var / width + EPS);
                for (int j = 0; j < width; j++) {
                    y[o + j] = (float) ((x[o + j] - mean) * rstd * g[j] + b[j]);
                }
            }
        }
    }

    /**
     * Normalises each row.
     *
     * @param x {@code [rows, width]}, contiguous row-major
     * @return {@code [rows, width]}, owned by the layer (valid until the next call with this row count)
     */
    public INDArray forward(INDArray x) {
        int rows = (int) x.rows();
        Pass p = pass(rows);
        last = p;
        // The input's and then the output's Java copy: one call's buffer, in the model's scratch.
        Vec in = params.scratch().vec("layer-norm", rows * width).read(Buffers.contiguous(x));
        double[] g = Buffers.doubles(params.get(gain));
        double[] b = Buffers.doubles(params.get(bias));
        int d = width;
        Parallel.forParts(rows, 8, (r0, r1) -> {
            for (int r = r0; r < r1; r++) {
                int o = r * d;
                double mean = 0;
                for (int j = 0; j < d; j++) {
                    mean += in.get(o + j);
                }
                mean /= d;
                double var = 0;
                for (int j = 0; j < d; j++) {
                    double c = in.get(o + j) - mean;
                    var += c * c;
                }
                double rstd = 1 / Math.sqrt(var / d + EPS);
                p.rstd[r] = rstd;
                for (int j = 0; j < d; j++) {
                    double xh = (in.get(o + j) - mean) * rstd;
                    p.xhat.set(o + j, xh);
                    in.set(o + j, xh * g[j] + b[j]);
                }
            }
        });
        in.write(p.y);
        return p.y;
    }

    /**
     * The backward pass of the last {@link #forward}: writes the gradients of γ and β.
     *
     * @param dy the gradient with respect to the output
     * @return the gradient with respect to the input, owned by the layer
     */
    public INDArray backward(INDArray dy) {
        Pass p = last;
        if (p == null) {
            throw new IllegalStateException("backward before forward");
        }
        int rows = p.rstd.length;
        int d = width;
        if (p.dx == null) {
            p.dx = Nd4j.create(params.type(), rows, width);
        }
        Vec g = params.scratch().vec("layer-norm", rows * width).read(Buffers.contiguous(dy));
        double[] gain = Buffers.doubles(params.get(this.gain));
        // γ and β gradients: column sums over fixed chunks of rows, added in chunk order (the same bits on any
        // number of threads).
        int parts = (rows + 63) / 64;
        double[][] dg = new double[parts][d];
        double[][] db = new double[parts][d];
        Parallel.forRange(parts, 1, (q0, q1) -> {
            for (int q = q0; q < q1; q++) {
                int r0 = q * 64;
                int r1 = Math.min(rows, r0 + 64);
                for (int r = r0; r < r1; r++) {
                    int o = r * d;
                    double sumG = 0;
                    double sumGx = 0;
                    for (int j = 0; j < d; j++) {
                        double gy = g.get(o + j);
                        double xh = p.xhat.get(o + j);
                        dg[q][j] += gy * xh;
                        db[q][j] += gy;
                        double gx = gy * gain[j];
                        sumG += gx;
                        sumGx += gx * xh;
                    }
                    double rstd = p.rstd[r];
                    for (int j = 0; j < d; j++) {
                        double gx = g.get(o + j) * gain[j];
                        g.set(o + j, rstd * (gx - sumG / d - p.xhat.get(o + j) * sumGx / d));
                    }
                }
            }
        });
        double[] dGain = new double[d];
        double[] dBias = new double[d];
        for (int q = 0; q < parts; q++) {
            for (int j = 0; j < d; j++) {
                dGain[j] += dg[q][j];
                dBias[j] += db[q][j];
            }
        }
        Buffers.write(dGain, params.grad(this.gain));
        Buffers.write(dBias, params.grad(this.bias));
        g.write(p.dx);
        return p.dx;
    }
}
