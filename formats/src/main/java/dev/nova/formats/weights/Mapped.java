package dev.nova.formats.weights;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;

/** Tensor bytes of a weights file read through a memory map, whatever the format that located them. */
final class Mapped {

    private Mapped() {
    }

    /**
     * A floating-point tensor's values as floats (F16 and BF16 widened exactly).
     *
     * @param file the file, for errors
     * @param channel its open channel
     * @param what the tensor, for errors ("tensor 'x'")
     * @param dtype its element type
     * @param begin its first byte from the file's start
     * @param end one past its last byte
     * @param elements its number of elements
     * @return its elements in storage order
     */
    static float[] floats(Path file, FileChannel channel, String what, DType dtype, long begin, long end,
            long elements) {
        if (!dtype.isFloat()) {
            throw new WeightsFileException(file, begin, what + " is " + dtype + ", expected F32, F16 or BF16");
        }
        if (elements >= Integer.MAX_VALUE) {
            throw new WeightsFileException(file, begin, what + " has " + elements + " elements, more than one array"
                    + " holds");
        }
        float[] out = new float[(int) elements];
        int width = dtype.bytes();
        long chunk = (1L << 30) / width * width;                  // mapped a gigabyte at a time
        int at = 0;
        try {
            for (long from = begin; from < end; from += chunk) {
                MappedByteBuffer map = channel.map(FileChannel.MapMode.READ_ONLY, from, Math.min(chunk, end - from));
                map.order(ByteOrder.LITTLE_ENDIAN);
                switch (dtype) {
                    case F32 -> {
                        int n = map.remaining() / 4;
                        map.asFloatBuffer().get(out, at, n);
                        at += n;
                    }
                    case F16 -> {
                        while (map.hasRemaining()) {
                            out[at++] = DType.halfToFloat(map.getShort());
                        }
                    }
                    default -> {
                        while (map.hasRemaining()) {
                            out[at++] = Float.intBitsToFloat((map.getShort() & 0xffff) << 16);
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return out;
    }

    /**
     * Writes floats as F32 or F16 little-endian.
     *
     * @param out where to
     * @param dtype F32 or F16
     * @param values the values
     * @param chunk a reusable little-endian buffer of at least 4 bytes
     */
    static void write(java.io.OutputStream out, DType dtype, float[] values, java.nio.ByteBuffer chunk)
            throws IOException {
        chunk.clear();
        for (float v : values) {
            if (chunk.remaining() < 4) {
                out.write(chunk.array(), 0, chunk.position());
                chunk.clear();
            }
            if (dtype == DType.F32) {
                chunk.putFloat(v);
            } else {
                chunk.putShort(DType.floatToHalf(v));
            }
        }
        out.write(chunk.array(), 0, chunk.position());
        chunk.clear();
    }
}
