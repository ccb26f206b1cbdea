package dev.nova.kit.text;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nova.api.CheckpointException;
import dev.nova.formats.tokens.ByteLevelBpe;
import dev.nova.formats.tokens.Utf8Stream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apiguardian.api.API;

/**
 * A byte-level BPE tokenizer ({@value Tokenizer#BPE} or {@value Tokenizer#GPT2}): GPT-2's pre-tokenisation and merge
 * rule, so that a {@value Tokenizer#GPT2} tokenizer encodes exactly as OpenAI's tiktoken does. Safe for concurrent
 * use.
 *
 * @since 1.4
 */
@API(status = EXPERIMENTAL, since = "1.4")
public final class Subwords implements Tokenizer {

    private final ByteLevelBpe bpe;

    Subwords(ByteLevelBpe bpe) {
        this.bpe = bpe;
    }

    /**
     * Trains a tokenizer on a text (Nova's {@value Tokenizer#BPE}).
     *
     * @param text the training text
     * @param size the tokens wanted, the 256 bytes included
     * @return the tokenizer
     * @throws IllegalArgumentException if the size is below 256 or beyond what the text supports (saying so)
     */
    public static Subwords train(String text, int size) {
        return new Subwords(ByteLevelBpe.train(text, size));
    }

    /**
     * Reads GPT-2's files from a folder ({@code vocab.json} and {@code merges.txt}, or {@code encoder.json} and
     * {@code vocab.bpe}).
     *
     * @param folder the folder
     * @return the tokenizer
     * @throws dev.nova.formats.tokens.TokenizerFileException naming the file (and line) and what is wrong
     */
    public static Subwords gpt2(java.nio.file.Path folder) {
        return new Subwords(dev.nova.formats.tokens.Gpt2Files.read(folder));
    }

    @Override
    public String kind() {
        return bpe.kind();
    }

    @Override
    public int size() {
        return bpe.size();
    }

    /** Encodes any text; never refuses. */
    @Override
    public int[] encode(String pluginId, String text, String source) {
        return bpe.encode(text);
    }

    /**
     * Encodes any text.
     *
     * @param text the text
     * @return its tokens
     */
    public int[] encode(String text) {
        return bpe.encode(text);
    }

    @Override
    public String decode(int[] tokens) {
        return bpe.decode(tokens);
    }

    @Override
    public Decoder decoder() {
        Utf8Stream stream = bpe.decoder();
        return new Decoder() {
            @Override
            public String next(int token) {
                return stream.push(bpe.bytes(token));
            }

            @Override
            public String finish() {
                return stream.finish();
            }
        };
    }

    @Override
    public int startToken() {
        return bpe.byteToken('\n');
    }

    /**
     * A token's bytes (for a file format that lists the vocabulary).
     *
     * @param token the token
     * @return a copy of its bytes
     */
    public byte[] bytes(int token) {
        return bpe.bytes(token);
    }

    /**
     * The two tokens a merged token is made of (a BPE's merges, in rank order by the merged token's id).
     *
     * @param token the token
     * @return {@code {left, right}}, or empty for a byte or a special token
     */
    public int[] parts(int token) {
        return bpe.parts(token);
    }

    /** How many tokens at the end are special (GPT-2's {@code <|endoftext|>}): decoded, never encoded. */
    public int specials() {
        return bpe.specials();
    }

    /**
     * Each token's text as GPT-2's files and GGUF write it (bytes through GPT-2's byte-to-character table).
     *
     * @return the texts by id
     */
    public java.util.List<String> tokenTexts() {
        return dev.nova.formats.tokens.Gpt2Files.tokenTexts(bpe);
    }

    /**
     * The merges in rank order, each {@code left right} in the tokens' texts (GGUF's {@code tokenizer.ggml.merges}).
     *
     * @return the merges
     */
    public java.util.List<String> merges() {
        return dev.nova.formats.tokens.Gpt2Files.merges(bpe);
    }

    /**
     * Writes Hugging Face's GPT-2 tokenizer files ({@code vocab.json}, {@code merges.txt}), which {@link #gpt2} reads
     * back as this tokenizer.
     *
     * @param folder the folder
     * @throws IOException if writing fails
     */
    public void writeGpt2Files(java.nio.file.Path folder) throws IOException {
        dev.nova.formats.tokens.Gpt2Files.write(bpe, folder);
    }

    @Override
    public void save(DataOutputStream out) throws IOException {
        out.writeUTF(kind());
        bpe.write(out);
    }

    static Subwords readBody(String pluginId, String kind, DataInputStream in) throws IOException {
        ByteLevelBpe read;
        try {
            read = ByteLevelBpe.read(in);
        } catch (IllegalArgumentException e) {
            throw new CheckpointException(pluginId, "payload is corrupt: " + e.getMessage(), e);
        }
        if (!read.kind().equals(kind)) {
            throw new CheckpointException(pluginId, "payload is corrupt: a " + kind + " tokenizer holds a "
                    + read.kind() + " one");
        }
        return new Subwords(read);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Subwords s && s.bpe.equals(bpe);
    }

    @Override
    public int hashCode() {
        return bpe.hashCode();
    }

    @Override
    public String toString() {
        return bpe.toString();
    }
}
