package dev.nova.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import com.typesafe.config.Config;
import java.util.List;
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
 * @param rulesNotExercised rules the plugin's author knows the kit cannot exercise on it, each with the reason the
 *     report prints (since API 1.3; see {@link #withRuleNotExercised})
 * @param generationOptions generation options the plugin takes, each with values it accepts, in order (since API 1.3;
 *     see {@link #withGenerationOption})
 * @param optimizerSettings settings layered over {@code config} under which the optimiser's gradient clipping,
 *     learning-rate warm-up and decay all take effect (since API 1.3; see {@link #withOptimizerSettings})
 * @param dataSetting the setting that names the training data, a file or folder the kit may point elsewhere (since API
 *     1.3; see {@link #withDataSetting})
 * @since 1.1
 */
@API(status = EXPERIMENTAL, since = "1.1")
public record ConformanceProfile(Config config, Optional<String> vocabulary,
                                 Optional<Map.Entry<String, Object>> invalidSetting,
                                 Optional<Map.Entry<String, Object>> invalidGenerationOption,
                                 Optional<Map.Entry<String, Object>> incompatibleSetting, boolean shapeless,
                                 Map<String, String> rulesNotExercised, Map<String, List<Object>> generationOptions,
                                 Optional<Config> optimizerSettings, Optional<String> dataSetting) {

    /** Checks that nothing is null, and copies the opted-out rules. */
    public ConformanceProfile {
        Objects.requireNonNull(dataSetting, "dataSetting");
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(vocabulary, "vocabulary");
        Objects.requireNonNull(invalidSetting, "invalidSetting");
        Objects.requireNonNull(invalidGenerationOption, "invalidGenerationOption");
        Objects.requireNonNull(incompatibleSetting, "incompatibleSetting");
        Objects.requireNonNull(optimizerSettings, "optimizerSettings");
        rulesNotExercised = Map.copyOf(rulesNotExercised);
        Map<String, List<Object>> options = new java.util.LinkedHashMap<>();
        generationOptions.forEach((k, v) -> options.put(k, List.copyOf(v)));
        generationOptions = java.util.Collections.unmodifiableMap(options);
    }

    /**
     * A profile without opted-out rules (the API 1.1 form).
     *
     * @param config the tiny configuration
     * @param vocabulary every character a text model may produce
     * @param invalidSetting a setting value {@code validate} must reject
     * @param invalidGenerationOption a generation option value {@code generate} must reject
     * @param incompatibleSetting a setting value under which a payload must not restore
     * @param shapeless whether no setting shapes the parameters
     */
    public ConformanceProfile(Config config, Optional<String> vocabulary, Optional<Map.Entry<String, Object>> invalidSetting,
                              Optional<Map.Entry<String, Object>> invalidGenerationOption,
                              Optional<Map.Entry<String, Object>> incompatibleSetting, boolean shapeless) {
        this(config, vocabulary, invalidSetting, invalidGenerationOption, incompatibleSetting, shapeless, Map.of(), Map.of(),
                Optional.empty(), Optional.empty());
    }

    /**
     * A profile with only the configuration.
     *
     * @param config the tiny configuration
     * @return the profile
     */
    public static ConformanceProfile of(Config config) {
        return new ConformanceProfile(config, Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), false,
                Map.of(), Map.of(), Optional.empty(), Optional.empty());
    }

    /**
     * Declares the vocabulary.
     *
     * @param characters every character a text model may produce
     * @return a new profile
     */
    public ConformanceProfile withVocabulary(String characters) {
        return new ConformanceProfile(config, Optional.of(characters), invalidSetting, invalidGenerationOption,
                incompatibleSetting, shapeless, rulesNotExercised, generationOptions, optimizerSettings, dataSetting);
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
                incompatibleSetting, shapeless, rulesNotExercised, generationOptions, optimizerSettings, dataSetting);
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
                incompatibleSetting, shapeless, rulesNotExercised, generationOptions, optimizerSettings, dataSetting);
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
                Optional.of(Map.entry(key, value)), false, rulesNotExercised, generationOptions, optimizerSettings, dataSetting);
    }

    /**
     * Declares that no setting shapes the model's parameters (they are shaped by the data alone), so that no
     * configuration can be incompatible with a payload: rule 6.6 does not apply.
     *
     * @return a new profile
     */
    public ConformanceProfile withNoShapeSettings() {
        return new ConformanceProfile(config, vocabulary, invalidSetting, invalidGenerationOption, Optional.empty(), true,
                rulesNotExercised, generationOptions, optimizerSettings, dataSetting);
    }

    /**
     * Declares that the kit cannot exercise a rule on this plugin, and why: a rule whose fact the profile does not
     * declare otherwise fails a plugin's own build and makes {@code nova tck} exit with its not-exercised code.
     * An opted-out rule is reported as not exercised with this reason, and does neither. It opts out only what
     * the rule needs a fact for; a rule that runs is still checked.
     *
     * @param rule the rule's number in the kit's SPEC, for example {@code "4.6"}
     * @param reason why the rule cannot be exercised, for the report
     * @return a new profile
     * @throws IllegalArgumentException if the rule is not a rule number or the reason is blank
     * @since 1.3
     */
    public ConformanceProfile withRuleNotExercised(String rule, String reason) {
        if (rule == null || !rule.matches("\\d+\\.\\d+")) {
            throw new IllegalArgumentException("a rule number such as 4.6, found " + rule);
        }
        if (reason == null || reason.isBlank()) {
            throw new IllegalArgumentException("rule " + rule + " is opted out without a reason");
        }
        Map<String, String> rules = new java.util.TreeMap<>(rulesNotExercised);
        rules.put(rule, reason);
        return new ConformanceProfile(config, vocabulary, invalidSetting, invalidGenerationOption, incompatibleSetting,
                shapeless, rules, generationOptions, optimizerSettings, dataSetting);
    }

    /**
     * Declares a generation option the plugin takes and values it accepts for it. The kit gives the option alone,
     * with each value, to a model trained on {@link #config()}: each must be accepted, give samples of the request's
     * count and modality, give the same samples twice, and at least one value must give other samples than the
     * request without the option (an accepted option has an effect). A text plugin that declares none is checked
     * with {@code temperature} 0.5 and 2.0.
     *
     * @param key the option, as {@code nova generate --option KEY=VALUE} names it
     * @param validValues values it accepts, typed as a caller would pass them (a {@code Double}, a {@code String}, ...)
     * @return a new profile
     * @throws IllegalArgumentException if no value is given
     * @since 1.3
     */
    public ConformanceProfile withGenerationOption(String key, Object... validValues) {
        if (key == null || key.isBlank() || validValues.length == 0) {
            throw new IllegalArgumentException("a generation option needs a name and at least one valid value");
        }
        Map<String, List<Object>> options = new java.util.LinkedHashMap<>(generationOptions);
        options.put(key, List.of(validValues));
        return new ConformanceProfile(config, vocabulary, invalidSetting, invalidGenerationOption, incompatibleSetting,
                shapeless, rulesNotExercised, options, optimizerSettings, dataSetting);
    }

    /**
     * Declares settings under which the optimiser's gradient clipping, learning-rate warm-up and decay all take
     * effect within 20 steps of the conformance configuration (for kit's optimiser, for example
     * {@code train { gradient-clip = 0.1, warmup-steps = 5, decay-steps = 15 }}). Rule 9.6 trains data-parallel under
     * them: a data-parallel update that forgets the schedule or the clipping is only visible there. A model that
     * does not offer data-parallel training need not declare them.
     *
     * @param settings a configuration layered over the profile's; training under it must differ from training
     *     without it
     * @return a new profile
     * @since 1.3
     */
    public ConformanceProfile withOptimizerSettings(Config settings) {
        return new ConformanceProfile(config, vocabulary, invalidSetting, invalidGenerationOption, incompatibleSetting,
                shapeless, rulesNotExercised, generationOptions, Optional.of(settings), dataSetting);
    }

    /**
     * Declares the setting that names the training data (a file, or a folder), for the fine-tuning rules: rule 10.3
     * writes a text with characters the conformance model never saw and points this setting at it.
     *
     * @param key the setting, for example {@code data.path}
     * @return a new profile
     * @since 1.3
     */
    public ConformanceProfile withDataSetting(String key) {
        return new ConformanceProfile(config, vocabulary, invalidSetting, invalidGenerationOption, incompatibleSetting,
                shapeless, rulesNotExercised, generationOptions, optimizerSettings, Optional.of(key));
    }
}
