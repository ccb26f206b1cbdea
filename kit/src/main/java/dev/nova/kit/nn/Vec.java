package dev.nova.kit.nn;

import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A Java-side buffer in a layer's data type: {@code float[]} for training, {@code double[]} for gradient checks.
 * Kernels are written once against {@link #get}/{@link #set}, computing in double; the JIT inlines both and lifts
 * the type test out of the loop, so the float path pays neither a conversion of whole arrays nor double the memory.
 */
final class Vec {

    private final float[] f;
    private final double[] d;
    private final int length;

    private Vec(float[] f, double[] d, int length) {
        this.f = f;
        this.d = d;
        this.length = length;
    }

    static Vec of(DataType type, int n) {
        return type == DataType.DOUBLE ? new Vec(null, new double[n], n) : new Vec(new float[n], null, n);
    }

    /**
     * This buffer's first {@code n} values as a buffer of that length (the same array).
     *
     * @param n at most {@link #capacity}
     * @return the buffer
     */
    Vec prefix(int n) {
        if (n > capacity()) {
            throw new IllegalArgumentException(n + " values of a buffer of " + capacity());
        }
        return n == length ? this : new Vec(f, d, n);
    }

    /**
     * The float array, or {@code null} for a double buffer (for kernels written in float). It may be longer than
     * {@link #length}.
     */
    float[] floats() {
        return f;
    }

    /** How many values the buffer holds (what {@link #read(INDArray)} and {@link #write(INDArray)} copy). */
    int length() {
        return length;
    }

    /** The length of the array under it. */
    int capacity() {
        return f != null ? f.length : d.length;
    }

    double get(int i) {
        return f != null ? f[i] : d[i];
    }

    void set(int i, double v) {
        if (f != null) {
            f[i] = (float) v;
        } else {
            d[i] = v;
        }
    }

    void add(int i, double v) {
        if (f != null) {
            f[i] += (float) v;
        } else {
            d[i] += v;
        }
    }

    void fill(int from, int to, double v) {
        if (f != null) {
            java.util.Arrays.fill(f, from, to, (float) v);
        } else {
            java.util.Arrays.fill(d, from, to, v);
        }
    }

    /** Copies {@code n} values from {@code src[from]} (a buffer of the same type) to {@code [to]}. */
    void copy(Vec src, int from, int to, int n) {
        if (f != null) {
            System.arraycopy(src.f, from, f, to, n);
        } else {
            System.arraycopy(src.d, from, d, to, n);
        }
    }

    /** Copies {@code n} values starting at element {@code from} of a contiguous array of the same type into {@code [to]}. */
    Vec read(INDArray a, long from, int to, int n) {
        if (f != null) {
            check(a, DataType.FLOAT);
            new FloatPointer(a.data().addressPointer()).position(from).get(f, to, n);
        } else {
            check(a, DataType.DOUBLE);
            new DoublePointer(a.data().addressPointer()).position(from).get(d, to, n);
        }
        return this;
    }

    /** Copies all of a contiguous array of the same type. */
    Vec read(INDArray a) {
        return read(a, 0, 0, length());
    }

    /** Copies {@code n} values from {@code [from]} into a contiguous array of the same type at element {@code to}. */
    void write(int from, int n, INDArray a, long to) {
        if (f != null) {
            check(a, DataType.FLOAT);
            new FloatPointer(a.data().addressPointer()).position(to).put(f, from, n);
        } else {
            check(a, DataType.DOUBLE);
            new DoublePointer(a.data().addressPointer()).position(to).put(d, from, n);
        }
    }

    /** Copies all values into a contiguous array of the same type. */
    void write(INDArray a) {
        write(0, length(), a, 0);
    }

    private static void check(INDArray a, DataType type) {
        if (a.dataType() != type) {
            throw new IllegalArgumentException("a " + type + " buffer cannot copy a " + a.dataType() + " array");
        }
    }
}
