package dev.nova.formats.tokens;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32;
import org.apiguardian.api.API;

/**
 * A byte-level BPE tokenizer, GPT-2's kind: text is cut into pieces by GPT-2's pattern, each piece's UTF-8 bytes
 * start as one token per byte, and adjacent tokens are merged while their concatenation is a token, the one of
 * lowest rank first (a token's rank is its id), exactly as OpenAI's tiktoken encodes. Every text encodes, in any
 * script, with no unknown token; decoding is the tokens' bytes as UTF-8.
 *
 * <p>Tokens are ids {@code 0 .. size()-1}. Each is a byte, a merge of two tokens of lower id, or a special token
 * (GPT-2's {@code <|endoftext|>}): special tokens decode to their text but no text encodes to them. Instances are
 * immutable and safe for concurrent use.
 *
 * <p>Made by {@link #train} (Nova's own, on a text), {@link Gpt2Files#read} (GPT-2's files) or {@link #read}
 * (what {@link #write} wrote, inside a checkpoint).
 *
 * @since 1.4
 */
@API(status = EXPERIMENTAL, since = "1.4")
public final class ByteLevelBpe {

    /** The most tokens a tokenizer may have (GPT-2 has 50,257; its descendants up to a few hundred thousand). */
    public static final int MAX_SIZE = 1 << 20;
    /** The most bytes one token may span. */
    public static final int MAX_TOKEN_BYTES = 1 << 12;
    private static final int MAX_CACHE = 1 << 16;
    private static final int BYTE = 0;
    private static final int MERGE = 1;
    private static final int SPECIAL = 2;

    private final String kind;
    private final byte[][] bytes;
    /** For each token: -1 for a byte or a special token, else its left and right parts (pairs at 2i, 2i + 1). */
    private final int[] parts;
    private final int specials;
    /** Tokens by their bytes as ISO-8859-1 text (one char per byte), special tokens excepted. */
    private final Map<String, Integer> ids;
    private final int[] byteToken = new int[256];
    private final Map<String, int[]> cache = new ConcurrentHashMap<>();

    /**
     * @param kind what made it ({@code bpe}, {@code gpt2}), recorded with it
     * @param bytes each token's bytes
     * @param parts each token's two parts, -1 for a byte or special token
     * @param specials how many tokens at the end are special
     */
    private ByteLevelBpe(String kind, byte[][] bytes, int[] parts, int specials) {
        this.kind = kind;
        this.bytes = bytes;
        this.parts = parts;
        this.specials = specials;
        this.ids = new HashMap<>(bytes.length * 2);
        Arrays.fill(byteToken, -1);
        for (int t = 0; t < bytes.length - specials; t++) {
            if (ids.put(latin1(bytes[t]), t) != null) {
                throw new IllegalArgumentException("token " + t + " repeats the bytes of an earlier token");
            }
            if (bytes[t].length == 1) {
                byteToken[bytes[t][0] & 0xff] = t;
            }
        }
        for (int b = 0; b < 256; b++) {
            if (byteToken[b] < 0) {
                throw new IllegalArgumentException("no token for byte " + b + "; a byte-level BPE has one for each");
            }
        }
    }

    /**
     * A tokenizer of 256 byte tokens (in byte order) and merges, each of two earlier tokens.
     *
     * @param kind what made it, recorded with it
     * @param merges pairs of token ids: merge {@code i} makes token {@code 256 + i} of {@code merges[2i]} and
     *               {@code merges[2i + 1]}
     * @return the tokenizer
     * @throws IllegalArgumentException if a merge names a later token or repeats a token's bytes
     */
    public static ByteLevelBpe ofMerges(String kind, int[] merges) {
        int n = 256 + merges.length / 2;
        byte[][] bytes = new byte[n][];
        int[] parts = new int[2 * n];
        Arrays.fill(parts, -1);
        for (int b = 0; b < 256; b++) {
            bytes[b] = new byte[] {(byte) b};
        }
        for (int i = 0; i < merges.length / 2; i++) {
            int t = 256 + i;
            setMerge(bytes, parts, t, merges[2 * i], merges[2 * i + 1]);
        }
        return new ByteLevelBpe(kind, bytes, parts, 0);
    }

    static ByteLevelBpe of(String kind, byte[][] bytes, int[] parts, int specials) {
        return new ByteLevelBpe(kind, bytes, parts, specials);
    }

    static void setMerge(byte[][] bytes, int[] parts, int t, int left, int right) {
        if (left < 0 || right < 0 || left >= t || right >= t) {
            throw new IllegalArgumentException("merge " + t + " names token " + (left < 0 || left >= t ? left : right)
                    + ", which is not an earlier token");
        }
        byte[] l = bytes[left];
        byte[] r = bytes[right];
        if (l.length + r.length > MAX_TOKEN_BYTES) {
            throw new IllegalArgumentException("token " + t + " spans more than " + MAX_TOKEN_BYTES + " bytes");
        }
        byte[] m = Arrays.copyOf(l, l.length + r.length);
        System.arraycopy(r, 0, m, l.length, r.length);
        bytes[t] = m;
        parts[2 * t] = left;
        parts[2 * t + 1] = right;
    }

