package dev.nova.host.internal.serve;

import dev.nova.api.GenerationRequest;
import dev.nova.api.Modality;
import dev.nova.host.internal.model.GenerationOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.LongSupplier;

/**
 * OpenAI's dialect as pure translation, in the manner of Ollama's {@code openai/openai.go}: from OpenAI's request
 * bodies to Nova's generation requests, and from Nova's results to OpenAI's bodies and stream chunks. Nothing here
 * admits, waits or generates; every function is a function of its arguments.
 */
final class OpenAi {

    private OpenAi() {
    }

    /**
     * A text completion request, translated.
     *
     * @param prompt the prompt (OpenAI's {@code prompt}: a string or a one-element array)
     * @param maxTokens characters to generate ({@code max_tokens})
     * @param n choices
     * @param options Nova's generation options ({@code temperature} 0 is greedy; {@code top_p}, {@code top_k})
     * @param seed the seed ({@code seed}, else drawn)
     * @param stop stop sequences
     * @param stream whether to answer as server-sent events
     * @param echo whether the text starts with the prompt
     * @param usageInStream whether a streamed answer ends with a usage chunk ({@code stream_options.include_usage})
     * @param logprobs how many alternatives each token's log-probability comes with ({@code logprobs}), -1 for none
     */
    record Completion(String prompt, int maxTokens, int n, Map<String, Object> options, long seed, List<String> stop,
                      boolean stream, boolean echo, boolean usageInStream, int logprobs) {
    }

    /**
     * Translates a completion request's fields, checked in the order OpenAI documents them.
     *
     * @param f the body's fields
     * @param limits the server's ceilings
     * @param randomSeed draws a seed when the request has none
     * @return Nova's request
     * @throws ApiError naming the field that is wrong, or one Nova cannot honour
     */
    static Completion completion(Fields f, ServeSettings limits, LongSupplier randomSeed) {
        List<String> prompts = f.strings("prompt", 1);
        String prompt = prompts.isEmpty() ? "" : prompts.get(0);
        int maxTokens = f.integer("max_tokens", 16, 0, limits.maxTokens());
        int n = f.integer("n", 1, 1, limits.maxCount());
        Map<String, Object> options = new LinkedHashMap<>();
        f.number("temperature", 0, false, 100).ifPresent(t -> {
            if (t == 0) {
                options.put(GenerationRequest.GREEDY, true);
            } else {
                options.put(GenerationRequest.TEMPERATURE, t);
            }
        });
        f.number("top_p", 0, true, 1).ifPresent(p -> options.put(GenerationRequest.TOP_P, p));
        int topK = f.integer("top_k", 0, 0, Integer.MAX_VALUE);
        if (topK > 0) {
            options.put(GenerationRequest.TOP_K, topK);
        }
        long seed = f.whole("seed").orElseGet(randomSeed::getAsLong);
        List<String> stop = f.strings("stop", 4);
        if (stop.stream().anyMatch(String::isEmpty)) {
            throw ApiError.field("stop", "stop sequences must not be empty");
        }
        boolean stream = f.bool("stream", false);
        boolean echo = f.bool("echo", false);
        boolean usageInStream = stream && Boolean.TRUE.equals(f.object("stream_options").get("include_usage"));
        int logprobs = -1;
        if (f.raw().get("logprobs") != null && !Boolean.FALSE.equals(f.raw().get("logprobs"))) {
            logprobs = f.integer("logprobs", 0, 0, dev.nova.api.TokenChoice.MAX_ALTERNATIVES);
            if (stream) {
                throw ApiError.field("logprobs", "logprobs with stream is not supported by nova serve; ask without"
                        + " stream");
            }
            if (echo) {
                throw ApiError.field("logprobs", "logprobs with echo (scoring the prompt) is not supported by nova"
                        + " serve");
            }
            options.put(GenerationRequest.LOGPROBS, logprobs);
        }
        unsupported(f);
        return new Completion(prompt, maxTokens, n, options, seed, stop, stream, echo, usageInStream, logprobs);
    }

