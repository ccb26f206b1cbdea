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
 * <p>Each SPEC section is one interface of this package ({@code Section1Metadata} to {@code Section10FineTuning})
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
        Section8Errors, Section9DataParallel, Section10FineTuning {

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
        harness = new Harness(sandbox, this::provider, m.find() ? m.group(1) + "." + m.group(2) : "",
                !(this instanceof DiscoveredPluginVerification));
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