    /** What made this tokenizer: {@code bpe} (trained by Nova) or {@code gpt2} (GPT-2's files). */
    public String kind() {
        return kind;
    }

    /** The number of tokens, special ones included. */
    public int size() {
        return bytes.length;
    }

    /** How many tokens at the end are special (decoded, never encoded). */
    public int specials() {
        return specials;
    }

    /**
     * A token's bytes.
     *
     * @param token the id
     * @return a copy of its bytes
     */
    public byte[] bytes(int token) {
        return bytes[token].clone();
    }

    /**
     * The two tokens a merged token was made of.
     *
     * @param token the id
     * @return {@code {left, right}}, or an empty array for a byte or a special token
     */
    public int[] parts(int token) {
        return parts[2 * token] < 0 ? new int[0] : new int[] {parts[2 * token], parts[2 * token + 1]};
    }

    /**
     * The token of a byte.
     *
     * @param b the byte
     * @return its token
     */
    public int byteToken(int b) {
        return byteToken[b & 0xff];
    }

    /**
     * Encodes text (special tokens' text is encoded as ordinary text, as tiktoken's {@code encode_ordinary}).
     *
     * @param text any text (a lone surrogate, which no valid text has, is encoded as Java's UTF-8 encoder writes it:
     *             '?')
     * @return its tokens
     */
    public int[] encode(CharSequence text) {
        IntList out = new IntList(Math.max(16, text.length() / 3));
        Gpt2Split.split(text, (from, to) -> encodePiece(text.subSequence(from, to).toString(), out));
        return out.toArray();
    }

    private void encodePiece(String piece, IntList out) {
        int[] cached = cache.get(piece);
        if (cached == null) {
            cached = bytePairs(piece.getBytes(StandardCharsets.UTF_8));
            if (cache.size() < MAX_CACHE) {
                cache.put(piece, cached);
            }
        }
        out.addAll(cached);
    }

    /** tiktoken's byte_pair_encode: the whole piece if it is a token, else merges of lowest rank first. */
    private int[] bytePairs(byte[] piece) {
        Integer whole = ids.get(latin1(piece, 0, piece.length));
        if (whole != null) {
            return new int[] {whole};
        }
        int n = piece.length;
        // starts[0..m] are the boundaries of the current parts; ranks[i] is the rank of parts i and i + 1 merged
        int[] starts = new int[n + 1];
        int[] ranks = new int[n + 1];
        for (int i = 0; i <= n; i++) {
            starts[i] = i;
        }
        int m = n;
        for (int i = 0; i + 1 < m; i++) {
            ranks[i] = rank(piece, starts[i], starts[i + 2]);
        }
        while (m > 1) {
            int best = -1;
            int bestRank = Integer.MAX_VALUE;
            for (int i = 0; i + 1 < m; i++) {
                if (ranks[i] < bestRank) {
                    bestRank = ranks[i];
                    best = i;
                }
            }
            if (best < 0) {
                break;
            }
            // parts best and best + 1 become one: drop boundary best + 1
            System.arraycopy(starts, best + 2, starts, best + 1, m - best - 1);
            System.arraycopy(ranks, best + 1, ranks, best, m - best - 1);
            m--;
            if (best + 1 < m) {
                ranks[best] = rank(piece, starts[best], starts[best + 2]);
            }
            if (best > 0) {
                ranks[best - 1] = rank(piece, starts[best - 1], starts[best + 1]);
            }
        }
        int[] tokens = new int[m];
        for (int i = 0; i < m; i++) {
            tokens[i] = starts[i + 1] - starts[i] == 1 ? byteToken[piece[starts[i]] & 0xff]
                    : ids.get(latin1(piece, starts[i], starts[i + 1]));
        }
        return tokens;
    }

    private int rank(byte[] piece, int from, int to) {
        Integer r = ids.get(latin1(piece, from, to));
        return r == null ? Integer.MAX_VALUE : r;
    }

