package dev.nova.tck;

import dev.nova.tck.internal.DiscoveredPluginVerification;
import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nova.api.GeneratorProvider;
import java.io.IOException;
import java.nio.file.Path;
import org.apiguardian.api.API;
import org.junit.jupiter.api.AfterEach;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rules of the Nova compatibility kit ({@code tck/SPEC.md}) as JUnit 5 tests: extend it once per plugin and
 * implement {@link #provider()}.
 *
 * <p>Each SPEC section is one interface of this package ({@code Section1Metadata} to {@code Section12OpenWeights})
 * whose rules are its default test methods, in SPEC order. Every fact a rule needs (the tiny configuration, the
 * vocabulary, an invalid setting, ...) comes from the provider's {@link GeneratorProvider#conformance conformance
 * profile} and nowhere else, so {@code nova tck} and a plugin's own build give the same verdict. Method names carry
 * the rule: {@code required_specX_Y_...} must pass; {@code optional_specX_Y_...} should, and a failure there is
 * reported as a warning (the test is aborted with {@code "warning: ..."}), never as a failure;
 * {@code untested_specX_Y_...} rules cannot be broken through the SPI (a constructor already enforces them) and say
 * so. A rule whose fact the profile does not declare <em>fails</em> here, naming what to declare, unless the profile
 * opts the rule out with a reason ({@code ConformanceProfile.withRuleNotExercised}); {@code nova tck} reports it as
 * not exercised and exits with its own code. A rule this run cannot exercise for a reason outside the plugin (Flight
 * Recorder's events did not arrive) is aborted with {@code "not exercised: ..."}; one that does not apply to the
 * plugin (an image rule for a text plugin) with {@code "not applicable: ..."}.
 *
 * <p>Compatibility: the hooks a test class overrode up to TCK 0.3 ({@code conformance}, {@code conformanceConfig},
 * {@code vocabulary}, {@code invalidSetting}, {@code invalidGenerationOption}, {@code incompatibleSetting}, and the
 * bounds {@code supportsPrompt} to {@code cancellationBoundMillis}) are here again, deprecated for removal in TCK 0.8,
 * so that such a class still compiles: an overridden fact hook is still honoured (layered over the provider's
 * profile), an overridden bound is ignored (the SPEC's bounds apply), and each run says once on standard error what
 * to move where.
 *
 * <pre>{@code
 * class TextGruTckTests extends GeneratorVerification {
 *     protected GeneratorProvider provider() { return new TextGruProvider(); }
 * }
 * }</pre>
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public abstract class GeneratorVerification implements Section1Metadata, Section2Configuration,
        Section3Reproducibility, Section4Generation, Section5Training, Section6Checkpoints, Section7Concurrency,
        Section8Errors, Section9DataParallel, Section10FineTuning, Section11ReferenceData, Section12OpenWeights {

    private static final Pattern RULE = Pattern.compile("_spec(\\d+)_(\\d+)_");

    /** The seed models are created with. */
    protected static final long SEED = Harness.SEED;

    @TempDir
    Path sandbox;

    private Harness harness;

    /**
     * The factory hook: a new instance of the provider under test. The kit calls it once per rule, and again where a
     * rule is about constructing a provider (1.1, 1.5, 1.6).
     *
     * @return the provider
     */
    protected abstract GeneratorProvider provider();

    @BeforeEach
    final void setUpHarness(TestInfo test) throws IOException {
        Matcher m = RULE.matcher(test.getTestMethod().map(java.lang.reflect.Method::getName).orElse(""));
        LegacyHooks legacy = LegacyHooks.of(this);
        harness = new Harness(sandbox, this::provider, m.find() ? m.group(1) + "." + m.group(2) : "",
                !(this instanceof DiscoveredPluginVerification), legacy::layer);
    }

    // ---- TCK 0.3's hooks, deprecated: a test class that overrides them still compiles ------------------------

    /**
     * The provider's conformance profile.
     *
     * @param scratch a folder for small data files
     * @return the profile
     * @deprecated since TCK 0.4: the kit reads {@link GeneratorProvider#conformance}; an override is still used this
     *     minor version. Move what it returns into the provider's {@code conformance(Path)}.
     */
    @Deprecated(since = "0.4", forRemoval = true)
    protected java.util.Optional<dev.nova.api.ConformanceProfile> conformance(Path scratch) {
        return provider().conformance(scratch);
    }

    /**
     * The tiny configuration.
     *
     * @param scratch a folder for small data files
     * @return the configuration
     * @deprecated since TCK 0.4: declare it as the provider's profile's configuration
     *     ({@code ConformanceProfile.of(config)}); an override is still used this minor version.
     */
    @Deprecated(since = "0.4", forRemoval = true)
    protected java.util.Optional<com.typesafe.config.Config> conformanceConfig(Path scratch) {
        return java.util.Optional.empty();
    }

    /**
     * Every character a text model may produce.
     *
     * @return the vocabulary
     * @deprecated since TCK 0.4: {@code ConformanceProfile.withVocabulary}; an override is still used this minor
     *     version.
     */
    @Deprecated(since = "0.4", forRemoval = true)
    protected java.util.Optional<String> vocabulary() {
        return java.util.Optional.empty();
    }

    /**
     * A setting and an out-of-range value for it.
     *
     * @return the key and value
     * @deprecated since TCK 0.4: {@code ConformanceProfile.withInvalidSetting}; an override is still used this minor
     *     version.
     */
    @Deprecated(since = "0.4", forRemoval = true)
    protected java.util.Optional<java.util.Map.Entry<String, Object>> invalidSetting() {
        return java.util.Optional.empty();
    }

    /**
     * A generation option and an invalid value for it.
     *
     * @return the option and value
     * @deprecated since TCK 0.4: {@code ConformanceProfile.withInvalidGenerationOption}; an override is still used
     *     this minor version.
     */
    @Deprecated(since = "0.4", forRemoval = true)
    protected java.util.Optional<java.util.Map.Entry<String, Object>> invalidGenerationOption() {
        return java.util.Optional.empty();
    }

    /**
     * A setting under which a payload must not restore.
     *
     * @return the key and value
     * @deprecated since TCK 0.4: {@code ConformanceProfile.withIncompatibleSetting}; an override is still used this
     *     minor version.
     */
    @Deprecated(since = "0.4", forRemoval = true)
    protected java.util.Optional<java.util.Map.Entry<String, Object>> incompatibleSetting() {
        return java.util.Optional.empty();
    }

    /**
     * Whether text generation takes a prompt.
     *
     * @return whether it does
     * @deprecated since TCK 0.4, ignored: every text plugin takes one (SPEC 4.7)
     */
    @Deprecated(since = "0.4", forRemoval = true)
    protected boolean supportsPrompt() {
        return true;
    }

    /**
     * Whether text generation takes a length.
     *
     * @return whether it does
     * @deprecated since TCK 0.4, ignored: every text plugin takes one (SPEC 4.2)
     */
    @Deprecated(since = "0.4", forRemoval = true)
    protected boolean supportsLength() {
        return true;
    }

    /**
     * Steps within which the training loss must fall.
     *
     * @return the steps
     * @deprecated since TCK 0.4, ignored: the SPEC's bound applies (rule 5.2)
     */
    @Deprecated(since = "0.4", forRemoval = true)
    protected int lossDropSteps() {
        return 60;
    }

    /**
     * The fraction by which the training loss must fall.
     *
     * @return the fraction
     * @deprecated since TCK 0.4, ignored: the SPEC's bound applies (rule 5.2)
     */
    @Deprecated(since = "0.4", forRemoval = true)
    protected double lossDropMargin() {
        return 0.10;
    }

    /**
     * Steps of training before generation and checkpoint rules.
     *
     * @return the steps
     * @deprecated since TCK 0.4, ignored: the SPEC's warm-up applies
     */
    @Deprecated(since = "0.4", forRemoval = true)
    protected int warmUpSteps() {
        return Harness.WARM_UP_STEPS;
    }

    /**
     * Characters generated per text sample.
     *
     * @return the length
     * @deprecated since TCK 0.4, ignored: the SPEC's lengths apply (rule 4.2)
     */
    @Deprecated(since = "0.4", forRemoval = true)
    protected int sampleLength() {
        return 16;
    }

    /**
     * How long a cancelled training call may take to return.
     *
     * @return milliseconds
     * @deprecated since TCK 0.4, ignored: the SPEC's bound applies (rule 5.4)
     */
    @Deprecated(since = "0.4", forRemoval = true)
    protected long cancellationBoundMillis() {
        return 5_000;
    }

    @AfterEach
    final void closeModels() {
        if (harness != null) {
            harness.close();
        }
    }

    /**
     * The harness of the rule being run (for the section interfaces of this package).
     *
     * @return the harness
     */
    @Override
    public final Harness harness() {
        return harness;
    }
}
