package dev.nova.kit.nn;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * ND4J's binary array format ({@link Nd4j#write}: the shape information, then the data as big-endian elements), written
 * and read in bulk. ND4J reads and writes it one element at a time through {@link DataInputStream}: a 124M-parameter
 * payload with its optimiser moments (1.5 GB) took over a minute to read. The bytes are ND4J's, byte for byte, so
 * every checkpoint written before reads the same.
 */
final class ArrayIo {

    /** The allocation mode ND4J writes before each buffer. */
    private static final String MODE = "MIXED_DATA_TYPES";
    /** Elements converted at a time. */
    private static final int CHUNK = 1 << 16;
    /** The element types' names as ND4J writes them ({@link DataType#name()}), so that reading needs no ND4J class. */
    private static final String FLOAT = "FLOAT";
    private static final String DOUBLE = "DOUBLE";
    private static final String LONG = "LONG";

    private ArrayIo() {
    }

    /**
     * Writes an array as {@link Nd4j#write} does.
     *
     * @param a the array (float or double; a view is written as its copy, as ND4J does)
     * @param out the stream
     * @throws IOException if writing fails
     */
    static void write(INDArray a, DataOutputStream out) throws IOException {
        write(a, out, null);
    }

    /**
     * {@link #write(INDArray, DataOutputStream)}, refusing a value that is not finite on the way when {@code finite}
     * names the array (one pass over the values, not a search for NaN and another for infinities before it).
     *
     * @param a the array
     * @param out the stream
     * @param finite what the array is, for the message, or {@code null} to write any value
     * @throws IOException if writing fails, or a value is not finite
     */
    static void write(INDArray a, DataOutputStream out, String finite) throws IOException {
        if (a.dataType() != DataType.FLOAT && a.dataType() != DataType.DOUBLE) {
            Nd4j.write(a, out);
            return;
        }
        INDArray c = a.isView() || a.data().length() != a.length() ? a.dup(a.ordering()) : a;
        c.shapeInfoDataBuffer().write(out);
        if (c.dataType() == DataType.FLOAT) {
            writeNativeFloats(c, out, finite);
        } else {
            double[] d = c.data().asDouble();
            for (double v : d) {
                if (finite != null && !Double.isFinite(v)) {
                    throw diverged(finite);
                }
            }
            writeDoubles(d, out);
        }
    }

    private static IOException diverged(String what) {
        return new IOException(what + " holds NaN or infinite values: the model has diverged and is not saved");
    }

    /**
     * Writes values as {@link Nd4j#write} writes a C-ordered float array of that shape made from them.
     *
     * @param values the values
     * @param shape their shape
     * @param out the stream
     * @throws IOException if writing fails
     */
    static void write(float[] values, long[] shape, DataOutputStream out) throws IOException {
        Nd4j.getShapeInfoProvider().createShapeInformation(shape, 'c', DataType.FLOAT).getFirst().write(out);
        writeFloats(values, out);
    }

    /** {@link #write(float[], long[], DataOutputStream)} of zeros, a chunk of zero bytes at a time. */
    static void writeZeros(long[] shape, DataOutputStream out) throws IOException {
        Nd4j.getShapeInfoProvider().createShapeInformation(shape, 'c', DataType.FLOAT).getFirst().write(out);
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        out.writeUTF(MODE);
        out.writeLong(n);
        out.writeUTF(DataType.FLOAT.name());
        byte[] zeros = new byte[CHUNK * 4];
        for (long at = 0; at < n; at += CHUNK) {
            out.write(zeros, 0, (int) Math.min(CHUNK, n - at) * 4);
        }
    }

    /** {@link #write(float[], long[], DataOutputStream)} of the values held in consecutive parts: the same bytes. */
    static void write(float[][] parts, long[] shape, DataOutputStream out) throws IOException {
        Nd4j.getShapeInfoProvider().createShapeInformation(shape, 'c', DataType.FLOAT).getFirst().write(out);
        writeFloats(parts, out);
    }

