package dev.nova.formats.weights;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * Writes GGUF files (version 3) for llama.cpp and Ollama to run: typed metadata, the tensors' descriptions, then
 * their data, each aligned to {@link Gguf#ALIGNMENT}. {@link Gguf} reads them.
 *
 * @since 1.4
 */
@API(status = EXPERIMENTAL, since = "1.4")
public final class GgufWriter {

    private GgufWriter() {
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
            return put(key, Gguf.STRING, value);
        }

        /** A 32-bit unsigned value. */
        public Metadata u32(String key, int value) {
            return put(key, Gguf.UINT32, value);
        }

        /** A 32-bit float value. */
        public Metadata f32(String key, float value) {
            return put(key, Gguf.FLOAT32, value);
        }

        /** A boolean value. */
        public Metadata bool(String key, boolean value) {
            return put(key, Gguf.BOOL, value);
        }

        /** An array of strings. */
        public Metadata strings(String key, List<String> values) {
            return put(key, -Gguf.STRING, List.copyOf(values));
        }

        /** An array of 32-bit signed values. */
        public Metadata i32s(String key, int[] values) {
            return put(key, -Gguf.INT32, values.clone());
        }
    }

    /**
     * Writes a GGUF version 3 file: the metadata (with {@code general.alignment} if the caller gave none), the tensors'
     * descriptions in order, then their data, each aligned to {@link Gguf#ALIGNMENT}.
     *
     * @param out where the file's bytes go (the caller makes the write atomic)
     * @param metadata the metadata
     * @param tensors the tensors, F32 or F16, shapes row-major
     * @throws IOException if writing fails
     */
    public static void write(OutputStream out, Metadata metadata, List<TensorValues> tensors) throws IOException {
        Le w = new Le(out);
        Map<String, Object[]> entries = new LinkedHashMap<>(metadata.entries);
        entries.putIfAbsent("general.alignment", new Object[] {Gguf.UINT32, Gguf.ALIGNMENT});
        w.u32(Gguf.MAGIC);
        w.u32(Gguf.VERSION);
        w.u64(tensors.size());
        w.u64(entries.size());
        for (Map.Entry<String, Object[]> e : entries.entrySet()) {
            w.string(e.getKey());
            int type = (int) e.getValue()[0];
            Object v = e.getValue()[1];
            switch (type) {
                case Gguf.STRING -> {
                    w.u32(Gguf.STRING);
                    w.string((String) v);
                }
                case Gguf.UINT32 -> {
                    w.u32(Gguf.UINT32);
                    w.u32((Integer) v);
                }
                case Gguf.FLOAT32 -> {
                    w.u32(Gguf.FLOAT32);
                    w.u32(Float.floatToRawIntBits((Float) v));
                }
                case Gguf.BOOL -> {
                    w.u32(Gguf.BOOL);
                    w.out.write((Boolean) v ? 1 : 0);
                    w.at++;
                }
                case -Gguf.STRING -> {
                    List<?> list = (List<?>) v;
                    w.u32(Gguf.ARRAY);
                    w.u32(Gguf.STRING);
                    w.u64(list.size());
                    for (Object s : list) {
                        w.string((String) s);
                    }
                }
                case -Gguf.INT32 -> {
                    int[] a = (int[]) v;
                    w.u32(Gguf.ARRAY);
                    w.u32(Gguf.INT32);
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
            if (t.shape().length < 1 || t.shape().length > Gguf.MAX_DIMS) {
                throw new IllegalArgumentException(t.name() + ": GGUF tensors have 1 to " + Gguf.MAX_DIMS + " dimensions");
            }
            w.string(t.name());
            w.u32(t.shape().length);
            for (int d = t.shape().length - 1; d >= 0; d--) {
                w.u64(t.shape()[d]);
            }
            w.u32(t.dtype() == DType.F32 ? Gguf.GGML_F32 : Gguf.GGML_F16);
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
        return (n + Gguf.ALIGNMENT - 1) / Gguf.ALIGNMENT * Gguf.ALIGNMENT;
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
            while (at % Gguf.ALIGNMENT != 0) {
                out.write(0);
                at++;
            }
        }
    }
}
