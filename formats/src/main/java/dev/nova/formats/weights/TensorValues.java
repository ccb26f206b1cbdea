package dev.nova.formats.weights;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Arrays;
import java.util.function.Supplier;
import org.apiguardian.api.API;

/**
 * A tensor to write: F32 or F16 (rounded to nearest, ties to even) from floats, which are asked for only when the
 * tensor is written (so that a writer holds one tensor's copy at a time, not the model's).
 *
 * @param name its name
 * @param dtype F32 or F16
 * @param shape its shape
 * @param source its elements in row-major order, asked for once, when written
 * @since 1.4
 */
@API(status = EXPERIMENTAL, since = "1.4")
public record TensorValues(String name, DType dtype, long[] shape, Supplier<float[]> source) {
    /** Checks the dtype. */
    public TensorValues {
        if (dtype != DType.F32 && dtype != DType.F16) {
            throw new IllegalArgumentException(name + ": writes F32 or F16, not " + dtype);
        }
    }

    /**
     * A tensor of values at hand.
     *
     * @param name its name
     * @param dtype F32 or F16
     * @param shape its shape
     * @param values its elements in row-major order
     */
    public TensorValues(String name, DType dtype, long[] shape, float[] values) {
        this(name, dtype, shape, () -> values);
        values();
    }

    /** Its number of elements. */
    public long elements() {
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        return n;
    }

    /** Its bytes in the file. */
    public long bytes() {
        return elements() * dtype.bytes();
    }

    /**
     * Its values, checked against the shape.
     *
     * @return the values
     * @throws IllegalArgumentException if their number is not the shape's
     */
    public float[] values() {
        float[] v = source.get();
        if (v.length != elements()) {
            throw new IllegalArgumentException(name + ": " + v.length + " values for shape "
                    + Arrays.toString(shape));
        }
        return v;
    }
}
