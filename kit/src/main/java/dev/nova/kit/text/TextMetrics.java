package dev.nova.kit.text;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nova.api.GenerativeModel;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apiguardian.api.API;

/**
 * The metrics a text model's evaluation reports. A character model's, in this order: {@code loss} (mean negative
 * log-likelihood per character, nats), {@code bits-per-char} (the same in bits) and {@code characters} (how many were
 * scored); a subword model's add the figures per character and per byte ({@link #of(double, long, Tokenizer, int[])}).
 *
 * @since 1.1
 */
@API(status = EXPERIMENTAL, since = "1.1")
public final class TextMetrics {

    private TextMetrics() {
    }

    /**
     * The held-out metrics.
     *
     * @param meanNats mean negative log-likelihood per character, in nats
     * @param characters characters scored
     * @return the metrics, in a stable order
     */
    public static Map<String, Double> of(double meanNats, long characters) {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(GenerativeModel.LOSS, meanNats);
        m.put("bits-per-char", meanNats / Math.log(2));
        m.put("characters", (double) characters);
        return m;
    }

    /**
     * The held-out metrics of a model on tokens of any kind, comparable across tokenizers: {@code loss} (nats per
     * token), then per character ({@code loss-per-char}, {@code bits-per-char}), {@code bits-per-byte} (of UTF-8), and
     * how many {@code tokens} and {@code characters} were scored. A character model's are {@link #of(double, long)}'s,
     * unchanged. The characters and bytes of the scored tokens are counted on the text they come from: the scored
     * tokens times the text's characters (bytes) per token.
     *
     * @param meanNats mean negative log-likelihood per token, in nats
     * @param tokens tokens scored
     * @param tokenizer the model's tokenizer
     * @param text the tokens the scored ones were taken from (the held-out text)
     * @return the metrics, in a stable order
     * @since 1.4
     */
    @API(status = EXPERIMENTAL, since = "1.4")
    public static Map<String, Double> of(double meanNats, long tokens, Tokenizer tokenizer, int[] text) {
        if (tokenizer instanceof Vocabulary) {
            return of(meanNats, tokens);
        }
        String decoded = tokenizer.decode(text);
        double charsPerToken = (double) decoded.codePointCount(0, decoded.length()) / text.length;
        double bytesPerToken = (double) decoded.getBytes(java.nio.charset.StandardCharsets.UTF_8).length / text.length;
        double nats = meanNats * tokens;
        Map<String, Double> m = new LinkedHashMap<>();
        m.put(GenerativeModel.LOSS, meanNats);
        m.put(LOSS_PER_CHAR, nats / (tokens * charsPerToken));
        m.put("bits-per-char", nats / (tokens * charsPerToken) / Math.log(2));
        m.put("bits-per-byte", nats / (tokens * bytesPerToken) / Math.log(2));
        m.put("tokens", (double) tokens);
        m.put("characters", (double) Math.round(tokens * charsPerToken));
        return m;
    }

    /** The mean held-out loss per character, in nats, of a model whose tokens are not characters. */
    public static final String LOSS_PER_CHAR = "loss-per-char";
}
