package dev.nova.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import com.typesafe.config.Config;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * What the compatibility kit needs to know to exercise every rule on a plugin
 * ({@link GeneratorProvider#conformance}): the tiny configuration it trains with, and the facts that only the plugin
 * knows. A rule whose fact is not declared is reported as <em>not exercised</em>, and a run with a MUST rule not
 * exercised is not plainly conformant. Declaring the facts here, rather than in a test class, gives {@code nova tck}
 * and the plugin's own build the same verdict.
 *
 * <pre>{@code
 * public Optional<ConformanceProfile> conformance(Path scratch) {
 *     return Optional.of(ConformanceProfile.of(ConfigFactory.parseString("data.path = ...tiny corpus..."))
 *             .withVocabulary("the cat sat on the mat. ")
 *             .withInvalidSetting("model.hidden", -1)
 *             .withIncompatibleSetting("model.hidden", 32));
 * }
 * }</pre>
 *
 * @param config the plugin's subtree the kit trains with, layered over its reference; it should train in seconds
 * @param vocabulary every character a text model may produce after training on {@code config}
 * @param invalidSetting a setting and a value {@code validate} must reject, naming the setting
 * @param invalidGenerationOption a generation option and a value {@code generate} must reject, naming the option
 * @param incompatibleSetting a setting and a value under which a payload written with {@code config} must not
 *     restore (a setting that shapes the model's parameters)
 * @param shapeless the plugin declares that no setting shapes its parameters (the data do), so rule 6.6 does not
 *     apply to it
 * @since 1.1
 */
@API(status = EXPERIMENTAL, since = "1.1")
public record ConformanceProfile(Config config, Optional<String> vocabulary,
                                 Optional<Map.Entry<String, Object>> invalidSetting,
                                 Optional<Map.Entry<String, Object>> invalidGenerationOption,
                                 Optional<Map.Entry<String, Object>> incompatibleSetting, boolean shapeless) {

    /** Checks that nothing is null. */
    public ConformanceProfile {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(vocabulary, "vocabulary");
        Objects.requireNonNull(invalidSetting, "invalidSetting");
        Objects.requireNonNull(invalidGenerationOption, "invalidGenerationOption");
        Objects.requireNonNull(incompatibleSetting, "incompatibleSetting");
    }

    /**
     * A profile with only the configuration.
     *
     * @param config the tiny configuration
     * @return the profile
     */
    public static ConformanceProfile of(Config config) {
        return new ConformanceProfile(config, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false);
    }

    /**
     * Declares the vocabulary.
     *
     * @param characters every character a text model may produce
     * @return a new profile
     */
    public ConformanceProfile withVocabulary(String characters) {
        return new ConformanceProfile(config, Optional.of(characters), invalidSetting, invalidGenerationOption,
                incompatibleSetting, shapeless);
    }

    /**
     * Declares a setting value {@code validate} must reject.
     *
     * @param key the setting, relative to the plugin's subtree
     * @param value the invalid value
     * @return a new profile
     */
    public ConformanceProfile withInvalidSetting(String key, Object value) {
        return new ConformanceProfile(config, vocabulary, Optional.of(Map.entry(key, value)), invalidGenerationOption,
                incompatibleSetting, shapeless);
    }

    /**
     * Declares a generation option value {@code generate} must reject.
     *
     * @param key the option
     * @param value the invalid value
     * @return a new profile
     */
    public ConformanceProfile withInvalidGenerationOption(String key, Object value) {
        return new ConformanceProfile(config, vocabulary, invalidSetting, Optional.of(Map.entry(key, value)),
                incompatibleSetting, shapeless);
    }

    /**
     * Declares a setting value under which a payload written with {@link #config()} must be refused.
     *
     * @param key the setting, relative to the plugin's subtree
     * @param value a value that gives the model another shape
     * @return a new profile
     */
    public ConformanceProfile withIncompatibleSetting(String key, Object value) {
        return new ConformanceProfile(config, vocabulary, invalidSetting, invalidGenerationOption,
                Optional.of(Map.entry(key, value)), false);
    }

    /**
     * Declares that no setting shapes the model's parameters (they are shaped by the data alone), so that no
     * configuration can be incompatible with a payload: rule 6.6 does not apply.
     *
     * @return a new profile
     */
    public ConformanceProfile withNoShapeSettings() {
        return new ConformanceProfile(config, vocabulary, invalidSetting, invalidGenerationOption, Optional.empty(), true);
    }
}
