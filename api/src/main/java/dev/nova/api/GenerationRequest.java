package dev.nova.api;

import static org.apiguardian.api.API.Status.DEPRECATED;
import static org.apiguardian.api.API.Status.EXPERIMENTAL;
import static org.apiguardian.api.API.Status.STABLE;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * A request for samples.
 *
 * <p>Modality options are named by the constants below; a plugin rejects an option it does not understand or
 * a value out of range with a {@link PluginException} naming the option.
 *
 * @param count how many samples, at least 1
 * @param seed the sampling seed; same model state and seed give the same samples
 * @param options modality options (see the constants), possibly empty
 * @param listener receives text as it is produced, or {@link GenerationListener#NONE}
 * <p>STABLE since API 1.3 (EXPERIMENTAL from 1.0): the STABLE {@link GenerativeModel} takes it, and it has not changed
 * since 1.0.
 *
 * @since 1.0
 */
@API(status = STABLE, since = "1.3")
public record GenerationRequest(int count, long seed, Map<String, Object> options, GenerationListener listener) {

    /** Text: the prompt every sample starts with (a {@code String}). */
    public static final String PROMPT = "prompt";
    /** Text: how many characters to generate after the prompt (an {@code Integer}). */
    public static final String LENGTH = "length";
    /** Softmax temperature, &gt; 0 (a {@code Double}). */
    public static final String TEMPERATURE = "temperature";
    /** Keep only the k most likely tokens, 0 for all (an {@code Integer}). */
    public static final String TOP_K = "top-k";
    /** Nucleus sampling: keep the smallest set of tokens whose probability reaches p, in (0,1] (a {@code Double}). */
    public static final String TOP_P = "top-p";
    /** Always take the most likely token (a {@code Boolean}). */
    public static final String GREEDY = "greedy";
    /**
     * The class to condition on, for conditional image and (API 1.4) audio models: its index (an {@code Integer}) or,
     * from API 1.4, its name (a {@code String}) for a model that names its classes.
     */
    public static final String LABEL = "label";
    /**
     * Audio: seconds to generate after the prompt (a {@code Double}, &gt; 0).
     *
     * @since 1.4
     */
    @API(status = EXPERIMENTAL, since = "1.4")
    public static final String SECONDS = "seconds";
    /**
     * Audio: the sound every sample continues (a {@link Sample.Audio}, at any rate: the plugin resamples it).
     *
     * @since 1.4
     */
    @API(status = EXPERIMENTAL, since = "1.4")
    public static final String PROMPT_AUDIO = "prompt-audio";
    /**
     * Text: report each generated token's log-probability and this many most likely alternatives (an
     * {@code Integer}, 0 to {@link TokenChoice#MAX_ALTERNATIVES}) to the listener's
     * {@link GenerationListener#onToken}.
     *
     * @since 1.4
     */
    @API(status = EXPERIMENTAL, since = "1.4")
    public static final String LOGPROBS = "logprobs";

    /** Checks and copies the arguments. */
    public GenerationRequest {
        if (count < 1) {
            throw new IllegalArgumentException("count must be >= 1, found " + count);
        }
        options = Map.copyOf(options);
        Objects.requireNonNull(listener, "listener");
    }

    /**
     * A request without options or listener.
     *
     * @param count how many samples
     * @param seed the seed
     * @return the request
     */
    public static GenerationRequest of(int count, long seed) {
        return new GenerationRequest(count, seed, Map.of(), GenerationListener.NONE);
    }

    /**
     * Returns a copy with one more option.
     *
     * @param key the option name
     * @param value its value
     * @return the new request
     */
    public GenerationRequest with(String key, Object value) {
        var copy = new java.util.LinkedHashMap<>(options);
        copy.put(key, value);
        return new GenerationRequest(count, seed, copy, listener);
    }

    /**
     * Returns an option, checking its type.
     *
     * @param key the option name
     * @param type the expected type
     * @param <T> the expected type
     * @return the value, or empty if absent
     * @throws IllegalArgumentException if present with another type
     * @deprecated the {@code IllegalArgumentException} it throws may not cross the SPI (only {@link PluginException}
     *     may), so a plugin that lets it through fails rule 8.1. Read options with kit's
     *     {@code dev.nova.kit.support.Options} ({@code Options.of(pluginId, request.options(), known)}), which checks
     *     types and ranges and throws {@link InvalidOptionException} naming the plugin and the option; or read
     *     {@link #options()} and throw {@link InvalidOptionException} yourself.
     */
    @Deprecated(since = "1.3")
    @API(status = DEPRECATED, since = "1.3")
    public <T> Optional<T> option(String key, Class<T> type) {
        Object v = options.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (type == Double.class && v instanceof Number n) {
            return Optional.of(type.cast(n.doubleValue()));
        }
        if (type == Integer.class && v instanceof Number n && n.doubleValue() == n.intValue()) {
            return Optional.of(type.cast(n.intValue()));
        }
        if (!type.isInstance(v)) {
            throw new IllegalArgumentException("Option '" + key + "' must be a " + type.getSimpleName()
                    + ", found " + v.getClass().getSimpleName() + " " + v);
        }
        return Optional.of(type.cast(v));
    }
}