    private static void writeFloats(float[] v, DataOutputStream out) throws IOException {
        writeFloats(new float[][] {v}, out);
    }

    private static void writeFloats(float[][] parts, DataOutputStream out) throws IOException {
        long length = 0;
        for (float[] v : parts) {
            length += v.length;
        }
        out.writeUTF(MODE);
        out.writeLong(length);
        out.writeUTF(DataType.FLOAT.name());
        ByteBuffer bytes = ByteBuffer.allocate(CHUNK * 4).order(ByteOrder.BIG_ENDIAN);
        for (float[] v : parts) {
            for (int from = 0; from < v.length; from += CHUNK) {
                int n = Math.min(CHUNK, v.length - from);
                bytes.clear();
                bytes.asFloatBuffer().put(v, from, n);
                out.write(bytes.array(), 0, n * 4);
            }
        }
    }

    /** {@link #writeFloats} straight from native memory, a chunk at a time (no copy of the whole array on the heap). */
    private static void writeNativeFloats(INDArray c, DataOutputStream out, String finite) throws IOException {
        long length = c.length();
        out.writeUTF(MODE);
        out.writeLong(length);
        out.writeUTF(DataType.FLOAT.name());
        org.bytedeco.javacpp.FloatPointer from = new org.bytedeco.javacpp.FloatPointer(c.data().addressPointer());
        float[] chunk = new float[CHUNK];
        ByteBuffer bytes = ByteBuffer.allocate(CHUNK * 4).order(ByteOrder.BIG_ENDIAN);
        for (long at = 0; at < length; at += CHUNK) {
            int n = (int) Math.min(CHUNK, length - at);
            from.position(at).get(chunk, 0, n);
            if (finite != null) {
                for (int i = 0; i < n; i++) {
                    if (!Float.isFinite(chunk[i])) {
                        throw diverged(finite);
                    }
                }
            }
            bytes.clear();
            bytes.asFloatBuffer().put(chunk, 0, n);
            out.write(bytes.array(), 0, n * 4);
        }
    }

    /**
     * Reads an array that {@link Nd4j#write} (or {@link #write}) wrote into {@code target}, of its shape: a C-ordered
     * float array straight into its native memory a chunk at a time (a 124M-parameter model read 1.5 s through a copy
     * of each whole array on the heap), any other through {@link #read}.
     *
     * @param in the stream
     * @param target a float or double array, not a view
     * @param what what it is, for messages
     * @param finite whether every value must be finite (a diverged model's parameters are refused)
     * @throws IOException if it is truncated, not ND4J's format, of another shape, or holds a value that is not
     *     finite when {@code finite} is set (the message names {@code what})
     */
    static void readInto(DataInputStream in, INDArray target, String what, boolean finite) throws IOException {
        Header h = header(in, target.shape(), what);
        boolean direct = h.floats() && h.order() == 'c' && target.dataType() == DataType.FLOAT
                && target.ordering() == 'c' && !target.isView() && target.data().length() == h.n();
        if (!direct) {
            Object values = body(in, h, target.dataType() == DataType.FLOAT);
            INDArray a = values instanceof float[] f ? Nd4j.create(f, target.shape(), 'c')
                    : Nd4j.create((double[]) values, target.shape(), 'c');
            if (finite && (a.isNaN().any() || a.isInfinite().any())) {
                throw notFinite(what);
            }
            target.assign(a);
            return;
        }
        org.bytedeco.javacpp.FloatPointer into = new org.bytedeco.javacpp.FloatPointer(target.data().addressPointer());
        float[] chunk = new float[CHUNK];
        byte[] raw = new byte[CHUNK * 4];
        ByteBuffer bytes = ByteBuffer.wrap(raw).order(ByteOrder.BIG_ENDIAN);
        for (long at = 0; at < h.n(); at += CHUNK) {
            int count = (int) Math.min(CHUNK, h.n() - at);
            in.readFully(raw, 0, count * 4);
            bytes.clear();
            bytes.asFloatBuffer().get(chunk, 0, count);
            if (finite) {
                for (int i = 0; i < count; i++) {
                    if (!Float.isFinite(chunk[i])) {
                        throw notFinite(what);
                    }
                }
            }
            into.position(at).put(chunk, 0, count);
        }
    }

