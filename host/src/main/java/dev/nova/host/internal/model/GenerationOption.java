package dev.nova.host.internal.model;

import dev.nova.api.GenerationRequest;
import java.util.Optional;

/**
 * The generation options the host knows by name, each once with every name a front door gives it: the key plugins read
 * ({@link GenerationRequest}'s constants, which Nova's HTTP {@code options}, the embedding API and the page use as
 * they are), {@code nova generate}'s flag, and the field of OpenAI's dialect it comes from. Any other option passes
 * through to the plugin by its key ({@code --option K=V}, {@code options.K}).
 */
public enum GenerationOption {

    /** The text every sample starts with. */
    PROMPT(GenerationRequest.PROMPT, "--prompt", "prompt"),
    /** Characters to generate after the prompt. */
    LENGTH(GenerationRequest.LENGTH, "--length", "max_tokens"),
    /** Softmax temperature. */
    TEMPERATURE(GenerationRequest.TEMPERATURE, "--temperature", "temperature"),
    /** Keep the k most likely tokens. */
    TOP_K(GenerationRequest.TOP_K, "--top-k", "top_k"),
    /** Nucleus sampling. */
    TOP_P(GenerationRequest.TOP_P, "--top-p", "top_p"),
    /** The most likely token always; OpenAI's {@code temperature} 0. */
    GREEDY(GenerationRequest.GREEDY, "--greedy", "temperature"),
    /** The class to condition on; OpenAI's image {@code prompt} names it. */
    LABEL(GenerationRequest.LABEL, "--label", "prompt"),
    /** Audio: seconds after the prompt. */
    SECONDS(GenerationRequest.SECONDS, "--seconds", null),
    /** Audio: the sound every sample continues, a WAV file on the command line. */
    PROMPT_AUDIO(GenerationRequest.PROMPT_AUDIO, "--prompt-wav", null);

    private final String key;
    private final String flag;
    private final String openAiField;

    GenerationOption(String key, String flag, String openAiField) {
        this.key = key;
        this.flag = flag;
        this.openAiField = openAiField;
    }

    /** The key plugins read, and Nova's HTTP {@code options} and the embedding API use. */
    public String key() {
        return key;
    }

    /** {@code nova generate}'s flag. */
    public String flag() {
        return flag;
    }

    /** The field of OpenAI's dialect the option comes from, if any. */
    public Optional<String> openAiField() {
        return Optional.ofNullable(openAiField);
    }

    /**
     * The option of a key.
     *
     * @param key a key plugins read
     * @return the option, or empty for a plugin's own option
     */
    public static Optional<GenerationOption> byKey(String key) {
        for (GenerationOption o : values()) {
            if (o.key.equals(key)) {
                return Optional.of(o);
            }
        }
        return Optional.empty();
    }
}
