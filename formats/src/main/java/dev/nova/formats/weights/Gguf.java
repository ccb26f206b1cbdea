package dev.nova.formats.weights;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * A GGUF file (llama.cpp's format, version 3: a header of typed key/value metadata and tensor descriptions, then the
 * tensors' data, each aligned), read through a memory map and written for llama.cpp and Ollama to run.
 *
 * <p>Opening checks the whole header before any tensor is read: the magic and version, every string's and array's
 * declared length against the bytes left in the file (a declared length is never allocated before that check), each
 * tensor's type (F32, F16 and BF16 are read; quantised types are named and refused), dimensions, alignment and range
 * (inside the file, overlapping no other tensor). Each refusal is one line naming the file and the byte offset
 * ({@link WeightsFileException}).
 *
 * <p>Shapes are given here in row-major order, outermost first, as safetensors and PyTorch give them (GGUF itself
 * stores them innermost first: a PyTorch {@code [out, in]} matrix is GGUF's {@code [in, out]}).
 *
 * @since 1.4
 */
@API(status = EXPERIMENTAL, since = "1.4")
public final class Gguf implements Closeable {

    /** The version written (and, with 2, read). */
    public static final int VERSION = 3;
    /** The data alignment written, and read when the file does not set {@code general.alignment}. */
    public static final int ALIGNMENT = 32;
    /** The longest string read (a key, a token, a merge, a name). */
    public static final int MAX_STRING_BYTES = 1 << 20;
    /** The most dimensions a tensor has (ggml's limit). */
    public static final int MAX_DIMS = 4;

    private static final int MAGIC = 0x46554747;   // "GGUF" read little-endian
    private static final int UINT8 = 0;
    private static final int INT8 = 1;
    private static final int UINT16 = 2;
    private static final int INT16 = 3;
    private static final int UINT32 = 4;
    private static final int INT32 = 5;
    private static final int FLOAT32 = 6;
    private static final int BOOL = 7;
    private static final int STRING = 8;
    private static final int ARRAY = 9;
    private static final int UINT64 = 10;
    private static final int INT64 = 11;
    private static final int FLOAT64 = 12;
    private static final int GGML_F32 = 0;
    private static final int GGML_F16 = 1;
    private static final int GGML_BF16 = 30;

    /**
     * One tensor of a file.
     *
     * @param name its name
     * @param dtype its element type
     * @param shape its shape, row-major (outermost first)
     * @param begin its first byte, from the file's start
     * @param end one past its last byte
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

    private final Path file;
    private final FileChannel channel;
    private final int version;
    private final Map<String, Object> metadata;
    private final Map<String, Tensor> tensors;

    private Gguf(Path file, FileChannel channel, int version, Map<String, Object> metadata, Map<String, Tensor> tensors) {
        this.file = file;
        this.channel = channel;
        this.version = version;
        this.metadata = metadata;
        this.tensors = tensors;
    }

    /**
     * Opens a file and checks its header.
     *
     * @param file the file
     * @return the open file; close it
     * @throws WeightsFileException naming the file and byte offset of what is wrong
     * @throws UncheckedIOException if it cannot be read
     */
    public static Gguf open(Path file) {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            Gguf g = read(file, channel);
            channel = null;
            return g;
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

    /** A little-endian reader that knows its offset and the bytes left, so no declared length outruns the file. */
    private static final class Reader {
        private final Path file;
        private final InputStream in;
        private final long size;
        private long at;
        private final byte[] eight = new byte[8];

        Reader(Path file, InputStream in, long size) {
            this.file = file;
            this.in = in;
            this.size = size;
        }

        long left() {
            return size - at;
        }

        void need(long bytes, String what) {
            if (bytes < 0 || bytes > left()) {
                throw new WeightsFileException(file, at, what + " needs " + Long.toUnsignedString(bytes)
                        + " bytes but the file has " + left() + " left (" + size + " in all)");
            }
        }

        private void fill(byte[] b, int n) throws IOException {
            int off = 0;
            while (off < n) {
                int r = in.read(b, off, n - off);
                if (r < 0) {
                    throw new EOFException();
                }
                off += r;
            }
            at += n;
        }

        long fixed(int bytes, String what) throws IOException {
            need(bytes, what);
            fill(eight, bytes);
            long v = 0;
            for (int i = bytes - 1; i >= 0; i--) {
                v = (v << 8) | (eight[i] & 0xff);
            }
            return v;
        }

        int u32(String what) throws IOException {
            return (int) fixed(4, what);
        }

        long u64(String what) throws IOException {
            return fixed(8, what);
        }

        String string(String what) throws IOException {
            long start = at;
            long n = u64(what + "'s length");
            if (n < 0 || n > MAX_STRING_BYTES) {
                throw new WeightsFileException(file, start, what + " declares " + Long.toUnsignedString(n)
                        + " bytes, expected at most " + MAX_STRING_BYTES);
            }
            need(n, what);
            byte[] b = new byte[(int) n];
            fill(b, (int) n);
            try {
                return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
            } catch (CharacterCodingException e) {
                throw new WeightsFileException(file, start + 8, what + " is not UTF-8");
            }
        }

        void skip(long n) throws IOException {
            need(n, "the padding");
            long left = n;
            while (left > 0) {
                long s = in.skip(left);
                if (s <= 0) {
                    if (in.read() < 0) {
                        throw new EOFException();
                    }
                    s = 1;
                }
                left -= s;
            }
            at += n;
        }
    }

    private static Gguf read(Path file, FileChannel channel) throws IOException {
        long size = channel.size();
        Reader r = new Reader(file, new BufferedInputStream(Channels.newInputStream(channel.position(0)), 1 << 16), size);
        try {
            if (size < 24) {
                throw new WeightsFileException(file, 0, size + " bytes, too short for a GGUF file (magic, version and"
                        + " two counts take 24)");
            }
            int magic = r.u32("the magic");
            if (magic != MAGIC) {
                throw new WeightsFileException(file, 0, "not a GGUF file (it starts with 0x"
                        + String.format("%08x", Integer.reverseBytes(magic)) + ", expected the bytes 'GGUF')");
            }
            int version = r.u32("the version");
            if (version != 2 && version != 3) {
                throw new WeightsFileException(file, 4, "GGUF version " + Integer.toUnsignedString(version)
                        + ", expected 2 or 3");
            }
            long tensorCount = r.u64("the tensor count");
            long kvCount = r.u64("the metadata count");
            // The smallest tensor description is 8 + 4 + 8 + 4 + 8 bytes; the smallest key/value 8 + 4 + 1.
            if (tensorCount < 0 || tensorCount > r.left() / 32) {
                throw new WeightsFileException(file, 8, "declares " + Long.toUnsignedString(tensorCount)
                        + " tensors, more than the file's " + size + " bytes can describe");
            }
            if (kvCount < 0 || kvCount > r.left() / 13) {
                throw new WeightsFileException(file, 16, "declares " + Long.toUnsignedString(kvCount)
                        + " metadata entries, more than the file's " + size + " bytes can hold");
            }
            Map<String, Object> metadata = new LinkedHashMap<>();
            for (long i = 0; i < kvCount; i++) {
                long at = r.at;
                String key = r.string("metadata key " + i);
                int type = r.u32("the type of '" + key + "'");
                Object value = value(r, type, "'" + key + "'", at, true);
                if (metadata.put(key, value) != null) {
                    throw new WeightsFileException(file, at, "metadata key '" + key + "' appears twice");
                }
            }
            long alignment = ALIGNMENT;
            if (metadata.containsKey("general.alignment")) {
                if (!(metadata.get("general.alignment") instanceof Long a) || a < 1 || a > (1 << 16) || Long.bitCount(a) != 1) {
                    throw new WeightsFileException(file, "general.alignment is " + metadata.get("general.alignment")
                            + ", expected a power of two up to 65536");
                }
                alignment = a;
            }
            List<Object[]> described = new ArrayList<>();
            java.util.Set<String> named = new java.util.HashSet<>();
            for (long i = 0; i < tensorCount; i++) {
                long at = r.at;
                String name = r.string("tensor name " + i);
                String where = "tensor '" + name + "'";
                int dims = r.u32(where + "'s dimension count");
                if (dims < 1 || dims > MAX_DIMS) {
                    throw new WeightsFileException(file, r.at - 4, where + " has " + Integer.toUnsignedString(dims)
                            + " dimensions, expected 1 to " + MAX_DIMS);
                }
                long[] shape = new long[dims];
                long elements = 1;
                for (int d = 0; d < dims; d++) {
                    long n = r.u64(where + "'s dimensions");
                    if (n < 1) {
                        throw new WeightsFileException(file, r.at - 8, where + " has dimension "
                                + Long.toUnsignedString(n) + ", expected 1 or more");
                    }
                    shape[dims - 1 - d] = n;
                    try {
                        elements = Math.multiplyExact(elements, n);
                    } catch (ArithmeticException overflow) {
                        throw new WeightsFileException(file, at, where + " is too large for any file");
                    }
                }
                int type = r.u32(where + "'s type");
                DType dtype = switch (type) {
                    case GGML_F32 -> DType.F32;
                    case GGML_F16 -> DType.F16;
                    case GGML_BF16 -> DType.BF16;
                    default -> throw new WeightsFileException(file, r.at - 4, where + " has ggml type "
                            + Integer.toUnsignedString(type) + " (a quantised type), expected F32 (0), F16 (1) or"
                            + " BF16 (30): quantised files are not read by Nova");
                };
                long offset = r.u64(where + "'s offset");
                if (offset < 0 || offset % alignment != 0) {
                    throw new WeightsFileException(file, r.at - 8, where + " has offset " + Long.toUnsignedString(offset)
                            + ", expected a multiple of the alignment " + alignment);
                }
                long bytes;
                try {
                    bytes = Math.multiplyExact(elements, dtype.bytes());
                } catch (ArithmeticException overflow) {
                    throw new WeightsFileException(file, at, where + " is too large for any file");
                }
                if (!named.add(name)) {
                    throw new WeightsFileException(file, at, "two tensors are named '" + name + "'");
                }
                described.add(new Object[] {name, dtype, shape, offset, bytes});
            }
            long data = (r.at + alignment - 1) / alignment * alignment;
            if (data > size && tensorCount > 0) {
                throw new WeightsFileException(file, r.at, "the header ends where the tensor data should begin, at"
                        + " byte " + data + ", past the end of the file (" + size + " bytes)");
            }
            Map<String, Tensor> tensors = new LinkedHashMap<>();
            for (Object[] d : described) {
                String name = (String) d[0];
                long offset = (long) d[3];
                long bytes = (long) d[4];
                if (offset > size - data || bytes > size - data - offset) {
                    throw new WeightsFileException(file, data + Math.min(offset, size - data), "tensor '" + name
                            + "' (" + bytes + " bytes at data offset " + offset + ") ends past the end of the file ("
                            + size + " bytes)");
                }
                tensors.put(name, new Tensor(name, (DType) d[1], (long[]) d[2], data + offset, data + offset + bytes));
            }
            List<Tensor> byStart = new ArrayList<>(tensors.values());
            byStart.sort(Comparator.comparingLong(Tensor::begin).thenComparingLong(Tensor::end));
            for (int i = 1; i < byStart.size(); i++) {
                Tensor a = byStart.get(i - 1);
                Tensor b = byStart.get(i);
                if (b.begin() < a.end()) {
                    throw new WeightsFileException(file, b.begin(), "tensor '" + b.name() + "' overlaps tensor '"
                            + a.name() + "' (bytes " + a.begin() + " to " + a.end() + "): each tensor needs its own bytes");
                }
            }
            return new Gguf(file, channel, version, Collections.unmodifiableMap(metadata),
                    Collections.unmodifiableMap(tensors));
        } catch (EOFException e) {
            throw new WeightsFileException(file, r.at, "the file ends inside its header");
        }
    }

    private static Object value(Reader r, int type, String what, long at, boolean arrays) throws IOException {
        return switch (type) {
            case UINT8, INT8, BOOL -> {
                long v = r.fixed(1, what);
                yield type == BOOL ? (Object) (v != 0) : (Object) (type == INT8 ? (long) (byte) v : v);
            }
            case UINT16 -> r.fixed(2, what);
            case INT16 -> (long) (short) r.fixed(2, what);
            case UINT32 -> r.fixed(4, what);
            case INT32 -> (long) (int) r.fixed(4, what);
            case FLOAT32 -> (double) Float.intBitsToFloat((int) r.fixed(4, what));
            case UINT64, INT64 -> r.fixed(8, what);
            case FLOAT64 -> Double.longBitsToDouble(r.fixed(8, what));
            case STRING -> r.string(what);
            case ARRAY -> {
                if (!arrays) {
                    throw new WeightsFileException(r.file, at, what + " is an array of arrays, which Nova does not read");
                }
                int elementType = r.u32(what + "'s element type");
                long n = r.u64(what + "'s length");
                long smallest = switch (elementType) {
                    case UINT8, INT8, BOOL -> 1;
                    case UINT16, INT16 -> 2;
                    case UINT32, INT32, FLOAT32 -> 4;
                    case STRING, UINT64, INT64, FLOAT64 -> 8;
                    default -> throw new WeightsFileException(r.file, r.at - 12, what + " has elements of type "
                            + Integer.toUnsignedString(elementType) + ", expected a GGUF value type 0 to 12 other than"
                            + " an array");
                };
                if (n < 0 || n > r.left() / smallest) {
                    throw new WeightsFileException(r.file, r.at - 8, what + " declares " + Long.toUnsignedString(n)
                            + " elements, more than the " + r.left() + " bytes left in the file hold");
                }
                List<Object> list = new ArrayList<>((int) Math.min(n, 1 << 16));
                for (long i = 0; i < n; i++) {
                    list.add(value(r, elementType, what, at, false));
                }
                yield Collections.unmodifiableList(list);
            }
            default -> throw new WeightsFileException(r.file, r.at - 4, what + " has value type "
                    + Integer.toUnsignedString(type) + ", expected 0 to 12");
        };
    }

    /** The file. */
    public Path file() {
        return file;
    }

    /** Its version (2 or 3). */
    public int version() {
        return version;
    }

    /**
     * The metadata, in the file's order: whole numbers as {@code Long}, floats as {@code Double}, booleans, strings,
     * and arrays as lists of those.
     *
     * @return the metadata
     */
    public Map<String, Object> metadata() {
        return metadata;
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
     * A tensor's values as floats (F16 and BF16 widened exactly).
     *
     * @param name its name
     * @return its elements in row-major order
     * @throws WeightsFileException if there is none or it has 2^31 elements or more
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

    /** Typed metadata to write, in order: GGUF keys have types that readers check ({@code u32}, not any number). */
    public static final class Metadata {
        private final Map<String, Object[]> entries = new LinkedHashMap<>();

        private Metadata put(String key, int type, Object value) {
            if (entries.put(key, new Object[] {type, value}) != null) {
                throw new IllegalArgumentException("metadata key '" + key + "' given twice");
            }
            return this;
        }

        /** A string value. */
        public Metadata string(String key, String value) {
            return put(key, STRING, value);
        }

        /** A 32-bit unsigned value. */
        public Metadata u32(String key, int value) {
            return put(key, UINT32, value);
        }

        /** A 32-bit float value. */
        public Metadata f32(String key, float value) {
            return put(key, FLOAT32, value);
        }

        /** A boolean value. */
        public Metadata bool(String key, boolean value) {
            return put(key, BOOL, value);
        }

        /** An array of strings. */
        public Metadata strings(String key, List<String> values) {
            return put(key, -STRING, List.copyOf(values));
        }

        /** An array of 32-bit signed values. */
        public Metadata i32s(String key, int[] values) {
            return put(key, -INT32, values.clone());
        }
    }

    /**
     * Writes a GGUF version 3 file: the metadata (with {@code general.alignment} if the caller gave none), the tensors'
     * descriptions in order, then their data, each aligned to {@link #ALIGNMENT}.
     *
     * @param out where the file's bytes go (the caller makes the write atomic)
     * @param metadata the metadata
     * @param tensors the tensors, F32 or F16, shapes row-major
     * @throws IOException if writing fails
     */
    public static void write(OutputStream out, Metadata metadata, List<TensorValues> tensors) throws IOException {
        Le w = new Le(out);
        Map<String, Object[]> entries = new LinkedHashMap<>(metadata.entries);
        entries.putIfAbsent("general.alignment", new Object[] {UINT32, ALIGNMENT});
        w.u32(MAGIC);
        w.u32(VERSION);
        w.u64(tensors.size());
        w.u64(entries.size());
        for (Map.Entry<String, Object[]> e : entries.entrySet()) {
            w.string(e.getKey());
            int type = (int) e.getValue()[0];
            Object v = e.getValue()[1];
            switch (type) {
                case STRING -> {
                    w.u32(STRING);
                    w.string((String) v);
                }
                case UINT32 -> {
                    w.u32(UINT32);
                    w.u32((Integer) v);
                }
                case FLOAT32 -> {
                    w.u32(FLOAT32);
                    w.u32(Float.floatToRawIntBits((Float) v));
                }
                case BOOL -> {
                    w.u32(BOOL);
                    w.out.write((Boolean) v ? 1 : 0);
                    w.at++;
                }
                case -STRING -> {
                    List<?> list = (List<?>) v;
                    w.u32(ARRAY);
                    w.u32(STRING);
                    w.u64(list.size());
                    for (Object s : list) {
                        w.string((String) s);
                    }
                }
                case -INT32 -> {
                    int[] a = (int[]) v;
                    w.u32(ARRAY);
                    w.u32(INT32);
                    w.u64(a.length);
                    for (int x : a) {
                        w.u32(x);
                    }
                }
                default -> throw new IllegalStateException("type " + type);
            }
        }
        long offset = 0;
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (TensorValues t : tensors) {
            if (!seen.add(t.name())) {
                throw new IllegalArgumentException("two tensors named " + t.name());
            }
            if (t.shape().length < 1 || t.shape().length > MAX_DIMS) {
                throw new IllegalArgumentException(t.name() + ": GGUF tensors have 1 to " + MAX_DIMS + " dimensions");
            }
            w.string(t.name());
            w.u32(t.shape().length);
            for (int d = t.shape().length - 1; d >= 0; d--) {
                w.u64(t.shape()[d]);
            }
            w.u32(t.dtype() == DType.F32 ? GGML_F32 : GGML_F16);
            w.u64(offset);
            offset = align(offset + t.bytes());
        }
        w.pad();
        ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (TensorValues t : tensors) {
            Mapped.write(out, t.dtype(), t.values(), chunk);
            w.at += t.bytes();
            w.pad();
        }
        w.out.flush();
    }

    private static long align(long n) {
        return (n + ALIGNMENT - 1) / ALIGNMENT * ALIGNMENT;
    }

    /** Little-endian primitives, counting bytes for the padding. */
    private static final class Le {
        final DataOutputStream out;
        long at;

        Le(OutputStream out) {
            this.out = new DataOutputStream(out);
        }

        void u32(int v) throws IOException {
            out.writeInt(Integer.reverseBytes(v));
            at += 4;
        }

        void u64(long v) throws IOException {
            out.writeLong(Long.reverseBytes(v));
            at += 8;
        }

        void string(String s) throws IOException {
            byte[] b = s.getBytes(StandardCharsets.UTF_8);
            u64(b.length);
            out.write(b);
            at += b.length;
        }

        void pad() throws IOException {
            while (at % ALIGNMENT != 0) {
                out.write(0);
                at++;
            }
        }
    }
}
