package dev.nova.kit.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Bulk reading and writing of ND4J's array format: ND4J's bytes, byte for byte, both ways. */
class ArrayIoTests {

    private static byte[] nd4j(INDArray a) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        Nd4j.write(a, new DataOutputStream(b));
        return b.toByteArray();
    }

    private static byte[] ours(INDArray a) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ArrayIo.write(a, new DataOutputStream(b));
        return b.toByteArray();
    }

    private static INDArray random(long seed, DataType type, long... shape) {
        Random r = new Random(seed);
        long n = 1;
        for (long d : shape) {
            n *= d;
        }
        float[] v = new float[(int) n];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) r.nextGaussian();
        }
        return Nd4j.create(v, shape, 'c').castTo(type);
    }

    @Test
    void whatIsWrittenIsNd4jsBytesAndReadsBackAsNd4jReadsIt() throws IOException {
        INDArray big = random(1, DataType.FLOAT, 300, 700);             // more than one chunk of 65,536 elements
        List<INDArray> arrays = List.of(random(2, DataType.FLOAT, 1, 1), random(3, DataType.FLOAT, 1, 17),
                random(4, DataType.FLOAT, 5, 3), big, big.get(NDArrayIndex.interval(10, 20), NDArrayIndex.all()),
                random(5, DataType.FLOAT, 4, 6).dup('f'), random(6, DataType.DOUBLE, 3, 9));
        for (INDArray a : arrays) {
            byte[] expected = nd4j(a);
            assertArrayEquals(expected, ours(a), "shape " + java.util.Arrays.toString(a.shape()) + " " + a.ordering());
            INDArray like = Nd4j.create(a.dataType(), a.shape());
            Object read = ArrayIo.read(new DataInputStream(new ByteArrayInputStream(expected)), like, "x");
            INDArray back = read instanceof float[] f ? Nd4j.create(f, a.shape(), 'c')
                    : Nd4j.create((double[]) read, a.shape(), 'c');
            assertEquals(a.dup('c'), back);
        }
        float[] values = big.data().asFloat();
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        ArrayIo.write(values, big.shape(), new DataOutputStream(b));
        assertArrayEquals(nd4j(big), b.toByteArray(), "an optimiser's moments: values and a shape");
    }

    @Test
    void anotherShapeOrATruncatedArrayIsNamed() throws IOException {
        byte[] bytes = nd4j(random(7, DataType.FLOAT, 4, 5));
        IOException shape = assertThrows(IOException.class, () -> ArrayIo.read(
                new DataInputStream(new ByteArrayInputStream(bytes)), Nd4j.create(DataType.FLOAT, 5, 4), "parameter w"));
        assertEquals("parameter w has shape [4, 5], the configured model needs [5, 4]", shape.getMessage());
        byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 3);
        assertThrows(java.io.EOFException.class, () -> ArrayIo.read(new DataInputStream(new ByteArrayInputStream(cut)),
                Nd4j.create(DataType.FLOAT, 4, 5), "parameter w"));
        byte[] junk = "not an array at all, just text".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        IOException e = assertThrows(IOException.class, () -> ArrayIo.read(
                new DataInputStream(new ByteArrayInputStream(junk)), Nd4j.create(DataType.FLOAT, 4, 5), "parameter w"));
        assertTrue(e instanceof java.io.EOFException || e.getMessage().contains("parameter w"), e.getMessage());
    }

    @Test
    void javaAloneReadsEveryLayoutNd4jWritesAsNd4jReadsIt() throws IOException {
        // C and Fortran order, floats and doubles (narrowed), one chunk and several, a view: what the ND4J path reads.
        List<INDArray> arrays = List.of(random(11, DataType.FLOAT, 1, 7), random(12, DataType.FLOAT, 300, 700),
                random(13, DataType.FLOAT, 4, 6).dup('f'), random(14, DataType.DOUBLE, 3, 9),
                random(15, DataType.DOUBLE, 5, 2).dup('f'), random(16, DataType.FLOAT, 2, 3, 4).dup('f'));
        for (INDArray a : arrays) {
            byte[] bytes = nd4j(a);
            DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
            float[] read = ArrayIo.readFloats(in, a.shape(), "x", true);
            assertArrayEquals(a.castTo(DataType.FLOAT).dup('c').data().asFloat(), read,
                    java.util.Arrays.toString(a.shape()) + " " + a.ordering() + " " + a.dataType());
            assertEquals(-1, in.read(), "read to the array's end and no further");
            DataInputStream skipped = new DataInputStream(new ByteArrayInputStream(bytes));
            ArrayIo.skip(skipped, a.shape(), "x");
            assertEquals(-1, skipped.read(), "skipped to the array's end and no further");
        }
    }

    @Test
    void javaAloneNamesAnotherShapeATruncationAndValuesThatAreNotFinite() throws IOException {
        byte[] bytes = nd4j(random(17, DataType.FLOAT, 4, 5));
        IOException shape = assertThrows(IOException.class, () -> ArrayIo.readFloats(
                new DataInputStream(new ByteArrayInputStream(bytes)), new long[] {5, 4}, "parameter w", true));
        assertEquals("parameter w has shape [4, 5], the configured model needs [5, 4]", shape.getMessage());
        byte[] cut = java.util.Arrays.copyOf(bytes, bytes.length - 3);
        assertThrows(java.io.EOFException.class, () -> ArrayIo.readFloats(
                new DataInputStream(new ByteArrayInputStream(cut)), new long[] {4, 5}, "parameter w", true));
        assertThrows(java.io.EOFException.class, () -> ArrayIo.skip(
                new DataInputStream(new ByteArrayInputStream(cut)), new long[] {4, 5}, "parameter w"));
        INDArray nan = random(18, DataType.FLOAT, 4, 5);
        nan.putScalar(2, 3, Float.NaN);
        byte[] diverged = nd4j(nan);
        IOException e = assertThrows(IOException.class, () -> ArrayIo.readFloats(
                new DataInputStream(new ByteArrayInputStream(diverged)), new long[] {4, 5}, "parameter w", true));
        assertTrue(e.getMessage().startsWith("parameter w holds NaN or infinite values"), e.getMessage());
        float[] kept = ArrayIo.readFloats(new DataInputStream(new ByteArrayInputStream(diverged)), new long[] {4, 5},
                "moment of w", false);
        assertTrue(Float.isNaN(kept[2 * 5 + 3]));
    }

    /** Values written from consecutive parts are ND4J's bytes of the whole array, and read back into parts. */
    @Test
    void partsWriteAndReadTheWholeArraysBytes() throws IOException {
        INDArray a = Nd4j.rand(DataType.FLOAT, 7, 1000);
        float[] all = Buffers.floats(a);
        float[][] parts = {java.util.Arrays.copyOfRange(all, 0, 4096), java.util.Arrays.copyOfRange(all, 4096, 6999),
            java.util.Arrays.copyOfRange(all, 6999, 7000)};
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        FloatParts.write(parts, a.shape(), new DataOutputStream(b));
        assertArrayEquals(nd4j(a), b.toByteArray());
        float[][] back = {new float[4096], new float[2903], new float[1]};
        FloatParts.read(new DataInputStream(new ByteArrayInputStream(b.toByteArray())), a, back, "parts");
        for (int i = 0; i < parts.length; i++) {
            assertArrayEquals(parts[i], back[i]);
        }
        float[][] short_ = {new float[4096], new float[2903]};
        IOException e = assertThrows(IOException.class, () -> FloatParts.read(
                new DataInputStream(new ByteArrayInputStream(b.toByteArray())), a, short_, "parts"));
        assertTrue(e.getMessage().contains("parts"), e.getMessage());
    }
}
