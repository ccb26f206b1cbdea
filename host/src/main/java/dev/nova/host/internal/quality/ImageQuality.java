package dev.nova.host.internal.quality;

import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.EigenDecomposition;
import org.apache.commons.math3.linear.RealMatrix;

/**
 * Distances between sets of image features: the Fréchet distance of the Gaussians fitted to them (Heusel et al.
 * 2017's FID, in the reference extractor's space instead of Inception's) and precision and recall of k-nearest-
 * neighbour manifolds (Kynkäänniemi et al. 2019).
 */
public final class ImageQuality {

    /** Neighbours that set a point's radius in precision and recall (the paper's k = 3). */
    public static final int K = 3;

    private ImageQuality() {
    }

    /**
     * The Fréchet distance between two Gaussians: {@code |μ1 − μ2|² + Tr(Σ1 + Σ2 − 2 (Σ1 Σ2)^½)}, the trace of the
     * square root taken as {@code Σ √λ} over the eigenvalues of the symmetric {@code Σ1^½ Σ2 Σ1^½}.
     *
     * @param mu1 the first mean
     * @param s1 the first covariance
     * @param mu2 the second mean
     * @param s2 the second covariance
     * @return the distance (0 for equal Gaussians)
     */
    public static double frechet(double[] mu1, double[][] s1, double[] mu2, double[][] s2) {
        double d = 0;
        for (int i = 0; i < mu1.length; i++) {
            d += (mu1[i] - mu2[i]) * (mu1[i] - mu2[i]);
        }
        RealMatrix a = new Array2DRowRealMatrix(s1);
        RealMatrix b = new Array2DRowRealMatrix(s2);
        RealMatrix root = sqrt(a);
        RealMatrix m = root.multiply(b).multiply(root);
        m = m.add(m.transpose()).scalarMultiply(0.5);
        double traceRoot = 0;
        for (double l : new EigenDecomposition(m).getRealEigenvalues()) {
            traceRoot += Math.sqrt(Math.max(0, l));
        }
        return Math.max(0, d + a.getTrace() + b.getTrace() - 2 * traceRoot);
    }

    /** The square root of a symmetric positive semi-definite matrix (negative rounding in eigenvalues clipped). */
    private static RealMatrix sqrt(RealMatrix s) {
        RealMatrix sym = s.add(s.transpose()).scalarMultiply(0.5);
        EigenDecomposition e = new EigenDecomposition(sym);
        RealMatrix v = e.getV();
        double[] l = e.getRealEigenvalues();
        RealMatrix d = new Array2DRowRealMatrix(l.length, l.length);
        for (int i = 0; i < l.length; i++) {
            d.setEntry(i, i, Math.sqrt(Math.max(0, l[i])));
        }
        return v.multiply(d).multiply(e.getVT());
    }

    /**
     * The Fréchet distance between the Gaussians fitted to two sets of features (means and unbiased covariances).
     *
     * @param a features, at least two
     * @param b features of the same length, at least two
     * @return the distance
     */
    public static double frechet(float[][] a, float[][] b) {
        return frechet(mean(a), covariance(a), mean(b), covariance(b));
    }

    static double[] mean(float[][] x) {
        double[] m = new double[x[0].length];
        for (float[] row : x) {
            for (int j = 0; j < m.length; j++) {
                m[j] += row[j];
            }
        }
        for (int j = 0; j < m.length; j++) {
            m[j] /= x.length;
        }
        return m;
    }

    static double[][] covariance(float[][] x) {
        double[] m = mean(x);
        int d = m.length;
        double[][] c = new double[d][d];
        for (float[] row : x) {
            for (int i = 0; i < d; i++) {
                double di = row[i] - m[i];
                for (int j = i; j < d; j++) {
                    c[i][j] += di * (row[j] - m[j]);
                }
            }
        }
        for (int i = 0; i < d; i++) {
            for (int j = i; j < d; j++) {
                c[i][j] /= Math.max(1, x.length - 1);
                c[j][i] = c[i][j];
            }
        }
        return c;
    }

    /**
     * Precision and recall: the share of generated points inside the real manifold (the union of balls around each
     * real point reaching its k-th nearest real neighbour), and the share of real points inside the generated one.
     *
     * @param real real features, more than {@code k}
     * @param fake generated features, more than {@code k}
     * @param k the neighbour that sets a ball's radius
     * @return {@code {precision, recall}}
     */
    public static double[] precisionRecall(float[][] real, float[][] fake, int k) {
        double[] realRadii = radii(real, k);
        double[] fakeRadii = radii(fake, k);
        return new double[] {covered(fake, real, realRadii), covered(real, fake, fakeRadii)};
    }

    /** Each point's squared distance to its k-th nearest other point of the same set. */
    static double[] radii(float[][] x, int k) {
        double[] r = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double[] nearest = new double[k];
            java.util.Arrays.fill(nearest, Double.POSITIVE_INFINITY);
            for (int j = 0; j < x.length; j++) {
                if (j == i) {
                    continue;
                }
                double d = squared(x[i], x[j]);
                if (d < nearest[k - 1]) {
                    int p = k - 1;
                    while (p > 0 && nearest[p - 1] > d) {
                        nearest[p] = nearest[p - 1];
                        p--;
                    }
                    nearest[p] = d;
                }
            }
            r[i] = nearest[k - 1];
        }
        return r;
    }

    /** The share of {@code points} within some ball of {@code centres}. */
    static double covered(float[][] points, float[][] centres, double[] radii) {
        int in = 0;
        for (float[] p : points) {
            for (int c = 0; c < centres.length; c++) {
                if (squared(p, centres[c]) <= radii[c]) {
                    in++;
                    break;
                }
            }
        }
        return (double) in / points.length;
    }

    private static double squared(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double d = a[i] - b[i];
            s += d * d;
        }
        return s;
    }
}
