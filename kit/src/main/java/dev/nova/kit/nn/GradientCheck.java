package dev.nova.kit.nn;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import org.apiguardian.api.API;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Checks a hand-written backward pass against central finite differences of the forward pass. Build the layer on a
 * {@code DOUBLE} {@link ParamSet} and check in double precision (step {@code 1e-6}, relative error {@code 1e-5}):
 * float32 rounding hides real mistakes behind its noise.
 *
 * <pre>{@code
 * ParamSet p = new ParamSet(DataType.DOUBLE, 7);
 * Dense d = new Dense(p, "d", 3, 2, Activation.TANH);
 * DoubleSupplier loss = () -> sumOfSquares(d.forward(x));
 * loss.getAsDouble(); d.backward(twice(d.forward(x)), false);          // fills p.grads()
 * GradientCheck.doubles().verify(p.params(), p.grads(), loss);
 * }</pre>
 *
 * @param step the finite-difference step
 * @param tolerance the largest relative error accepted, {@code |a − n| / (|a| + |n|)}
 * @param absolute differences below {@code absolute · max(1, |loss|)} pass regardless: the finite difference of a loss
 *     of size L carries a rounding error of about {@code 1e-16 · L / step}
 * @param perArray at most this many entries per array, spread evenly (0 = all)
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record GradientCheck(double step, double tolerance, double absolute, int perArray) {

    /**
     * The settings for {@code DOUBLE} arrays: step {@code 1e-6}, relative tolerance {@code 1e-5}, absolute floor
     * {@code 1e-8} per unit of loss, every entry.
     *
     * @return the check
     */
    public static GradientCheck doubles() {
        return new GradientCheck(1e-6, 1e-5, 1e-8, 0);
    }

    /**
     * The same check on at most {@code n} entries per array.
     *
     * @param n entries per array
     * @return the check
     */
    public GradientCheck sampling(int n) {
        return new GradientCheck(step, tolerance, absolute, n);
    }

    /**
     * Compares each analytic gradient with the finite difference of {@code loss} in its array's entries.
     *
     * @param arrays the arrays the loss depends on, by name (parameters, or an input); perturbed and restored
     * @param analytic the gradients computed by the backward pass, by the same names (copied before perturbing)
     * @param loss recomputes the loss from the arrays' current values
     * @return the number of entries checked
     * @throws AssertionError listing every entry that disagrees (at most 10), with both values
     */
    public int verify(Map<String, INDArray> arrays, Map<String, INDArray> analytic, DoubleSupplier loss) {
        List<String> failures = new ArrayList<>();
        int checked = 0;
        double floor = absolute * Math.max(1, Math.abs(loss.getAsDouble()));
        for (Map.Entry<String, INDArray> e : arrays.entrySet()) {
            INDArray p = e.getValue();
            INDArray g = analytic.get(e.getKey());
            if (g == null) {
                throw new IllegalArgumentException("no analytic gradient for " + e.getKey());
            }
            if (p.dataType() != DataType.DOUBLE) {
                throw new IllegalArgumentException(e.getKey() + " is " + p.dataType() + "; check gradients on DOUBLE arrays");
            }
            double[] ana = Buffers.doubles(g);
            long n = p.length();
            long stride = perArray > 0 ? Math.max(1, n / perArray) : 1;
            for (long i = 0; i < n; i += stride) {
                double orig = p.getDouble(i);
                p.putScalar(i, orig + step);
                double up = loss.getAsDouble();
                p.putScalar(i, orig - step);
                double down = loss.getAsDouble();
                p.putScalar(i, orig);
                double numeric = (up - down) / (2 * step);
                double a = ana[(int) i];
                double err = Math.abs(numeric - a) / Math.max(1e-300, Math.abs(numeric) + Math.abs(a));
                if (err > tolerance && Math.abs(numeric - a) > floor && failures.size() < 10) {
                    failures.add(e.getKey() + "[" + i + "]: backward " + a + ", finite difference " + numeric);
                }
                checked++;
            }
        }
        if (!failures.isEmpty()) {
            throw new AssertionError("gradient check failed at " + failures.size() + " entries:\n  "
                    + String.join("\n  ", failures));
        }
        return checked;
    }
}