    /**
     * Fields of OpenAI's API that would change the answer and that Nova's models cannot honour: refused by name, never
     * ignored (an answer that silently differs from what was asked is worse than a 400). Their neutral values (a
     * penalty of 0, an empty {@code logit_bias}, {@code best_of} 1), which some clients send on every request, pass.
     */
    private static void unsupported(Fields f) {
        for (String penalty : List.of("frequency_penalty", "presence_penalty")) {
            if (f.number(penalty, -2, false, 2).filter(v -> v != 0).isPresent()) {
                throw ApiError.field(penalty, penalty + " is not supported by nova serve (its samplers have no"
                        + " repetition penalty); leave it out or send 0");
            }
        }
        if (!f.object("logit_bias").isEmpty()) {
            throw ApiError.field("logit_bias", "logit_bias is not supported by nova serve; leave it out");
        }
        if (f.integer("best_of", 1, 1, Integer.MAX_VALUE) > 1) {
            throw ApiError.field("best_of", "best_of is not supported by nova serve; use n");
        }
        if (f.string("suffix").filter(s -> !s.isEmpty()).isPresent()) {
            throw ApiError.field("suffix", "suffix (insertion) is not supported by nova serve");
        }
    }

    /** Usage in OpenAI's terms: counts of the model's tokens (characters for a model that does not say how it tokenizes). */
    static Map<String, Object> usage(long promptTokens, long completionTokens) {
        return Wire.object("prompt_tokens", promptTokens, "completion_tokens", completionTokens, "total_tokens",
                promptTokens + completionTokens);
    }

    /** A completion's body. */
    static Map<String, Object> completionBody(String id, long created, String model, String fingerprint,
                                              Completion request, List<TextJob.Choice> choices,
                                              Map<String, Object> usage, java.util.function.IntFunction<String> token) {
        List<Object> out = new ArrayList<>();
        for (TextJob.Choice c : choices) {
            out.add(Wire.object("text", request.echo() ? request.prompt() + c.text() : c.text(), "index", c.index(),
                    "logprobs", request.logprobs() < 0 ? null : logprobs(c, token), "finish_reason", c.finishReason()));
        }
        return Wire.object("id", id, "object", "text_completion", "created", created, "model", model,
                "system_fingerprint", fingerprint, "choices", out, "usage", usage);
    }

    /**
     * A choice's log-probabilities in OpenAI's completions form: each token's text, its log-probability, the most likely
     * alternatives by text, and where each token starts in the text; with {@code token_ids} (llama.cpp's ids) beside
     * them. Tokens past a stop sequence are left out.
     */
    static Map<String, Object> logprobs(TextJob.Choice c, java.util.function.IntFunction<String> token) {
        List<Object> tokens = new ArrayList<>();
        List<Object> ids = new ArrayList<>();
        List<Object> lps = new ArrayList<>();
        List<Object> tops = new ArrayList<>();
        List<Object> offsets = new ArrayList<>();
        int at = 0;
        for (dev.nova.api.TokenChoice t : c.tokens()) {
            if (at >= c.text().length() && !tokens.isEmpty()) {
                break;
            }
            String text = token.apply(t.token());
            tokens.add(text);
            ids.add(t.token());
            lps.add(t.logprob());
            Map<String, Object> top = new LinkedHashMap<>();
            int[] alt = t.alternatives();
            double[] altLp = t.alternativeLogprobs();
            for (int i = 0; i < alt.length; i++) {
                top.putIfAbsent(token.apply(alt[i]), altLp[i]);
            }
            tops.add(top);
            offsets.add(at);
            at += text.length();
        }
        return Wire.object("tokens", tokens, "token_logprobs", lps, "top_logprobs", tops, "text_offset", offsets,
                "token_ids", ids);
    }

    /** A streamed completion's chunk: text of one choice, or its end ({@code finish} not null). */
    static Map<String, Object> chunk(String id, long created, String model, int index, String text, String finish) {
        return Wire.object("id", id, "object", "text_completion", "created", created, "model", model, "choices",
                List.of(Wire.object("text", text, "index", index, "logprobs", null, "finish_reason", finish)));
    }

