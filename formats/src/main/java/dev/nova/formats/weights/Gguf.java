package dev.nova.formats.weights;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
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
public final class Gguf extends TensorFile {

    /** The version written (and, with 2, read). */
    public static final int VERSION = 3;
    /** The data alignment written, and read when the file does not set {@code general.alignment}. */
    public static final int ALIGNMENT = 32;
    /** The longest string read (a key, a token, a merge, a name). */
    public static final int MAX_STRING_BYTES = 1 << 20;
    /** The most dimensions a tensor has (ggml's limit). */
    public static final int MAX_DIMS = 4;

    static final int MAGIC = 0x46554747;   // "GGUF" read little-endian
    private static final int UINT8 = 0;
    private static final int INT8 = 1;
    private static final int UINT16 = 2;
    private static final int INT16 = 3;
    static final int UINT32 = 4;
    static final int INT32 = 5;
    static final int FLOAT32 = 6;
    static final int BOOL = 7;
    static final int STRING = 8;
    static final int ARRAY = 9;
    private static final int UINT64 = 10;
    private static final int INT64 = 11;
    private static final int FLOAT64 = 12;
    static final int GGML_F32 = 0;
    static final int GGML_F16 = 1;
    private static final int GGML_BF16 = 30;

    private final int version;
    private final Map<String, Object> metadata;

    private Gguf(Path file, FileChannel channel, int version, Map<String, Object> metadata, Map<String, Tensor> tensors) {
        super(file, channel, tensors);
        this.version = version;
        this.metadata = metadata;
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
        return open(file, Gguf::read);
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
            checkOverlaps(file, tensors);
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
}
