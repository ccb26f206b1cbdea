package dev.nova.kit.text;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nova.api.CheckpointException;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apiguardian.api.API;

/**
 * How a text model's text becomes tokens and back: one type for every text plugin, of three kinds chosen by
 * {@code data.tokenizer}:
 * <ul>
 *   <li>{@value #CHARS}: one token per Unicode code point of the training text ({@link Vocabulary}); text with a
 *       character the vocabulary lacks is refused;</li>
 *   <li>{@value #BPE}: a byte-level BPE trained by Nova on the training split ({@link Subwords});</li>
 *   <li>{@value #GPT2}: GPT-2's own byte-level BPE, read from its files ({@link Subwords}).</li>
 * </ul>
 * Byte-level kinds encode any text, in any script, with no unknown token. A tokenizer is saved inside the model's
 * checkpoint ({@link #save}), so that a run needs nothing else to be sampled or evaluated.
 *
 * @since 1.4
 */
@API(status = EXPERIMENTAL, since = "1.4")
public sealed interface Tokenizer permits Vocabulary, Subwords {

    /** One token per character. */
    String CHARS = "chars";
    /** A byte-level BPE trained by Nova. */
    String BPE = "bpe";
    /** GPT-2's byte-level BPE. */
    String GPT2 = "gpt2";

    /** The kind: {@value #CHARS}, {@value #BPE} or {@value #GPT2}. */
    String kind();

    /** The number of tokens (a model's input and output width). */
    int size();

    /**
     * Encodes text.
     *
     * @param pluginId for messages
     * @param text the text
     * @param source what the text is (a file, "the prompt"), for messages
     * @return its tokens
     * @throws dev.nova.api.PluginException if the text has a character a {@value #CHARS} tokenizer lacks
     */
    int[] encode(String pluginId, String text, String source);

    /**
     * Decodes tokens.
     *
     * @param tokens the tokens
     * @return their text (bytes that are not UTF-8, which a byte-level model may sample, as U+FFFD)
     */
    String decode(int[] tokens);

    /** A decoder for tokens that arrive one at a time, as they are sampled. */
    Decoder decoder();

    /** The token an unprompted sample starts after: a newline (or the first token of a vocabulary without one). */
    int startToken();

    /**
     * Writes this tokenizer with its kind, for {@link #load}.
     *
     * @param out the payload
     * @throws IOException if writing fails
     */
    void save(DataOutputStream out) throws IOException;

    /**
     * Reads a tokenizer {@link #save} wrote.
     *
     * @param pluginId for messages
     * @param in the payload
     * @return the tokenizer
     * @throws IOException if the payload is truncated
     * @throws CheckpointException if it is corrupt or of an unknown kind
     */
    static Tokenizer load(String pluginId, DataInputStream in) throws IOException {
        String kind = in.readUTF();
        return switch (kind) {
            case CHARS -> Vocabulary.read(pluginId, in);
            case BPE, GPT2 -> Subwords.readBody(pluginId, kind, in);
            default -> throw new CheckpointException(pluginId, "payload is corrupt: unknown tokenizer kind '"
                    + kind.codePoints().limit(20).collect(StringBuilder::new, StringBuilder::appendCodePoint,
                    StringBuilder::append) + "'");
        };
    }

    /**
     * This tokenizer as a model shows it to the host ({@code GenerativeModel.textTokens()}).
     *
     * @param pluginId names the plugin in the message when text cannot be encoded or a token is out of range
     * @return the view
     */
    default dev.nova.api.TextTokens forPlugin(String pluginId) {
        Tokenizer t = this;
        return new dev.nova.api.TextTokens() {
            @Override
            public String kind() {
                return t.kind();
            }

            @Override
            public int size() {
                return t.size();
            }

            @Override
            public int[] encode(String text) {
                return t.encode(pluginId, text, "the text");
            }

            @Override
            public String decode(int[] tokens) {
                for (int token : tokens) {
                    if (token < 0 || token >= t.size()) {
                        throw new dev.nova.api.PluginException(pluginId, "token " + token + " is not in [0, " + t.size()
                                + ")");
                    }
                }
                return t.decode(tokens);
            }
        };
    }

    /** Decodes a stream of tokens into text without ever emitting part of a character. */
    interface Decoder {
        /**
         * Adds the next token.
         *
         * @param token the token
         * @return the text it completes (empty while a character is cut between tokens)
         */
        String next(int token);

        /**
         * Ends the stream.
         *
         * @return what is still held back (an incomplete character at the end as U+FFFD)
         */
        String finish();
    }
}