    private static IOException notFinite(String what) {
        return new IOException(what + " holds NaN or infinite values: the model had diverged when it was saved; use an"
                + " earlier checkpoint");
    }

    private static void writeDoubles(double[] v, DataOutputStream out) throws IOException {
        out.writeUTF(MODE);
        out.writeLong(v.length);
        out.writeUTF(DataType.DOUBLE.name());
        ByteBuffer bytes = ByteBuffer.allocate(CHUNK * 8).order(ByteOrder.BIG_ENDIAN);
        for (int from = 0; from < v.length; from += CHUNK) {
            int n = Math.min(CHUNK, v.length - from);
            bytes.clear();
            bytes.asDoubleBuffer().put(v, from, n);
            out.write(bytes.array(), 0, n * 8);
        }
    }

    /**
     * Reads an array that {@link Nd4j#write} (or {@link #write}) wrote, of the shape and type of {@code like}.
     *
     * @param in the stream
     * @param like an array of the expected shape and type
     * @param what what it is, for messages
     * @return the values in C order (float[] or double[], as {@code like})
     * @throws IOException if it is truncated, not ND4J's format, or of another shape or type
     */
    static Object read(DataInputStream in, INDArray like, String what) throws IOException {
        return body(in, header(in, like.shape(), what), like.dataType() == DataType.FLOAT);
    }

    /**
     * Reads a float array that {@link Nd4j#write} (or {@link #write}) wrote, of the given shape, into a Java array in C
     * order, in Java alone: no ND4J class is initialised and no native memory is touched, so that a model restored
     * only to generate can start without ND4J.
     *
     * @param in the stream
     * @param shape the expected shape
     * @param what what it is, for messages
     * @param finite whether every value must be finite
     * @return the values in C order (doubles narrowed to floats)
     * @throws IOException if it is truncated, not ND4J's format, of another shape, or holds a value that is not finite
     *     when {@code finite} is set (the message names {@code what})
     */
    static float[] readFloats(DataInputStream in, long[] shape, String what, boolean finite) throws IOException {
        float[] values = (float[]) body(in, header(in, shape, what), true);
        if (finite) {
            for (float v : values) {
                if (!Float.isFinite(v)) {
                    throw notFinite(what);
                }
            }
        }
        return values;
    }

    /**
     * Reads past an array that {@link Nd4j#write} (or {@link #write}) wrote, checking its header against the shape,
     * in Java alone (see {@link #readFloats}).
     *
     * @param in the stream
     * @param shape the expected shape
     * @param what what it is, for messages
     * @throws IOException if it is truncated, not ND4J's format or of another shape
     */
    static void skip(DataInputStream in, long[] shape, String what) throws IOException {
        Header h = header(in, shape, what);
        long bytes = h.n() * (h.floats() ? 4 : 8);
        in.skipNBytes(bytes);
    }

    /** What precedes an array's elements: checked against the expected shape. */
    private record Header(long[] shape, char order, boolean floats, long n) {
    }

    private static Header header(DataInputStream in, long[] expected, String what) throws IOException {
        long[] info = readLongs(in, what);
        int rank = info.length > 0 ? (int) info[0] : -1;
        if (rank < 0 || info.length != 2 * rank + 4) {
            throw new IOException("unreadable array for " + what + " (shape information of " + info.length + " values)");
        }
        long[] shape = Arrays.copyOfRange(info, 1, 1 + rank);
        char order = (char) info[info.length - 1];
        if (!Arrays.equals(shape, expected)) {
            throw new IOException(what + " has shape " + Arrays.toString(shape) + ", the configured model needs "
                    + Arrays.toString(expected));
        }
        long length = 1;
        for (long d : expected) {
            length *= d;
        }
        String mode = in.readUTF();
        long n = in.readLong();
        String type = in.readUTF();
        if (!mode.equals(MODE) || n != length) {
            throw new IOException("unreadable array for " + what + " (" + mode + ", " + n + " elements for shape "
                    + Arrays.toString(shape) + ")");
        }
        boolean floats = type.equals(FLOAT);
        if (!floats && !type.equals(DOUBLE)) {
            throw new IOException("unreadable array for " + what + " (elements of type " + type + ")");
        }
        if (order != 'c' && order != 'f') {
            throw new IOException("unreadable array for " + what + " (order '" + order + "')");
        }
        return new Header(shape, order, floats, n);
    }

