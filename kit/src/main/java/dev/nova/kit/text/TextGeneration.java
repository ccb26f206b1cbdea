package dev.nova.kit.text;

import dev.nova.api.GenerationRequest;
import dev.nova.api.Sample;
import dev.nova.kit.support.Checks;
import dev.nova.kit.support.Options;
import dev.nova.kit.support.Seeds;
import dev.nova.kit.tokens.TokenSampler;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.apiguardian.api.API;
import static org.apiguardian.api.API.Status.EXPERIMENTAL;

/**
 * Text generation for character models: reads the text options of a request ({@code prompt}, {@code length},
 * {@code temperature}, {@code top-k}, {@code top-p}, {@code greedy}, typed or as text), feeds the prompt, samples
 * token by token with a {@link TokenSampler} and streams each character to the request's listener.
 *
 * @param length default characters to generate
 * @param temperature default temperature
 * @param topK default top-k (0 = off)
 * @param topP default top-p (1 = off)
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record TextGeneration(int length, double temperature, int topK, double topP) {

    /** The options this reads. */
    public static final List<String> OPTIONS = List.of(GenerationRequest.PROMPT, GenerationRequest.LENGTH,
            GenerationRequest.TEMPERATURE, GenerationRequest.TOP_K, GenerationRequest.TOP_P, GenerationRequest.GREEDY, GenerationRequest.LOGPROBS);

    /**
     * Reads and checks the defaults from a plugin's {@code generate} section ({@code length}, {@code temperature},
     * {@code top-k}, {@code top-p}): the keys are declared here once, for every text plugin on kit.
     *
     * @param c the checks of the plugin's subtree
     * @return the defaults (placeholders where a problem was added)
     * @since 1.3
     */
    public static TextGeneration read(Checks c) {
        return new TextGeneration(c.getInt("generate.length", 0, 10_000_000), c.getPositive("generate.temperature"),
                c.getInt("generate.top-k", 0, Integer.MAX_VALUE), c.getAbove("generate.top-p", 0, 1));
    }

    /**
     * Generates the request's samples.
     *
     * @param pluginId for messages
     * @param request the request (its options are checked here: unknown ones are refused)
     * @param vocabulary the model's tokenizer (a character vocabulary must have every character of the prompt);
     *                   {@code length} counts its tokens
     * @param steppers a new model state per sample: a function that feeds one token and returns the next token's logits
     * @return one text sample per requested sample, each the prompt followed by what was generated; the listener gets
     *     whole characters only (a character whose bytes span two tokens arrives with the second)
     */
    public List<Sample> generate(String pluginId, GenerationRequest request, Tokenizer vocabulary,
                                 Supplier<IntFunction<float[]>> steppers) {
        Options o = Options.of(pluginId, request.options(), OPTIONS);
        String prompt = o.text(GenerationRequest.PROMPT).orElse("");
        int n = o.integer(GenerationRequest.LENGTH, 0, 10_000_000).orElse(length);
        double t = o.positive(GenerationRequest.TEMPERATURE).orElse(temperature);
        int k = o.integer(GenerationRequest.TOP_K, 0, Integer.MAX_VALUE).orElse(topK);
        double p = o.number(GenerationRequest.TOP_P).orElse(topP);
        if (!(p > 0 && p <= 1)) {
            throw o.problem(GenerationRequest.TOP_P, "must be in (0, 1]", p);
        }
        TokenSampler sampler = new TokenSampler(t, k, p, o.flag(GenerationRequest.GREEDY).orElse(false));
        int alternatives = o.integer(GenerationRequest.LOGPROBS, 0, dev.nova.api.TokenChoice.MAX_ALTERNATIVES).orElse(-1);
        int[] promptTokens;
        try {
            promptTokens = vocabulary.encode(pluginId, prompt, "the prompt");
        } catch (dev.nova.api.PluginException e) {
            // a prompt is the user's option: a usage error (exit code 2), not a failure of the plugin
            throw new dev.nova.api.InvalidOptionException(pluginId, GenerationRequest.PROMPT,
                    e.getMessage().substring(("plugin '" + pluginId + "': ").length()));
        }
        // Without a prompt, a sample starts after a newline (or the first token of a text without one).
        int start = vocabulary.startToken();
        List<Sample> samples = new ArrayList<>();
        for (int s = 0; s < request.count(); s++) {
            Random random = Seeds.sample(request.seed(), s);
            IntFunction<float[]> stepper = steppers.get();
            float[] logits = promptTokens.length == 0 ? stepper.apply(start) : null;
            for (int tok : promptTokens) {
                logits = stepper.apply(tok);
            }
            StringBuilder text = new StringBuilder(prompt);
            Tokenizer.Decoder decoder = vocabulary.decoder();
            for (int i = 0; i < n; i++) {
                int next = sampler.next(logits, random);
                if (alternatives >= 0) {
                    request.listener().onToken(s, TokenSampler.choice(logits, next, alternatives));
                }
                emit(request, s, decoder.next(next), text);
                if (i < n - 1) {
                    logits = stepper.apply(next);
                }
            }
            emit(request, s, decoder.finish(), text);
            samples.add(new Sample.Text(text.toString()));
        }
        return samples;
    }

    private static void emit(GenerationRequest request, int sample, String piece, StringBuilder text) {
        if (!piece.isEmpty()) {
            text.append(piece);
            request.listener().onText(sample, piece);
        }
    }
}
