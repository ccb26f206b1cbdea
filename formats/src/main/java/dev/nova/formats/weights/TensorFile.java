package dev.nova.formats.weights;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * A weights file whose header has been checked whole: its tensors located by name, each read through a memory map.
 * What {@link Safetensors} and {@link Gguf} share once their headers are parsed.
 *
 * @since 1.4
 */
@API(status = EXPERIMENTAL, since = "1.4")
public abstract sealed class TensorFile implements Closeable permits Safetensors, Gguf {

    /**
     * One tensor of a file.
     *
     * @param name its name
     * @param dtype its element type
     * @param shape its shape, row-major (outermost first; empty for a scalar)
     * @param begin its first byte, from the file's start
     * @param end one past its last byte, from the file's start
     */
    public record Tensor(String name, DType dtype, long[] shape, long begin, long end) {

        /** Its number of elements. */
        public long elements() {
            long n = 1;
            for (long d : shape) {
                n *= d;
            }
            return n;
        }

        @Override
        public String toString() {
            return name + " " + dtype + java.util.Arrays.toString(shape);
        }
    }

    /** Parses a header from an open channel; the channel stays open when it returns. */
    @FunctionalInterface
    interface HeaderReader<T extends TensorFile> {
        T read(Path file, FileChannel channel) throws IOException;
    }

    private final Path file;
    private final FileChannel channel;
    private final Map<String, Tensor> tensors;

    TensorFile(Path file, FileChannel channel, Map<String, Tensor> tensors) {
        this.file = file;
        this.channel = channel;
        this.tensors = tensors;
    }

    /** Opens a file and reads its header, closing the file again if the header is refused. */
    static <T extends TensorFile> T open(Path file, HeaderReader<T> header) {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            T t = header.read(file, channel);
            channel = null;
            return t;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } finally {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException ignored) {
                    // the refusal is what matters
                }
            }
        }
    }

    /** Refuses tensors that share bytes, naming the later one and the byte where it starts. */
    static void checkOverlaps(Path file, Map<String, Tensor> tensors) {
        List<Tensor> byStart = new ArrayList<>(tensors.values());
        byStart.sort(Comparator.comparingLong(Tensor::begin).thenComparingLong(Tensor::end));
        for (int i = 1; i < byStart.size(); i++) {
            Tensor a = byStart.get(i - 1);
            Tensor b = byStart.get(i);
            if (b.begin() < a.end()) {
                throw new WeightsFileException(file, b.begin(), "tensor '" + b.name() + "' overlaps tensor '" + a.name()
                        + "' (bytes " + a.begin() + " to " + a.end() + "): each tensor needs its own bytes");
            }
        }
    }

    /** The file. */
    public Path file() {
        return file;
    }

    /** The tensors, in the header's order. */
    public Map<String, Tensor> tensors() {
        return tensors;
    }

    /**
     * A tensor by name.
     *
     * @param name its name
     * @return the tensor
     * @throws WeightsFileException if there is none of that name
     */
    public Tensor tensor(String name) {
        Tensor t = tensors.get(name);
        if (t == null) {
            throw new WeightsFileException(file, "no tensor '" + name + "' (it has " + tensors.size() + " tensors)");
        }
        return t;
    }

    /**
     * A floating-point tensor's values as floats, read from the mapped file (F16 and BF16 widened exactly).
     *
     * @param name its name
     * @return its elements in row-major order
     * @throws WeightsFileException if there is none, it is not F32/F16/BF16, or it has 2^31 elements or more
     */
    public float[] floats(String name) {
        Tensor t = tensor(name);
        return Mapped.floats(file, channel, "tensor '" + name + "'", t.dtype(), t.begin(), t.end(), t.elements());
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close " + file + ": " + e.getMessage(), e);
        }
    }
}