    /** The elements, in C order, as floats or doubles as {@code wantFloats} says. */
    private static Object body(DataInputStream in, Header h, boolean wantFloats) throws IOException {
        boolean floats = h.floats();
        long n = h.n();
        int width = floats ? 4 : 8;
        float[] f = floats ? new float[(int) n] : null;
        double[] d = floats ? null : new double[(int) n];
        byte[] chunk = new byte[(int) Math.min(CHUNK, Math.max(n, 1)) * width];
        ByteBuffer bytes = ByteBuffer.wrap(chunk).order(ByteOrder.BIG_ENDIAN);
        for (int from = 0; from < n; from += CHUNK) {
            int count = (int) Math.min(CHUNK, n - from);
            in.readFully(chunk, 0, count * width);
            bytes.clear();
            if (floats) {
                bytes.asFloatBuffer().get(f, from, count);
            } else {
                bytes.asDoubleBuffer().get(d, from, count);
            }
        }
        if (h.order() == 'f') {
            int[] from = fortranToC(h.shape());
            if (floats) {
                float[] c = new float[f.length];
                for (int i = 0; i < c.length; i++) {
                    c[i] = f[from[i]];
                }
                f = c;
            } else {
                double[] c = new double[d.length];
                for (int i = 0; i < c.length; i++) {
                    c[i] = d[from[i]];
                }
                d = c;
            }
        }
        if (wantFloats == floats) {
            return floats ? f : d;
        }
        return floats ? toDoubles(f) : toFloats(d);
    }

    /** For each element in C order, its index in Fortran order. */
    private static int[] fortranToC(long[] shape) {
        int n = 1;
        for (long s : shape) {
            n *= (int) s;
        }
        int[] from = new int[n];
        int rank = shape.length;
        int[] index = new int[rank];
        long[] fStride = new long[rank];
        long stride = 1;
        for (int k = 0; k < rank; k++) {
            fStride[k] = stride;
            stride *= shape[k];
        }
        for (int i = 0; i < n; i++) {
            long at = 0;
            for (int k = 0; k < rank; k++) {
                at += index[k] * fStride[k];
            }
            from[i] = (int) at;
            for (int k = rank - 1; k >= 0; k--) {       // the next index in C order: the last dimension fastest
                if (++index[k] < shape[k]) {
                    break;
                }
                index[k] = 0;
            }
        }
        return from;
    }

    /** Floats widened to doubles. */
    static double[] toDoubles(float[] f) {
        double[] d = new double[f.length];
        for (int i = 0; i < f.length; i++) {
            d[i] = f[i];
        }
        return d;
    }

    /** Doubles narrowed to floats. */
    static float[] toFloats(double[] d) {
        float[] f = new float[d.length];
        for (int i = 0; i < d.length; i++) {
            f[i] = (float) d[i];
        }
        return f;
    }

    private static long[] readLongs(DataInputStream in, String what) throws IOException {
        String mode = in.readUTF();
        long n = in.readLong();
        String type = in.readUTF();
        if (!mode.equals(MODE) || !type.equals(LONG) || n < 0 || n > 2 * 32 + 4) {
            throw new IOException("unreadable array for " + what + " (a header of " + mode + ", " + n + " " + type + ")");
        }
        long[] v = new long[(int) n];
        for (int i = 0; i < n; i++) {
            v[i] = in.readLong();
        }
        return v;
    }
}
