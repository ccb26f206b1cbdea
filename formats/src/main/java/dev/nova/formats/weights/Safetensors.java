package dev.nova.formats.weights;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import com.fasterxml.jackson.jr.ob.JSON;
import com.fasterxml.jackson.jr.ob.JSONObjectException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
 * A safetensors file (Hugging Face's weights format: an 8-byte little-endian header length, a JSON header naming each
 * tensor's dtype, shape and byte range, then the raw little-endian data), read memory-mapped.
 *
 * <p>Opening checks the whole header before any tensor is read: its length against the file, its JSON (no duplicate
 * key), each tensor's dtype, shape and range (inside the data, of the size its shape and dtype give, overlapping no
 * other tensor), and the {@code __metadata__} (strings only). Each refusal is one line naming the file and the byte
 * offset ({@link WeightsFileException}); a tensor declared larger than the file is refused before anything is
 * allocated. {@link #write} writes the format.
 *
 * @since 1.4
 */
@API(status = EXPERIMENTAL, since = "1.4")
public final class Safetensors extends TensorFile {

    /** The largest header read (the format's own reader allows 100 MB). */
    public static final long MAX_HEADER_BYTES = 100L << 20;

    private static final String METADATA = "__metadata__";

    private final Map<String, String> metadata;

    private Safetensors(Path file, FileChannel channel, Map<String, Tensor> tensors, Map<String, String> metadata) {
        super(file, channel, tensors);
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
    public static Safetensors open(Path file) {
        return open(file, Safetensors::read);
    }

    private static Safetensors read(Path file, FileChannel channel) throws IOException {
        long size = channel.size();
        if (size < 8) {
            throw new WeightsFileException(file, 0, size + " bytes, too short for a safetensors file (an 8-byte header"
                    + " length, then a JSON header)");
        }
        ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(channel, lengthBytes, 0);
        long length = lengthBytes.getLong(0);
        if (length < 2 || length > Math.min(MAX_HEADER_BYTES, size - 8)) {
            throw new WeightsFileException(file, 0, "header length " + Long.toUnsignedString(length) + ", expected 2 to "
                    + Math.min(MAX_HEADER_BYTES, size - 8) + " bytes (the file has " + size + "): not a safetensors file");
        }
        ByteBuffer headerBytes = ByteBuffer.allocate((int) length);
        readFully(channel, headerBytes, 8);
        String json;
        try {
            json = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(headerBytes.flip()).toString();
        } catch (CharacterCodingException e) {
            throw new WeightsFileException(file, 8, "the header is not UTF-8");
        }
        Map<String, Object> header;
        try {
            if (!json.stripLeading().startsWith("{")) {
                throw new WeightsFileException(file, 8, "the header is not a JSON object");
            }
            header = JSON.std.with(JSON.Feature.FAIL_ON_DUPLICATE_MAP_KEYS).mapFrom(json);
        } catch (JSONObjectException e) {
            throw new WeightsFileException(file, 8, "the JSON header is malformed: " + firstLine(e.getMessage()));
        } catch (IOException e) {
            throw new WeightsFileException(file, 8, "the JSON header is malformed: " + firstLine(e.getMessage()));
        }
        long data = 8 + length;
        Map<String, String> metadata = new LinkedHashMap<>();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Object> e : header.entrySet()) {
            if (e.getKey().equals(METADATA)) {
                if (!(e.getValue() instanceof Map<?, ?> m)) {
                    throw new WeightsFileException(file, 8, "__metadata__ is not an object of strings");
                }
                for (Map.Entry<?, ?> kv : m.entrySet()) {
                    if (!(kv.getValue() instanceof String v)) {
                        throw new WeightsFileException(file, 8, "__metadata__." + kv.getKey() + " is not a string");
                    }
                    metadata.put((String) kv.getKey(), v);
                }
                continue;
            }
            tensors.put(e.getKey(), tensor(file, e.getKey(), e.getValue(), data, size));
        }
        checkOverlaps(file, tensors);
        return new Safetensors(file, channel, Collections.unmodifiableMap(tensors), Collections.unmodifiableMap(metadata));
    }

    private static Tensor tensor(Path file, String name, Object value, long data, long size) {
        String where = "tensor '" + name + "'";
        if (!(value instanceof Map<?, ?> m)) {
            throw new WeightsFileException(file, 8, where + " is not an object with dtype, shape and data_offsets");
        }
        if (!(m.get("dtype") instanceof String dtypeName)) {
            throw new WeightsFileException(file, 8, where + " has no dtype");
        }
        DType dtype = DType.of(dtypeName).orElseThrow(() -> new WeightsFileException(file, 8, where + " has dtype '"
                + dtypeName + "', expected one of " + java.util.Arrays.toString(DType.values())));
        if (!(m.get("shape") instanceof List<?> dims)) {
            throw new WeightsFileException(file, 8, where + " has no shape (a list of sizes)");
        }
        long[] shape = new long[dims.size()];
        long elements = 1;
        for (int i = 0; i < shape.length; i++) {
            if (!(dims.get(i) instanceof Number n) || n instanceof Double || n instanceof java.math.BigInteger
                    || n.longValue() < 0) {
                throw new WeightsFileException(file, 8, where + " has shape " + dims + ", expected sizes of 0 or more");
            }
            shape[i] = n.longValue();
            try {
                elements = Math.multiplyExact(elements, shape[i]);
            } catch (ArithmeticException overflow) {
                throw new WeightsFileException(file, 8, where + " has shape " + dims + ", too large for any file");
            }
        }
        if (!(m.get("data_offsets") instanceof List<?> offsets) || offsets.size() != 2
                || !(offsets.get(0) instanceof Number b0) || !(offsets.get(1) instanceof Number e0)
                || b0 instanceof Double || e0 instanceof Double || b0 instanceof java.math.BigInteger
                || e0 instanceof java.math.BigInteger) {
            throw new WeightsFileException(file, 8, where + " has no data_offsets [begin, end] of whole numbers");
        }
        long begin = b0.longValue();
        long end = e0.longValue();
        long bytes;
        try {
            bytes = Math.multiplyExact(elements, dtype.bytes());
        } catch (ArithmeticException overflow) {
            throw new WeightsFileException(file, 8, where + " has shape " + dims + ", too large for any file");
        }
        if (begin < 0 || end < begin) {
            throw new WeightsFileException(file, 8, where + " has data_offsets [" + begin + ", " + end + "], expected"
                    + " 0 <= begin <= end");
        }
        if (end - begin != bytes) {
            throw new WeightsFileException(file, data + begin, where + " holds " + (end - begin) + " bytes, expected "
                    + bytes + " (" + dtype + " " + dims + ")");
        }
        if (end > size - data) {
            throw new WeightsFileException(file, data + begin, where + " ends at byte " + (data + end)
                    + ", past the end of the file (" + size + " bytes)");
        }
        return new Tensor(name, dtype, shape, data + begin, data + end);
    }

    private static String firstLine(String s) {
        String line = s == null ? "" : s.strip().lines().findFirst().orElse("");
        return line.length() > 200 ? line.substring(0, 200) + "..." : line;
    }

    private static void readFully(FileChannel channel, ByteBuffer into, long position) throws IOException {
        while (into.hasRemaining()) {
            if (channel.read(into, position + into.position()) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
    }

    /** The header's {@code __metadata__}. */
    public Map<String, String> metadata() {
        return metadata;
    }

    /**
     * Writes tensors in the given order, contiguous, after a header padded with spaces to 8 bytes (as Hugging Face's
     * writer pads it).
     *
     * @param out where the file's bytes go (the caller makes the write atomic)
     * @param metadata the header's {@code __metadata__} (none written when empty)
     * @param tensors the tensors
     * @throws IOException if writing fails
     */
    public static void write(java.io.OutputStream out, Map<String, String> metadata, List<TensorValues> tensors)
            throws IOException {
        Map<String, Object> header = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            header.put(METADATA, metadata);
        }
        long offset = 0;
        for (TensorValues t : tensors) {
            long bytes = t.bytes();
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("dtype", t.dtype().name());
            List<Long> shape = new ArrayList<>();
            for (long d : t.shape()) {
                shape.add(d);
            }
            entry.put("shape", shape);
            entry.put("data_offsets", List.of(offset, offset + bytes));
            if (header.put(t.name(), entry) != null) {
                throw new IllegalArgumentException("two tensors named " + t.name());
            }
            offset += bytes;
        }
        byte[] json = JSON.std.asString(header).getBytes(StandardCharsets.UTF_8);
        int padded = (json.length + 7) / 8 * 8;
        ByteBuffer head = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        head.putLong(padded).put(json);
        while (head.hasRemaining()) {
            head.put((byte) ' ');
        }
        out.write(head.array());
        ByteBuffer chunk = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);
        for (TensorValues t : tensors) {
            Mapped.write(out, t.dtype(), t.values(), chunk);
        }
    }
}