    /** A streamed completion's last chunk, with the usage and no choices. */
    static Map<String, Object> usageChunk(String id, long created, String model, Map<String, Object> usage) {
        return Wire.object("id", id, "object", "text_completion", "created", created, "model", model, "choices",
                List.of(), "usage", usage);
    }

    /**
     * An image generation request, translated.
     *
     * @param prompt the prompt: a class's name or number, or empty
     * @param n images
     * @param seed the seed
     */
    record Images(String prompt, int n, long seed) {
    }

    /**
     * Translates an image generation request's fields.
     *
     * @param f the body's fields
     * @param limits the server's ceilings
     * @param randomSeed draws a seed when the request has none
     * @return Nova's request, its class still a prompt ({@link #label})
     * @throws ApiError naming the field that is wrong
     */
    static Images images(Fields f, ServeSettings limits, LongSupplier randomSeed) {
        String prompt = f.string("prompt").orElse("").trim();
        int n = f.integer("n", 1, 1, limits.maxCount());
        String format = f.string("response_format").orElse("b64_json");
        if (!format.equals("b64_json")) {
            throw ApiError.field("response_format", "response_format '" + format + "' is not supported: nova serve"
                    + " answers b64_json (PNG), not URLs");
        }
        return new Images(prompt, n, f.whole("seed").orElseGet(randomSeed::getAsLong));
    }

    /**
     * The class an image prompt names: a class's name (any case) or number, or none for an empty prompt.
     *
     * @param prompt the prompt
     * @param model the model's name, for messages
     * @param classes its classes' names (empty when it has none, or they are not known)
     * @param conditional whether it is class-conditional
     * @return the class, or empty
     * @throws ApiError naming {@code prompt} when it is not a class of the model
     */
    static Optional<Integer> label(String prompt, String model, List<String> classes, boolean conditional) {
        if (prompt.isEmpty()) {
            return Optional.empty();
        }
        for (int i = 0; i < classes.size(); i++) {
            if (classes.get(i).equalsIgnoreCase(prompt)) {
                return Optional.of(i);
            }
        }
        if (prompt.matches("\\d{1,9}") && (classes.isEmpty() || Integer.parseInt(prompt) < classes.size())) {
            return Optional.of(Integer.parseInt(prompt));
        }
        if (!conditional && classes.isEmpty()) {
            throw ApiError.field("prompt", "model '" + model + "' is not class-conditional: give an empty prompt");
        }
        throw ApiError.field("prompt", "prompt '" + prompt + "' is not a class of model '" + model + "'; its classes: "
                + String.join(", ", classes));
    }

    /** The images' body: each PNG as base64, with the prompt as given. */
    static Map<String, Object> imagesBody(long created, List<String> base64Pngs, String prompt) {
        List<Object> data = new ArrayList<>();
        for (String png : base64Pngs) {
            data.add(Wire.object("b64_json", png, "revised_prompt", prompt));
        }
        return Wire.object("created", created, "data", data);
    }

    /** The endpoint that serves a modality's models in OpenAI's dialect (Nova's own for the others). */
    static String endpoint(Modality modality) {
        return switch (modality) {
            case TEXT -> "/v1/completions";
            case IMAGE -> "/v1/images/generations";
            default -> "/v1/generate";
        };
    }

    /** The refusal of a model of another modality than an endpoint's. */
    static ApiError wrongModality(String model, Modality actual) {
        String a = actual == Modality.TEXT ? " text" : actual == Modality.IMAGE ? "n image" : "n " + actual;
        return ApiError.field("model", "model '" + model + "' is a" + a + " model: use " + endpoint(actual));
    }

    /** The OpenAI field a plugin's refused option came from. */
    static String field(String option) {
        return GenerationOption.byKey(option).flatMap(GenerationOption::openAiField).orElse(option);
    }

    /** A model in OpenAI's list, with Nova's facts under {@code nova}. */
    static Map<String, Object> model(String id, long created, Map<String, Object> nova) {
        return Wire.object("id", id, "object", "model", "created", created, "owned_by", "nova", "nova", nova);
    }
}
