package dev.nova.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * How a text model's text becomes tokens and back ({@link GenerativeModel#textTokens()}), for hosts that count or show
 * them: usage in tokens when serving, {@code nova tokenize --run}. A generation request's {@code length} counts these
 * tokens. Hosts call it from any thread, so it must be safe for concurrent use.
 *
 * @since 1.4
 */
@API(status = EXPERIMENTAL, since = "1.4")
public interface TextTokens {

    /** The kind of tokenizer, for people: {@code chars}, {@code bpe}, {@code gpt2} for Nova's kit. */
    String kind();

    /** The number of tokens. */
    int size();

    /**
     * Encodes text.
     *
     * @param text the text
     * @return its tokens
     * @throws PluginException if the model cannot encode it (a character its vocabulary lacks), naming what
     */
    int[] encode(String text);

    /**
     * Decodes tokens.
     *
     * @param tokens tokens, each in {@code [0, size())}
     * @return their text
     * @throws PluginException if a token is out of range
     */
    String decode(int[] tokens);
}
