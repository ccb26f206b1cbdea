package dev.nova.kit.nn;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apiguardian.api.API;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A float array held in consecutive parts of a fixed size (the last shorter): an optimiser's moments, kept a part per
 * update so that each part is read at the same index as the parameter's part beside it. Written and read in
 * {@link ParamSet#writeArray}'s format, the same bytes as the values in one array.
 *
 * @since 1.5
 */
@API(status = EXPERIMENTAL, since = "1.5")
public final class FloatParts {

    private FloatParts() {
    }

    /**
     * Zeros for {@code length} values.
     *
     * @param length the values
     * @param part values per part
     * @return the parts
     */
    public static float[][] zeros(long length, int part) {
        float[][] parts = new float[(int) ((length + part - 1) / part)][];
        for (int i = 0; i < parts.length; i++) {
            parts[i] = new float[(int) Math.min(part, length - (long) i * part)];
        }
        return parts;
    }

    /**
     * Copies values between parts of the same sizes.
     *
     * @param from the source
     * @param to the destination
     */
    public static void copy(float[][] from, float[][] to) {
        for (int i = 0; i < to.length; i++) {
            System.arraycopy(from[i], 0, to[i], 0, to[i].length);
        }
    }

    /**
     * Whether every value is zero.
     *
     * @param parts the values
     * @return true if all are 0
     */
    public static boolean isZero(float[][] parts) {
        for (float[] a : parts) {
            for (float x : a) {
                if (x != 0) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Writes the values as one array of {@code shape} ({@link ParamSet#writeArray}'s bytes).
     *
     * @param parts the values in C order, part after part
     * @param shape the shape
     * @param out the stream
     * @throws IOException if writing fails
     */
    public static void write(float[][] parts, long[] shape, DataOutputStream out) throws IOException {
        ArrayIo.write(parts, shape, out);
    }

    /**
     * Reads one array of the shape of {@code like} into the parts.
     *
     * @param in the stream
     * @param like an array of the expected shape (float)
     * @param into where the values go, C order, part after part
     * @param what what it is, for messages
     * @throws IOException if it is unreadable or of another shape
     */
    public static void read(DataInputStream in, INDArray like, float[][] into, String what) throws IOException {
        Object values = ArrayIo.read(in, like, what);
        float[] f = values instanceof float[] v ? v : null;
        long length = 0;
        for (float[] part : into) {
            length += part.length;
        }
        if (f == null || f.length != length) {
            throw new IOException("unreadable array for " + what + " (not " + length + " floats)");
        }
        int at = 0;
        for (float[] part : into) {
            System.arraycopy(f, at, part, 0, part.length);
            at += part.length;
        }
    }
}