    /**
     * Decodes tokens to text: their bytes as UTF-8, a malformed sequence as U+FFFD.
     *
     * @param tokens the tokens
     * @return the text
     * @throws IndexOutOfBoundsException if a token is not in {@code [0, size())}
     */
    public String decode(int[] tokens) {
        ByteArrayOutputStream b = new ByteArrayOutputStream(tokens.length * 4);
        for (int t : tokens) {
            b.writeBytes(bytes[t]);
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    /** A decoder for a stream of tokens that never emits part of a character. */
    public Utf8Stream decoder() {
        return new Utf8Stream();
    }

    /**
     * Writes the tokenizer: its kind, each token (a byte, two parts, or a special token's bytes), then a CRC-32 of
     * all of it, so that a flipped bit is found when it is read.
     *
     * @param out the stream
     * @throws IOException if writing fails
     */
    public void write(DataOutputStream out) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream(bytes.length * 9);
        DataOutputStream d = new DataOutputStream(body);
        d.writeUTF(kind);
        d.writeInt(bytes.length);
        d.writeInt(specials);
        for (int t = 0; t < bytes.length; t++) {
            if (t >= bytes.length - specials) {
                d.writeByte(SPECIAL);
                d.writeInt(bytes[t].length);
                d.write(bytes[t]);
            } else if (parts[2 * t] < 0) {
                d.writeByte(BYTE);
                d.writeByte(bytes[t][0]);
            } else {
                d.writeByte(MERGE);
                d.writeInt(parts[2 * t]);
                d.writeInt(parts[2 * t + 1]);
            }
        }
        d.flush();
        byte[] all = body.toByteArray();
        CRC32 crc = new CRC32();
        crc.update(all);
        out.writeInt(all.length);
        out.write(all);
        out.writeLong(crc.getValue());
    }

    /**
     * Reads what {@link #write} wrote, checking it.
     *
     * @param in the stream
     * @return the tokenizer
     * @throws IOException if it is truncated
     * @throws IllegalArgumentException saying what is corrupt (its checksum, a size, a merge)
     */
    public static ByteLevelBpe read(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0 || length > 64 * MAX_SIZE) {
            throw new IllegalArgumentException("tokenizer length " + length + " is out of range");
        }
        byte[] all = in.readNBytes(length);
        if (all.length < length) {
            throw new java.io.EOFException("tokenizer cut short");
        }
        CRC32 crc = new CRC32();
        crc.update(all);
        if (crc.getValue() != in.readLong()) {
            throw new IllegalArgumentException("tokenizer checksum does not match its bytes");
        }
        DataInputStream d = new DataInputStream(new java.io.ByteArrayInputStream(all));
        String kind = d.readUTF();
        int n = d.readInt();
        int specials = d.readInt();
        if (n < 256 || n > MAX_SIZE || specials < 0 || specials > n - 256) {
            throw new IllegalArgumentException("tokenizer size " + n + " with " + specials + " special tokens");
        }
        byte[][] bytes = new byte[n][];
        int[] parts = new int[2 * n];
        Arrays.fill(parts, -1);
        for (int t = 0; t < n; t++) {
            int type = d.readByte();
            if ((type == SPECIAL) != (t >= n - specials)) {
                throw new IllegalArgumentException("token " + t + " has type " + type);
            }
            switch (type) {
                case BYTE -> bytes[t] = new byte[] {d.readByte()};
                case MERGE -> setMerge(bytes, parts, t, d.readInt(), d.readInt());
                case SPECIAL -> {
                    int len = d.readInt();
                    if (len < 1 || len > MAX_TOKEN_BYTES) {
                        throw new IllegalArgumentException("special token " + t + " has " + len + " bytes");
                    }
                    bytes[t] = d.readNBytes(len);
                }
                default -> throw new IllegalArgumentException("token " + t + " has type " + type);
            }
        }
        return new ByteLevelBpe(kind, bytes, parts, specials);
    }

    /**
     * Trains a byte-level BPE on a text: Nova's own tokenizer for {@code data.tokenizer = bpe}.
     *
     * @param text the training text
     * @param size the number of tokens wanted, the 256 bytes included
     * @return the tokenizer, {@code kind() == "bpe"}
     * @throws IllegalArgumentException if size is below 256 or the text has too few distinct pairs to reach it
     *     (the message says how many tokens it supports)
     */
    public static ByteLevelBpe train(CharSequence text, int size) {
        return BpeTrainer.train(text, size);
    }

    private static String latin1(byte[] b) {
        return new String(b, StandardCharsets.ISO_8859_1);
    }

    private static String latin1(byte[] b, int from, int to) {
        return new String(b, from, to - from, StandardCharsets.ISO_8859_1);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ByteLevelBpe b && b.kind.equals(kind) && b.specials == specials
                && Arrays.equals(b.parts, parts) && Arrays.deepEquals(b.bytes, bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(parts) * 31 + bytes.length;
    }

    @Override
    public String toString() {
        return "byte-level BPE (" + kind + ", " + bytes.length + " tokens)";
    }

    /** A growable int array. */
    static final class IntList {
        private int[] a;
        private int n;

        IntList(int capacity) {
            a = new int[capacity];
        }

        void add(int v) {
            if (n == a.length) {
                a = Arrays.copyOf(a, a.length * 2);
            }
            a[n++] = v;
        }

        void addAll(int[] v) {
            if (n + v.length > a.length) {
                a = Arrays.copyOf(a, Math.max(a.length * 2, n + v.length));
            }
            System.arraycopy(v, 0, a, n, v.length);
            n += v.length;
        }

        int[] toArray() {
            return Arrays.copyOf(a, n);
        }
    }
}
