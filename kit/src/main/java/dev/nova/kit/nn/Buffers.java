package dev.nova.kit.nn;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.FloatPointer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Bulk copies between Java arrays and ND4J arrays through the native pointer (ND4J's element-wise
 * {@code putScalar}/{@code getDouble} cost a tenth of a training step where they were used).
 *
 * <p>The ND4J side must be a contiguous row-major array of type {@code FLOAT} or {@code DOUBLE} with no offset,
 * as the arrays this package creates are; {@link #contiguous} makes one from any array.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Buffers {

    private static final ThreadLocal<float[]> SCRATCH = ThreadLocal.withInitial(() -> new float[0]);

    private Buffers() {
    }

    private static float[] scratch(int n) {
        float[] s = SCRATCH.get();
        if (s.length < n) {
            s = new float[n];
            SCRATCH.set(s);
        }
        return s;
    }

    /**
     * The array itself when it is contiguous, row-major and without offset; otherwise a copy that is.
     *
     * @param a any array
     * @return a contiguous array with the same values
     */
    public static INDArray contiguous(INDArray a) {
        return a.isView() || a.ordering() != 'c' || a.offset() != 0 ? a.dup('c') : a;
    }

    /**
     * Copies {@code n} values of {@code a}, from its {@code from}-th, into the start of {@code dst} (as floats): a part
     * of a large array, without a copy of the whole.
     *
     * @param a a contiguous array (float or double)
     * @param from the first value
     * @param dst receives the values
     * @param n how many
     * @since 1.4
     */
    public static void readPart(INDArray a, long from, float[] dst, int n) {
        if (a.dataType() == DataType.FLOAT) {
            new FloatPointer(a.data().addressPointer()).position(from).get(dst, 0, n);
        } else {
            double[] d = new double[n];
            new DoublePointer(a.data().addressPointer()).position(from).get(d, 0, n);
            for (int i = 0; i < n; i++) {
                dst[i] = (float) d[i];
            }
        }
    }

    /**
     * Copies the first {@code n} values of {@code src} into {@code a} from its {@code from}-th value.
     *
     * @param src the values
     * @param n how many
     * @param a a contiguous array (float or double)
     * @param from where the first goes
     * @since 1.4
     */
    public static void writePart(float[] src, int n, INDArray a, long from) {
        if (a.dataType() == DataType.FLOAT) {
            new FloatPointer(a.data().addressPointer()).position(from).put(src, 0, n);
        } else {
            double[] d = new double[n];
            for (int i = 0; i < n; i++) {
                d[i] = src[i];
            }
            new DoublePointer(a.data().addressPointer()).position(from).put(d, 0, n);
        }
    }

    /**
     * Copies {@code dst.length} values of {@code a} into {@code dst}.
     *
     * @param a a contiguous array
     * @param dst receives the values
     * @return {@code dst}
     */
    public static float[] read(INDArray a, float[] dst) {
        if (a.dataType() == DataType.FLOAT) {
            new FloatPointer(a.data().addressPointer()).get(dst, 0, dst.length);
        } else {
            double[] d = new double[dst.length];
            new DoublePointer(a.data().addressPointer()).get(d, 0, d.length);
            for (int i = 0; i < d.length; i++) {
                dst[i] = (float) d[i];
            }
        }
        return dst;
    }

    /**
     * Copies {@code dst.length} values of {@code a} into {@code dst}.
     *
     * @param a a contiguous array
     * @param dst receives the values
     * @return {@code dst}
     */
    public static double[] read(INDArray a, double[] dst) {
        if (a.dataType() == DataType.DOUBLE) {
            new DoublePointer(a.data().addressPointer()).get(dst, 0, dst.length);
        } else {
            float[] f = scratch(dst.length);
            new FloatPointer(a.data().addressPointer()).get(f, 0, dst.length);
            for (int i = 0; i < dst.length; i++) {
                dst[i] = f[i];
            }
        }
        return dst;
    }

    /**
     * Copies {@code src} into the first {@code src.length} values of {@code a}.
     *
     * @param src the values
     * @param a a contiguous array
     */
    /**
     * Whether an array is float values of its own, in C order from the start of its buffer: one whose native memory
     * is exactly its values.
     *
     * @param a the array
     * @return true for such an array
     * @since 1.4
     */
    public static boolean plainFloats(INDArray a) {
        return a.dataType() == DataType.FLOAT && a.ordering() == 'c' && !a.isView() && a.data().length() == a.length()
                && a.offset() == 0;
    }

    public static void write(float[] src, INDArray a) {
        write(src, src.length, a);
    }

    /**
     * Copies the first {@code n} values of {@code src} into {@code a}.
     *
     * @param src the values
     * @param n how many
     * @param a a contiguous array
     */
    public static void write(float[] src, int n, INDArray a) {
        if (a.dataType() == DataType.FLOAT) {
            new FloatPointer(a.data().addressPointer()).put(src, 0, n);
        } else {
            double[] d = new double[n];
            for (int i = 0; i < n; i++) {
                d[i] = src[i];
            }
            new DoublePointer(a.data().addressPointer()).put(d, 0, n);
        }
    }

    /**
     * Copies {@code src} into the first {@code src.length} values of {@code a}.
     *
     * @param src the values
     * @param a a contiguous array
     */
    public static void write(double[] src, INDArray a) {
        if (a.dataType() == DataType.DOUBLE) {
            new DoublePointer(a.data().addressPointer()).put(src, 0, src.length);
        } else {
            float[] f = scratch(src.length);
            for (int i = 0; i < src.length; i++) {
                f[i] = (float) src[i];
            }
            new FloatPointer(a.data().addressPointer()).put(f, 0, src.length);
        }
    }

    /**
     * All values of an array, as doubles.
     *
     * @param a any array
     * @return a new array
     */
    public static double[] doubles(INDArray a) {
        INDArray c = contiguous(a);
        return read(c, new double[(int) c.length()]);
    }

    /**
     * All values of an array, as floats.
     *
     * @param a any array
     * @return a new array
     */
    public static float[] floats(INDArray a) {
        INDArray c = contiguous(a);
        return read(c, new float[(int) c.length()]);
    }

    /**
     * A new row-major {@code [rows, cols]} array holding {@code v}.
     *
     * @param type {@code FLOAT} or {@code DOUBLE}
     * @param v the values
     * @param rows rows
     * @param cols columns
     * @return the array
     */
    public static INDArray matrix(DataType type, double[] v, long rows, long cols) {
        INDArray a = Nd4j.create(type, rows, cols);
        write(v, a);
        return a;
    }
}
