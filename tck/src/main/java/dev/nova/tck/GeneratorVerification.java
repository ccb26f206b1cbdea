package dev.nova.tck;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValueFactory;
import dev.nova.api.ApiVersion;
import dev.nova.api.Cancellation;
import dev.nova.api.CheckpointException;
import dev.nova.api.ConfigProblem;
import dev.nova.api.ConformanceProfile;
import dev.nova.api.DataParallel;
import dev.nova.api.EvaluationRequest;
import dev.nova.api.GenerationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.GeneratorProvider;
import dev.nova.api.Modality;
import dev.nova.api.ModelContext;
import dev.nova.api.PluginException;
import dev.nova.api.PluginInfo;
import dev.nova.api.Sample;
import dev.nova.api.StepEvent;
import dev.nova.api.TrainingRequest;
import dev.nova.api.TrainingResult;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.apiguardian.api.API;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rules of the Nova compatibility kit ({@code tck/SPEC.md}) as JUnit 5 tests.
 *
 * <p>Extend it once per plugin and implement {@link #provider()}; the facts the rules need (vocabulary, an invalid
 * setting, ...) come from the provider's {@link GeneratorProvider#conformance conformance profile}, so that
 * {@code nova tck} gives the same verdict (the hooks below can still override them). Method names carry the rule:
 * {@code required_specX_Y_...} must pass; {@code optional_specX_Y_...} should, and a failure there is reported as
 * a warning (the test is aborted with {@code "warning: ..."}), never as a failure; {@code untested_specX_Y_...}
 * rules cannot be broken through the SPI (a constructor already enforces them) and say so. A rule whose fact is
 * not declared is aborted with {@code "not exercised: ..."}; one that does not apply to the plugin (an image rule
 * for a text plugin) with {@code "not applicable: ..."}.
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
public abstract class GeneratorVerification {

    /** The seed models are created with. */
    protected static final long SEED = 42;

    @TempDir
    Path sandbox;

    private Path work;
    private Path base;
    private Path scratch;
    private GeneratorProvider provider;
    private PluginInfo info;
    private Config config;
    private Optional<ConformanceProfile> profile;
    private final List<GenerativeModel> open = new ArrayList<>();

    /**
     * The factory hook: a new instance of the provider under test.
     *
     * @return the provider
     */
    protected abstract GeneratorProvider provider();

    /**
     * The provider's conformance profile ({@link GeneratorProvider#conformance}), read once per test.
     *
     * @param scratch a directory for small data files
     * @return the profile, or empty if the plugin offers none (every model rule is then not exercised)
     */
    protected Optional<ConformanceProfile> conformance(Path scratch) {
        return provider.conformance(scratch);
    }

    private Optional<ConformanceProfile> profile() {
        if (profile == null) {
            profile = call("2.2", "conformance", () -> conformance(scratch));
        }
        return profile;
    }

    /**
     * The tiny configuration the kit trains with (the plugin's subtree, layered over its reference): the profile's.
     *
     * @param scratch a directory for small data files
     * @return the configuration, or empty if the plugin offers none (every model rule is then not exercised)
     */
    protected Optional<Config> conformanceConfig(Path scratch) {
        return profile().map(ConformanceProfile::config);
    }

    /**
     * Every character a text model may produce after training on the conformance config: the profile's.
     *
     * @return the vocabulary, or empty if not declared (rules 4.4 and 4.7 are then not exercised)
     */
    protected Optional<String> vocabulary() {
        return profile().flatMap(ConformanceProfile::vocabulary);
    }

    /**
     * One setting and an out-of-range value for it (for example {@code hidden -> -1}): the profile's.
     *
     * @return the key (relative to the plugin's subtree) and value, or empty (rules 2.4 and 2.5 are then not
     *     exercised)
     */
    protected Optional<Map.Entry<String, Object>> invalidSetting() {
        return profile().flatMap(ConformanceProfile::invalidSetting);
    }

    /**
     * One generation option and an invalid value for it: the profile's; for text plugins that declare none,
     * {@code temperature -> -1.0}.
     *
     * @return the option and value, or empty (rule 4.6 is then not exercised)
     */
    protected Optional<Map.Entry<String, Object>> invalidGenerationOption() {
        Optional<Map.Entry<String, Object>> declared = profile().flatMap(ConformanceProfile::invalidGenerationOption);
        return declared.isPresent() || info.modality() != Modality.TEXT ? declared
                : Optional.of(Map.entry(GenerationRequest.TEMPERATURE, -1.0));
    }

    /**
     * A setting under which a payload written with the conformance config must not restore: the profile's.
     *
     * @return the key and value, or empty (rule 6.6 is then not exercised)
     */
    protected Optional<Map.Entry<String, Object>> incompatibleSetting() {
        return profile().flatMap(ConformanceProfile::incompatibleSetting);
    }

    /** Capability: whether text generation takes {@link GenerationRequest#PROMPT}. */
    protected boolean supportsPrompt() {
        return info.modality() == Modality.TEXT;
    }

    /** Capability: whether text generation takes {@link GenerationRequest#LENGTH}. */
    protected boolean supportsLength() {
        return info.modality() == Modality.TEXT;
    }

    /** Steps within which the training loss must fall by {@link #lossDropMargin()} (rule 5.2). */
    protected int lossDropSteps() {
        return 60;
    }

    /** The fraction by which the training loss must fall within {@link #lossDropSteps()} (rule 5.2). */
    protected double lossDropMargin() {
        return 0.10;
    }

    /** Steps of training before generation and checkpoint rules run. */
    protected int warmUpSteps() {
        return 5;
    }

    /** Characters generated per text sample in generation rules. */
    protected int sampleLength() {
        return 16;
    }

    /** How long a cancelled training call may take to return (rule 5.4). */
    protected long cancellationBoundMillis() {
        return 5_000;
    }

    @BeforeEach
    final void setUpSandbox() throws IOException {
        work = Files.createDirectories(sandbox.resolve("work"));
        base = Files.createDirectories(sandbox.resolve("base"));
        scratch = Files.createDirectories(sandbox.resolve("scratch"));
        provider = provider();
        info = provider.info();
    }

    @AfterEach
    final void closeModels() {
        for (GenerativeModel m : open) {
            try {
                m.close();
            } catch (RuntimeException ignored) {
                // a model that cannot close is not this rule's concern
            }
        }
    }

    // ---- helpers -------------------------------------------------------------------------------------

    /** Formats a failure: the plugin, the rule, and what was observed. */
    protected final String violation(String rule, String observed) {
        return "Plugin '" + info.id() + "' violates rule " + rule + " of the Nova TCK: " + observed;
    }

    private Config reference() {
        try (InputStream in = provider.getClass().getModule().getResourceAsStream("reference.conf")) {
            if (in == null) {
                return null;
            }
            Config c = ConfigFactory.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8),
                    ConfigParseOptions.defaults().setOriginDescription(info.id() + " reference.conf"));
            String path = "plugins." + info.id();
            return c.hasPath(path) ? c.getConfig(path) : null;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The plugin's effective conformance config: conformance overrides over its reference; skips if none. */
    protected final Config config() {
        if (config == null) {
            Optional<Config> tiny = conformanceConfig(scratch);
            assumeTrue(tiny.isPresent(), "not exercised: plugin '" + info.id() + "' offers no conformance profile"
                    + " (GeneratorProvider.conformance)");
            Config ref = reference();
            config = (ref == null ? tiny.get() : tiny.get().withFallback(ref)).resolve();
        }
        return config;
    }

    private ModelContext context() {
        return ModelContext.of(SEED, work, base);
    }

    /** A fresh model from the conformance config. */
    protected final GenerativeModel fresh() {
        GenerativeModel m = call("2.2", "create", () -> provider.create(config(), context()));
        open.add(m);
        return m;
    }

    /** A fresh model trained for {@link #warmUpSteps()} steps. */
    protected final GenerativeModel warm() {
        GenerativeModel m = fresh();
        train(m, warmUpSteps());
        return m;
    }

    private List<StepEvent> train(GenerativeModel m, long steps) {
        List<StepEvent> events = new ArrayList<>();
        call("5.3", "train", () -> m.train(TrainingRequest.of(steps), events::add));
        return events;
    }

    private byte[] save(GenerativeModel m) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        call("6.1", "save", () -> {
            m.save(out);
            return null;
        });
        return out.toByteArray();
    }

    private GenerativeModel restore(byte[] payload) {
        GenerativeModel m = call("6.1", "restore", () -> provider.restore(config(), context(), new ByteArrayInputStream(payload)));
        open.add(m);
        return m;
    }

    private GenerationRequest request(int count, long seed) {
        GenerationRequest r = GenerationRequest.of(count, seed);
        if (supportsLength()) {
            r = r.with(GenerationRequest.LENGTH, sampleLength());
        }
        return r;
    }

    private List<Sample> generate(GenerativeModel m, GenerationRequest r) {
        List<Sample> s = call("4.1", "generate", () -> m.generate(r));
        if (s == null) {
            fail(violation("4.1", "generate returned null"));
        }
        return s;
    }

    /** Calls the plugin; anything but a PluginException is a violation of rule 8.1. */
    private <T> T call(String rule, String what, Supplier<T> body) {
        try {
            return body.get();
        } catch (PluginException e) {
            throw new AssertionError(violation(rule, what + " failed: " + e.getMessage()), e);
        } catch (RuntimeException | StackOverflowError | AssertionError e) {
            if (e instanceof AssertionError a && String.valueOf(a.getMessage()).startsWith("Plugin '")) {
                throw a;                                              // a violation found inside the call
            }
            throw new AssertionError(violation("8.1", what + " threw undocumented " + e.getClass().getName() + ": "
                    + e.getMessage()), e);
        }
    }

    /** Skips a rule whose fact the plugin did not declare: reported as not exercised, never as passed. */
    private static void exercisedOnlyIf(boolean declared, String why) {
        assumeTrue(declared, "not exercised: " + why);
    }

    /** Skips a rule that does not concern this plugin. */
    private static void applicableOnlyIf(boolean applies, String why) {
        assumeTrue(applies, "not applicable: " + why);
    }

    /** A SHOULD rule: a failure is reported as a warning (the test is aborted), never as a failure. */
    private static void should(Runnable check) {
        try {
            check.run();
        } catch (AssertionError e) {
            org.junit.jupiter.api.Assumptions.abort("warning: " + e.getMessage());
        }
    }

    /** A character the model cannot know: the first of a few unusual ones that is not in its vocabulary. */
    private static String outsideVocabulary(String vocabulary) {
        for (String c : List.of("\u2603", "\u00a7", "~", "\u00e9", "\u4e2d")) {
            if (!vocabulary.contains(c)) {
                return c;
            }
        }
        return "\ud83d\ude00";
    }

    private static String describe(List<Sample> samples) {
        StringBuilder b = new StringBuilder("[");
        for (Sample s : samples) {
            b.append(b.length() > 1 ? ", " : "").append(s instanceof Sample.Text t ? "\"" + t.text() + "\"" : s.toString());
        }
        return b.append(']').toString();
    }

    // ---- §1 metadata ---------------------------------------------------------------------------------

    @Test
    void required_spec1_1_infoIsStable() {
        PluginInfo again = provider.info();
        assertEquals(info, again, violation("1.1", "info() changed between calls: " + info + " then " + again));
        assertEquals(info, provider().info(), violation("1.1", "two provider instances describe themselves differently"));
    }

    /** Untested: {@link PluginInfo}'s constructor refuses a malformed id, so no plugin can break the rule. */
    @Test
    void untested_spec1_2_idIsWellFormed() {
        assumeTrue(false, "not applicable: PluginInfo's constructor enforces the id's form (" + PluginInfo.ID_PATTERN
                + ", at most 40 characters); a plugin cannot break rule 1.2");
    }

    @Test
    void required_spec1_3_apiRangeIncludesThisApi() {
        assertTrue(info.apiRange().contains(ApiVersion.CURRENT),
                violation("1.3", "API range " + info.apiRange() + " excludes API " + ApiVersion.CURRENT));
    }

    /** Untested: {@link PluginInfo}'s constructor refuses a blank version and a description that is not one line. */
    @Test
    void untested_spec1_4_versionAndDescriptionArePresent() {
        assumeTrue(false, "not applicable: PluginInfo's constructor enforces a non-blank version and a one-line"
                + " description of 1 to 120 characters; a plugin cannot break rule 1.4");
    }

    @Test
    void optional_spec1_5_providerIsCheapToConstruct() {
        long start = System.nanoTime();
        provider().info();
        long ms = (System.nanoTime() - start) / 1_000_000;
        should(() -> assertTrue(ms < 250, violation("1.5", "constructing the provider and calling info() took " + ms + " ms")));
    }

    @Test
    void required_spec1_6_constructingTheProviderStartsNoThread() throws InterruptedException {
        java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
        GeneratorProvider p = provider();
        p.info();
        Thread.sleep(50);
        // Only threads running the plugin's own code count: a thread the JVM or a library starts meanwhile is not
        // the provider's, and must not fail it.
        String pkg = p.getClass().getPackageName();
        String module = p.getClass().getModule().getName();
        List<String> started = Thread.getAllStackTraces().entrySet().stream()
                .filter(e -> !before.contains(e.getKey()) && e.getKey().isAlive())
                .filter(e -> java.util.Arrays.stream(e.getValue()).anyMatch(f -> f.getClassName().startsWith(pkg + ".")
                        || module != null && module.equals(f.getModuleName())))
                .map(e -> e.getKey().getName()).toList();
        assertTrue(started.isEmpty(), violation("1.6", "constructing the provider and calling info() started threads "
                + started + "; the host constructs every installed provider to list plugins"));
    }

    // ---- §2 configuration ----------------------------------------------------------------------------

    @Test
    void required_spec2_1_referenceConfLivesAtJarRoot() {
        assertTrue(reference() != null, violation("2.1", "no reference.conf with plugins." + info.id()
                + " at the root of module " + provider.getClass().getModule().getName()));
    }

    @Test
    void required_spec2_2_defaultsAreValidAndBuildAModel() {
        List<ConfigProblem> problems = call("2.2", "validate", () -> provider.validate(config()));
        assertTrue(problems.isEmpty(), violation("2.2", "validate() rejects its own conformance config: " + problems));
        List<ConfigProblem> forRun = call("2.2", "validate", () -> provider.validate(config(), base));
        assertTrue(forRun.isEmpty(), violation("2.2", "validate(config, baseDirectory) rejects its own conformance config: "
                + forRun));
        assertTrue(fresh() != null, violation("2.2", "create() returned null"));
    }

    @Test
    void required_spec2_3_unknownKeyIsRejected() {
        Config typo = config().withValue("surely-not-a-setting", ConfigValueFactory.fromAnyRef(3));
        List<ConfigProblem> problems = provider.validate(typo);
        assertTrue(problems.stream().anyMatch(p -> p.path().equals("surely-not-a-setting")),
                violation("2.3", "validate() accepted the unknown key 'surely-not-a-setting'; problems: " + problems));
    }

    @Test
    void required_spec2_4_invalidValueIsRejectedNamingTheKey() {
        Optional<Map.Entry<String, Object>> bad = invalidSetting();
        exercisedOnlyIf(bad.isPresent(), "no invalid setting declared (ConformanceProfile.withInvalidSetting)");
        Config c = config().withValue(bad.get().getKey(), ConfigValueFactory.fromAnyRef(bad.get().getValue()));
        List<ConfigProblem> problems = call("2.4", "validate", () -> provider.validate(c));
        assertTrue(problems.stream().anyMatch(p -> p.path().equals(bad.get().getKey()) && !p.message().isBlank()),
                violation("2.4", "validate() accepted " + bad.get().getKey() + " = " + bad.get().getValue() + "; problems: " + problems));
    }

    @Test
    void required_spec2_6_validateReportsEveryProblemAtOnce() {
        Optional<Map.Entry<String, Object>> bad = invalidSetting();
        exercisedOnlyIf(bad.isPresent(), "no invalid setting declared (ConformanceProfile.withInvalidSetting)");
        Config invalid = config().withValue(bad.get().getKey(), ConfigValueFactory.fromAnyRef(bad.get().getValue()));
        Config unknown = config().withValue("surely-not-a-setting", ConfigValueFactory.fromAnyRef(3));
        boolean eachAlone = call("2.6", "validate", () -> provider.validate(invalid)).stream()
                .anyMatch(p -> p.path().equals(bad.get().getKey()))
                && call("2.6", "validate", () -> provider.validate(unknown)).stream()
                .anyMatch(p -> p.path().equals("surely-not-a-setting"));
        exercisedOnlyIf(eachAlone, "validate() does not report each problem alone (rules 2.3 and 2.4)");
        Config c = invalid.withValue("surely-not-a-setting", ConfigValueFactory.fromAnyRef(3));
        List<ConfigProblem> problems = call("2.6", "validate", () -> provider.validate(c));
        java.util.Set<String> named = new java.util.TreeSet<>(problems.stream().map(ConfigProblem::path).toList());
        assertTrue(named.contains("surely-not-a-setting") && named.contains(bad.get().getKey()), violation("2.6",
                "with an unknown key and " + bad.get().getKey() + " = " + bad.get().getValue() + ", validate() reported only "
                        + problems + "; the user fixes every problem in one round"));
    }

    @Test
    void required_spec2_5_createRejectsAnInvalidValueWithAPluginException() {
        Optional<Map.Entry<String, Object>> bad = invalidSetting();
        exercisedOnlyIf(bad.isPresent(), "no invalid setting declared (ConformanceProfile.withInvalidSetting)");
        Config c = config().withValue(bad.get().getKey(), ConfigValueFactory.fromAnyRef(bad.get().getValue()));
        try {
            GenerativeModel m = provider.create(c, context());
            open.add(m);
            fail(violation("2.5", "create() built a model with " + bad.get().getKey() + " = " + bad.get().getValue()
                    + ", which validate() must refuse"));
        } catch (PluginException e) {
            assertEquals(info.id(), e.pluginId(), violation("2.5", "the exception names plugin '" + e.pluginId() + "'"));
        } catch (RuntimeException e) {
            fail(violation("2.5", "create() refused " + bad.get().getKey() + " = " + bad.get().getValue()
                    + " with undocumented " + e.getClass().getName() + " instead of a PluginException (InvalidConfigException)"));
        }
    }

    // ---- §3 reproducibility --------------------------------------------------------------------------

    @Test
    void required_spec3_1_sameSeedGivesSameSamples() {
        GenerativeModel m = warm();
        List<Sample> a = generate(m, request(3, 7));
        List<Sample> b = generate(m, request(3, 7));
        assertEquals(a, b, violation("3.1", "seed 7 gave " + describe(a) + " then " + describe(b)));
    }

    @Test
    void required_spec3_2_differentSeedsGiveDifferentSamples() {
        GenerativeModel m = warm();
        List<Sample> a = generate(m, request(3, 7));
        List<Sample> b = generate(m, request(3, 8));
        assertTrue(!a.equals(b), violation("3.2", "seeds 7 and 8 gave the same samples " + describe(a)));
    }

    @Test
    void required_spec3_3_sameSeedTrainsTheSameModel() {
        GenerativeModel m1 = fresh();
        GenerativeModel m2 = fresh();
        List<Double> l1 = train(m1, warmUpSteps()).stream().map(StepEvent::loss).toList();
        List<Double> l2 = train(m2, warmUpSteps()).stream().map(StepEvent::loss).toList();
        assertEquals(l1, l2, violation("3.3", "two models with seed " + SEED + " trained to different losses"));
        assertEquals(generate(m1, request(2, 1)), generate(m2, request(2, 1)),
                violation("3.3", "two models with seed " + SEED + " trained to different samples"));
    }

    // ---- §4 generation -------------------------------------------------------------------------------

    @Test
    void required_spec4_1_countIsHonoured() {
        GenerativeModel m = warm();
        for (int count : new int[] {1, 3}) {
            List<Sample> s = generate(m, request(count, 5));
            assertEquals(count, s.size(), violation("4.1", "produced " + s.size() + " samples for count=" + count));
        }
    }

    @Test
    void required_spec4_2_samplesHaveTheRequestedShape() {
        GenerativeModel m = warm();
        List<Sample> samples = generate(m, request(2, 5));
        for (Sample s : samples) {
            if (info.modality() == Modality.TEXT) {
                assertTrue(s instanceof Sample.Text, violation("4.2", "a text plugin produced " + s));
                if (supportsLength()) {
                    int n = ((Sample.Text) s).text().codePointCount(0, ((Sample.Text) s).text().length());
                    assertEquals(sampleLength(), n, violation("4.2", "produced " + n + " characters for length="
                            + sampleLength() + ": \"" + ((Sample.Text) s).text() + "\""));
                }
            } else {
                assertTrue(s instanceof Sample.Image, violation("4.2", "an image plugin produced " + s));
                Sample.Image first = (Sample.Image) samples.get(0);
                Sample.Image i = (Sample.Image) s;
                assertTrue(i.width() == first.width() && i.height() == first.height(),
                        violation("4.2", "images of different sizes in one request: " + first + " and " + i));
            }
        }
    }

    @Test
    void required_spec4_3_pixelsAreWithinZeroAndOne() {
        applicableOnlyIf(info.modality() == Modality.IMAGE, "not an image plugin");
        for (Sample s : generate(warm(), request(3, 5))) {
            float[] p = ((Sample.Image) s).pixels();
            for (int k = 0; k < p.length; k++) {
                float v = p[k];
                if (!(v >= 0f && v <= 1f)) {
                    fail(violation("4.3", "pixel " + k + " of " + s + " is " + v + ", outside [0,1]"));
                }
            }
        }
    }

    @Test
    void required_spec4_4_textUsesOnlyTheVocabulary() {
        applicableOnlyIf(info.modality() == Modality.TEXT, "not a text plugin");
        Optional<String> vocab = vocabulary();
        exercisedOnlyIf(vocab.isPresent(), "no vocabulary declared (ConformanceProfile.withVocabulary)");
        for (Sample s : generate(warm(), request(3, 5))) {
            String text = ((Sample.Text) s).text();
            text.codePoints().filter(cp -> vocab.get().indexOf(cp) < 0).findFirst().ifPresent(cp ->
                    fail(violation("4.4", "produced U+" + String.format("%04X", cp) + " '" + new String(Character.toChars(cp))
                            + "', not in its vocabulary, in \"" + text + "\"")));
        }
    }

    @Test
    void required_spec4_5_promptIsAPrefix() {
        applicableOnlyIf(supportsPrompt(), "the plugin does not take prompts");
        Optional<String> vocab = vocabulary();
        String prompt = vocab.map(v -> v.substring(0, Math.min(3, v.length()))).orElse("a");
        for (Sample s : generate(warm(), request(2, 5).with(GenerationRequest.PROMPT, prompt))) {
            String text = ((Sample.Text) s).text();
            assertTrue(text.startsWith(prompt), violation("4.5", "sample \"" + text + "\" does not start with prompt \"" + prompt + "\""));
        }
    }

    @Test
    void required_spec4_6_invalidOptionValueIsRejected() {
        Optional<Map.Entry<String, Object>> option = invalidGenerationOption();
        exercisedOnlyIf(option.isPresent(), "no invalid generation option declared"
                + " (ConformanceProfile.withInvalidGenerationOption)");
        String key = option.get().getKey();
        Object value = option.get().getValue();
        GenerativeModel m = warm();
        try {
            m.generate(request(1, 5).with(key, value));
            fail(violation("4.6", "accepted " + key + " = " + value));
        } catch (PluginException e) {
            assertTrue(e.getMessage().contains(key), violation("4.6", "message does not name the option: " + e.getMessage()));
        } catch (RuntimeException e) {
            fail(violation("8.1", "rejected " + key + " = " + value + " with undocumented " + e.getClass().getName()));
        }
    }

    @Test
    void required_spec4_7_aPromptOutsideTheVocabularyIsRejected() {
        applicableOnlyIf(supportsPrompt(), "the plugin does not take prompts");
        Optional<String> vocab = vocabulary();
        exercisedOnlyIf(vocab.isPresent(), "no vocabulary declared (ConformanceProfile.withVocabulary)");
        String prompt = vocab.get().substring(0, Math.min(2, vocab.get().length())) + outsideVocabulary(vocab.get());
        GenerativeModel m = warm();
        try {
            List<Sample> s = m.generate(request(1, 5).with(GenerationRequest.PROMPT, prompt));
            fail(violation("4.7", "accepted the prompt \"" + prompt + "\", whose last character is not in its vocabulary,"
                    + " and generated " + describe(s)));
        } catch (PluginException e) {
            assertTrue(e.getMessage().contains("prompt"), violation("4.7", "the message does not name the prompt: "
                    + e.getMessage()));
        } catch (RuntimeException e) {
            fail(violation("8.1", "a prompt outside the vocabulary raised undocumented " + e.getClass().getName()));
        }
    }

    @Test
    void required_spec4_8_temperatureChangesTheSamples() {
        applicableOnlyIf(info.modality() == Modality.TEXT, "not a text plugin");
        GenerativeModel m = warm();
        List<Sample> cold = generate(m, request(3, 9).with(GenerationRequest.TEMPERATURE, 0.05));
        List<Sample> hot = generate(m, request(3, 9).with(GenerationRequest.TEMPERATURE, 20.0));
        assertTrue(!cold.equals(hot), violation("4.8", "temperature 0.05 and 20 gave the same samples " + describe(cold)
                + ": the option is accepted but has no effect"));
    }

    @Test
    void required_spec4_9_streamedTextIsTheSample() {
        applicableOnlyIf(info.modality() == Modality.TEXT, "not a text plugin");
        GenerativeModel m = warm();
        Map<Integer, StringBuilder> streamed = new TreeMap<>();
        GenerationRequest r = new GenerationRequest(2, 5, request(2, 5).options(),
                (i, text) -> streamed.computeIfAbsent(i, k -> new StringBuilder()).append(text));
        List<Sample> samples = generate(m, r);
        // A plugin need not stream; one that streams nothing has not shown this rule holds, so it is not applicable
        // rather than passed.
        applicableOnlyIf(!streamed.isEmpty(), "the plugin streamed no text to the request's listener");
        for (int i = 0; i < samples.size(); i++) {
            String sample = ((Sample.Text) samples.get(i)).text();
            String got = streamed.getOrDefault(i, new StringBuilder()).toString();
            assertEquals(sample, got, violation("4.9", "sample " + i + " streamed \"" + got + "\" but returned \""
                    + sample + "\"; what streams to standard output must be the sample"));
        }
        assertTrue(streamed.keySet().stream().allMatch(k -> k >= 0 && k < samples.size()),
                violation("4.9", "streamed text for samples " + streamed.keySet() + " of " + samples.size()));
    }

    // ---- §5 training ---------------------------------------------------------------------------------

    @Test
    void required_spec5_1_lossIsFinite() {
        for (StepEvent e : train(fresh(), warmUpSteps())) {
            assertTrue(Double.isFinite(e.loss()), violation("5.1", "step " + e.step() + " reported loss " + e.loss()));
        }
    }

    @Test
    void required_spec5_2_lossFallsOnTheConformanceData() {
        List<StepEvent> events = train(fresh(), lossDropSteps());
        int k = Math.max(1, Math.min(5, events.size() / 4));
        double first = events.subList(0, k).stream().mapToDouble(StepEvent::loss).average().orElse(Double.NaN);
        double last = events.subList(events.size() - k, events.size()).stream().mapToDouble(StepEvent::loss).average().orElse(Double.NaN);
        assertTrue(last <= first * (1 - lossDropMargin()), violation("5.2", String.format(
                "mean loss of the first %d steps %.4f, of the last %d steps %.4f after %d steps; expected a fall of %.0f%%",
                k, first, k, last, lossDropSteps(), lossDropMargin() * 100)));
    }

    @Test
    void required_spec5_3_progressEventsAreOnePerStepInOrder() {
        GenerativeModel m = fresh();
        List<StepEvent> events = new ArrayList<>();
        TrainingResult r = call("5.3", "train", () -> m.train(TrainingRequest.of(4), events::add));
        assertEquals(4, r.stepsRun(), violation("5.3", "ran " + r.stepsRun() + " steps for 4 requested"));
        assertEquals(List.of(1L, 2L, 3L, 4L), events.stream().map(StepEvent::step).toList(),
                violation("5.3", "step events were " + events.stream().map(StepEvent::step).toList()));
        assertEquals(4, m.step(), violation("5.3", "step() is " + m.step() + " after 4 steps"));
        List<StepEvent> more = train(m, 2);
        assertEquals(List.of(5L, 6L), more.stream().map(StepEvent::step).toList(),
                violation("5.3", "a second train() call reported steps " + more.stream().map(StepEvent::step).toList()
                        + " after steps 1-4; step numbers continue across calls"));
        assertEquals(6, m.step(), violation("5.3", "step() is " + m.step() + " after 6 steps"));
    }

    @Test
    void required_spec5_4_cancellationReturnsPromptlyAndLeavesTheModelUsable() throws Exception {
        GenerativeModel m = fresh();
        Cancellation cancel = new Cancellation();
        ExecutorService ex = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "tck-cancellation");
            t.setDaemon(true);
            return t;
        });
        try {
            Future<TrainingResult> f = ex.submit(() -> m.train(new TrainingRequest(1_000_000, cancel), e -> cancel.cancel()));
            TrainingResult r;
            try {
                r = f.get(cancellationBoundMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                fail(violation("5.4", "train() had not returned " + cancellationBoundMillis() + " ms after cancellation"));
                return;
            }
            assertTrue(r.cancelled(), violation("5.4", "a cancelled train() returned cancelled=false after " + r.stepsRun() + " steps"));
            assertTrue(r.stepsRun() < 1_000_000, violation("5.4", "ran every requested step despite cancellation"));
        } finally {
            ex.shutdownNow();
        }
        generate(m, request(2, 3));
    }

    @Test
    void required_spec5_5_evaluationReportsAFiniteLoss() {
        Map<String, Double> metrics = call("5.5", "evaluate", () -> warm().evaluate(EvaluationRequest.heldOut(SEED)));
        assertTrue(metrics != null, violation("5.5", "evaluate() returned null"));
        Double loss = metrics.get(GenerativeModel.LOSS);
        assertTrue(loss != null && Double.isFinite(loss), violation("5.5", "evaluate() returned " + metrics));
        metrics.forEach((k, v) -> assertTrue(v != null && Double.isFinite(v),
                violation("5.5", "metric '" + k + "' is " + v + " in " + metrics)));
    }

    @Test
    void required_spec5_6_evaluationAndGenerationDoNotChangeTraining() {
        GenerativeModel straight = fresh();
        List<Double> expected = train(straight, 6).stream().map(StepEvent::loss).toList();
        GenerativeModel interrupted = fresh();
        List<Double> actual = new ArrayList<>(train(interrupted, 3).stream().map(StepEvent::loss).toList());
        call("5.6", "evaluate", () -> interrupted.evaluate(EvaluationRequest.heldOut(SEED)));
        generate(interrupted, request(2, 3));
        actual.addAll(train(interrupted, 3).stream().map(StepEvent::loss).toList());
        assertEquals(expected, actual, violation("5.6", "with an evaluation and a generation after step 3, the losses"
                + " were " + actual + "; without them " + expected + ": evaluation or generation changed the training state"));
    }

    @Test
    void required_spec5_7_textLossesAreNonNegativeNats() {
        applicableOnlyIf(info.modality() == Modality.TEXT, "an image likelihood may be a density, whose loss can be negative");
        GenerativeModel m = fresh();
        for (StepEvent e : train(m, warmUpSteps())) {
            assertTrue(!(e.loss() < 0), violation("5.7", "step " + e.step() + " reported loss " + e.loss()
                    + "; a text model's loss is a negative log-probability in nats, never below 0"));
        }
        double loss = call("5.5", "evaluate", () -> m.evaluate(EvaluationRequest.heldOut(SEED))).get(GenerativeModel.LOSS);
        assertTrue(!(loss < 0), violation("5.7", "evaluate() reported loss " + loss + "; a negative log-probability in"
                + " nats is never below 0"));
    }

    // ---- §6 checkpoints ------------------------------------------------------------------------------

    @Test
    void required_spec6_1_saveThenRestoreGivesTheSameSamples() {
        GenerativeModel m = warm();
        GenerativeModel back = restore(save(m));
        assertEquals(m.step(), back.step(), violation("6.1", "restored model is at step " + back.step() + ", saved at " + m.step()));
        List<Sample> a = generate(m, request(2, 11));
        List<Sample> b = generate(back, request(2, 11));
        assertEquals(a, b, violation("6.1", "restored model generated " + describe(b) + ", the saved one " + describe(a)));
    }

    @Test
    void required_spec6_2_truncatedPayloadIsRejected() {
        byte[] payload = save(warm());
        for (int len : new int[] {0, payload.length / 2, payload.length - 1}) {
            byte[] cut = Arrays.copyOf(payload, len);
            expectCheckpointException("6.2", "a payload truncated to " + len + " of " + payload.length + " bytes", cut);
        }
    }

    @Test
    void required_spec6_3_foreignPayloadIsRejected() {
        byte[] foreign = "PK\u0003\u0004 some other plugin's checkpoint, version 7".getBytes(StandardCharsets.ISO_8859_1);
        byte[] longer = Arrays.copyOf(foreign, 4096);
        expectCheckpointException("6.3", "a payload written by another plugin", longer);
    }

    private void expectCheckpointException(String rule, String what, byte[] payload) {
        try {
            GenerativeModel m = provider.restore(config(), context(), new ByteArrayInputStream(payload));
            open.add(m);
            fail(violation(rule, "restore() accepted " + what));
        } catch (CheckpointException e) {
            assertTrue(e.getMessage().contains(info.id()), violation(rule, "the message does not name the plugin (rule 8.2): "
                    + e.getMessage()));
        } catch (PluginException e) {
            fail(violation(rule, "restore() rejected " + what + " with " + e.getClass().getSimpleName()
                    + " instead of CheckpointException: " + e.getMessage()));
        } catch (RuntimeException e) {
            fail(violation("8.1", "restore() rejected " + what + " with undocumented " + e.getClass().getName()));
        }
    }

    /**
     * Watches only what the kit owns, so that nothing else on the machine can fail a plugin: a private root (this
     * test's temporary folder) that holds the work directory, a temporary folder and a home folder, to which
     * {@code java.io.tmpdir} and {@code user.home} point while the plugin runs. The check compares the root before
     * and after, and, through Java Flight Recorder's file-write events, catches writes anywhere else (the working
     * directory, absolute paths) made by the threads of the code under test. The plugin first runs the same
     * sequence once unwatched, so that one-time set-up of native libraries (JavaCPP's cache) is not counted.
     */
    @Test
    void required_spec6_4_writesNothingOutsideItsWorkDirectory() throws Exception {
        config();
        runEveryCall();                                                   // native libraries and caches settle
        Path tmp = Files.createDirectories(sandbox.resolve("tmp"));
        Path home = Files.createDirectories(sandbox.resolve("home"));
        Map<String, Long> before = snapshot();
        ThreadGroup group = new ThreadGroup("nova-tck-6.4-" + System.nanoTime());
        List<String> outside = java.util.Collections.synchronizedList(new ArrayList<>());
        String previousTmp = System.getProperty("java.io.tmpdir");
        String previousHome = System.getProperty("user.home");
        try (FileWrites writes = FileWrites.start(group, work, outside)) {
            System.setProperty("java.io.tmpdir", tmp.toString());
            System.setProperty("user.home", home.toString());
            Throwable[] thrown = {null};
            Thread runner = new Thread(group, () -> {
                try {
                    runEveryCall();
                } catch (Throwable t) {
                    thrown[0] = t;
                }
            }, "nova-tck-6.4");
            runner.start();
            runner.join();
            System.setProperty("java.io.tmpdir", previousTmp);
            System.setProperty("user.home", previousHome);
            if (thrown[0] instanceof AssertionError a) {
                throw a;
            } else if (thrown[0] != null) {
                throw new AssertionError(violation("8.1", "threw " + thrown[0]), thrown[0]);
            }
            Map<String, Long> after = snapshot();
            boolean delivered = writes.awaitDelivery(sandbox);
            assertEquals(before, after, violation("6.4", "files outside the work directory changed: " + diff(before, after)));
            assertTrue(outside.isEmpty(), violation("6.4", "wrote outside its work directory: " + outside));
            // The private root was compared; writes elsewhere are seen only through Flight Recorder. Without it, or
            // when its events did not arrive, that half did not run: the rule is not exercised, never passed.
            exercisedOnlyIf(writes.recording(), "writes outside the private root are watched through Java Flight"
                    + " Recorder (module jdk.jfr), which this JVM does not offer; only the private root was compared");
            exercisedOnlyIf(delivered, "Java Flight Recorder did not deliver its file-write events within "
                    + FileWrites.DELIVERY.toSeconds() + " s; only the private root was compared");
        } finally {
            System.setProperty("java.io.tmpdir", previousTmp);
            System.setProperty("user.home", previousHome);
        }
    }

    /** Create, train, generate, evaluate, save and restore: every call that may touch files or print. */
    private void runEveryCall() {
        GenerativeModel m = warm();
        generate(m, request(1, 1));
        call("5.5", "evaluate", () -> m.evaluate(EvaluationRequest.heldOut(SEED)));
        restore(save(m));
    }

    @Test
    void required_spec6_6_aPayloadIsNotRestoredUnderAnotherShape() {
        Optional<Map.Entry<String, Object>> other = incompatibleSetting();
        applicableOnlyIf(!profile().map(ConformanceProfile::shapeless).orElse(false),
                "the plugin declares that no setting shapes its parameters (ConformanceProfile.withNoShapeSettings)");
        exercisedOnlyIf(other.isPresent(), "no incompatible setting declared (ConformanceProfile.withIncompatibleSetting)");
        byte[] payload = save(warm());
        Config changed = config().withValue(other.get().getKey(), ConfigValueFactory.fromAnyRef(other.get().getValue()));
        try {
            GenerativeModel m = provider.restore(changed, context(), new ByteArrayInputStream(payload));
            open.add(m);
            fail(violation("6.6", "restore() read a payload written with " + other.get().getKey() + " = "
                    + config().getValue(other.get().getKey()).unwrapped() + " into a model configured with "
                    + other.get().getValue()));
        } catch (CheckpointException e) {
            assertTrue(e.getMessage().contains(info.id()), violation("6.6", "the message does not name the plugin (rule 8.2): "
                    + e.getMessage()));
        } catch (PluginException e) {
            fail(violation("6.6", "restore() refused it with " + e.getClass().getSimpleName()
                    + " instead of CheckpointException: " + e.getMessage()));
        } catch (RuntimeException e) {
            fail(violation("6.6", "restore() refused it with undocumented " + e.getClass().getName() + ": " + e.getMessage()));
        }
    }

    @Test
    void required_spec6_5_resumeContinuesExactly() {
        GenerativeModel straight = fresh();
        train(straight, warmUpSteps());
        byte[] payload = save(straight);
        List<Double> expected = train(straight, 3).stream().map(StepEvent::loss).toList();
        GenerativeModel resumed = restore(payload);
        List<Double> actual = train(resumed, 3).stream().map(StepEvent::loss).toList();
        assertEquals(expected, actual, violation("6.5", "after restore, the next losses were " + actual
                + "; an uninterrupted model had " + expected));
    }

    /** Every path under the private root except the work directory, with its size and modification time. */
    private Map<String, Long> snapshot() throws IOException {
        Map<String, Long> files = new TreeMap<>();
        try (Stream<Path> s = Files.walk(sandbox)) {
            for (Path p : s.toList()) {
                if (p.startsWith(work) || p.getFileName().toString().startsWith(FileWrites.MARKER)) {
                    continue;
                }
                files.put(sandbox.relativize(p).toString(),
                        Files.isRegularFile(p) ? Files.size(p) ^ Files.getLastModifiedTime(p).toMillis() : -1L);
            }
        }
        return files;
    }

    private static String diff(Map<String, Long> before, Map<String, Long> after) {
        List<String> d = new ArrayList<>();
        after.forEach((k, v) -> {
            if (!before.containsKey(k)) {
                d.add("created " + k);
            } else if (!before.get(k).equals(v)) {
                d.add("modified " + k);
            }
        });
        before.keySet().stream().filter(k -> !after.containsKey(k)).forEach(k -> d.add("deleted " + k));
        return String.join(", ", d);
    }

    // ---- §9 data-parallel training -------------------------------------------------------------------

    /** Steps of rule 9.4. */
    private static final int REPLICA_STEPS = 20;
    /** Relative tolerance of the data-parallel rules: float rounding of sums taken in another order. */
    private static final double PARALLEL_TOLERANCE = 1e-5;

    /** The model's data-parallel capability; the rule is not applicable when it has none. */
    private DataParallel parallel(GenerativeModel m) {
        Optional<DataParallel> dp = call("9.1", "dataParallel", m::dataParallel);
        applicableOnlyIf(dp != null && dp.isPresent(), "the plugin's models do not offer data-parallel training"
                + " (GenerativeModel.dataParallel() is empty)");
        DataParallel p = dp.get();
        assertTrue(p.parameterCount() > 0 && p.globalBatch(m.step()) > 0, violation("9.1", "parameterCount() "
                + p.parameterCount() + " and globalBatch(" + m.step() + ") " + p.globalBatch(m.step())
                + " must both be positive"));
        return p;
    }

    private float[] parameters(DataParallel p) {
        float[] v = new float[p.parameterCount()];
        call("9.1", "readParameters", () -> {
            p.readParameters(v);
            return null;
        });
        return v;
    }

    private Map<String, Double> gradientSum(DataParallel p, long step, int from, int to, float[] sum) {
        Map<String, Double> stats = call("9.2", "gradientSum", () -> p.gradientSum(step, from, to, sum));
        assertTrue(stats != null && stats.get(DataParallel.LOSS) != null && stats.get(DataParallel.UNITS) != null,
                violation("9.2", "gradientSum returned " + stats + " without " + DataParallel.LOSS + " and "
                        + DataParallel.UNITS));
        return stats;
    }

    /** {@code ||a − b|| / ||b||} (absolute when b is zero). */
    private static double relative(float[] a, float[] b) {
        double d = 0;
        double n = 0;
        for (int i = 0; i < a.length; i++) {
            d += ((double) a[i] - b[i]) * ((double) a[i] - b[i]);
            n += (double) b[i] * b[i];
        }
        return n == 0 ? Math.sqrt(d) : Math.sqrt(d / n);
    }

    private static double relative(double a, double b) {
        return b == 0 ? Math.abs(a) : Math.abs(a - b) / Math.abs(b);
    }

    /** Slice bounds of {@code [0, batch)} into up to {@code parts} uneven, non-empty slices. */
    private static int[] slices(int batch, int parts) {
        int k = Math.min(parts, batch);
        int[] cuts = new int[k + 1];
        // Uneven on purpose: the first slice is a single item, the rest share what is left.
        for (int i = 1; i < k; i++) {
            cuts[i] = i == 1 ? 1 : 1 + (batch - 1) * (i - 1) / (k - 1);
        }
        cuts[k] = batch;
        return cuts;
    }

    private static Map<String, Double> add(Map<String, Double> into, Map<String, Double> more) {
        more.forEach((k, v) -> into.merge(k, v, Double::sum));
        return into;
    }

    @Test
    void required_spec9_1_writingBackTheParametersReadChangesNothing() {
        GenerativeModel a = warm();
        GenerativeModel b = warm();
        DataParallel p = parallel(a);
        float[] read = parameters(p);
        call("9.1", "writeParameters", () -> {
            p.writeParameters(read);
            return null;
        });
        assertTrue(Arrays.equals(read, parameters(p)), violation("9.1", "the parameters read back after writing"
                + " what was read are not the same"));
        List<Double> expected = train(b, 3).stream().map(StepEvent::loss).toList();
        List<Double> actual = train(a, 3).stream().map(StepEvent::loss).toList();
        assertEquals(expected, actual, violation("9.1", "after writing back the parameters it read, the model trained"
                + " to losses " + actual + "; an untouched model to " + expected));
    }

    @Test
    void required_spec9_2_gradientSumHasNoSideEffectsAndNeedsNoHistory() {
        GenerativeModel m = warm();
        GenerativeModel twin = warm();
        DataParallel p = parallel(m);
        long step = m.step();
        float[] before = parameters(p);
        float[] first = new float[p.parameterCount()];
        float[] second = new float[p.parameterCount()];
        Map<String, Double> s1 = gradientSum(p, step, 0, p.globalBatch(step), first);
        Map<String, Double> s2 = gradientSum(p, step, 0, p.globalBatch(step), second);
        assertTrue(relative(second, first) <= PARALLEL_TOLERANCE && relative(s2.get(DataParallel.LOSS),
                s1.get(DataParallel.LOSS)) <= PARALLEL_TOLERANCE, violation("9.2", "two gradientSum calls for the"
                + " same step and slice differ (relative " + relative(second, first) + "): the first changed the model"));
        assertTrue(Arrays.equals(before, parameters(p)) && m.step() == step, violation("9.2",
                "gradientSum changed the parameters or the step count"));
        List<Double> expected = train(twin, 3).stream().map(StepEvent::loss).toList();
        List<Double> actual = train(m, 3).stream().map(StepEvent::loss).toList();
        assertEquals(expected, actual, violation("9.2", "after gradientSum, the model trained to losses " + actual
                + "; a model without the calls to " + expected));

        GenerativeModel replica = fresh();
        DataParallel r = parallel(replica);
        call("9.2", "writeParameters", () -> {
            r.writeParameters(before);
            return null;
        });
        float[] fromReplica = new float[r.parameterCount()];
        Map<String, Double> s3 = gradientSum(r, step, 0, r.globalBatch(step), fromReplica);
        assertTrue(relative(fromReplica, first) <= PARALLEL_TOLERANCE
                        && relative(s3.get(DataParallel.LOSS), s1.get(DataParallel.LOSS)) <= PARALLEL_TOLERANCE,
                violation("9.2", "a fresh replica given the parameters of a model at step " + step + " computed another"
                        + " gradient for that step (relative difference " + relative(fromReplica, first) + ", loss sum "
                        + s3.get(DataParallel.LOSS) + " vs " + s1.get(DataParallel.LOSS) + ")"));
    }

    @Test
    void required_spec9_3_slicesSumToTheWholeBatch() {
        GenerativeModel m = warm();
        DataParallel p = parallel(m);
        long step = m.step();
        float[] whole = new float[p.parameterCount()];
        Map<String, Double> wholeStats = gradientSum(p, step, 0, p.globalBatch(step), whole);
        int[] cuts = slices(p.globalBatch(step), 3);
        float[] parts = new float[p.parameterCount()];
        Map<String, Double> partStats = new TreeMap<>();
        for (int i = 0; i + 1 < cuts.length; i++) {
            add(partStats, gradientSum(p, step, cuts[i], cuts[i + 1], parts));
        }
        String how = "slices " + Arrays.toString(cuts) + " of a batch of " + p.globalBatch(step);
        assertTrue(relative(parts, whole) <= PARALLEL_TOLERANCE, violation("9.3", "the gradient sums of " + how
                + " differ from the whole batch's by " + relative(parts, whole) + " (relative)"));
        assertEquals(wholeStats.get(DataParallel.UNITS), partStats.get(DataParallel.UNITS), violation("9.3", "the units of "
                + how + " do not add up to the whole batch's"));
        assertTrue(relative(partStats.get(DataParallel.LOSS), wholeStats.get(DataParallel.LOSS)) <= PARALLEL_TOLERANCE,
                violation("9.3", "the loss sums of " + how + " add up to " + partStats.get(DataParallel.LOSS)
                        + ", the whole batch's is " + wholeStats.get(DataParallel.LOSS)));
    }

    @Test
    void required_spec9_4_replicasTrainAsOneProcess() {
        GenerativeModel driver = fresh();
        DataParallel d = parallel(driver);
        List<DataParallel> replicas = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            replicas.add(parallel(fresh()));
        }
        String shape = null;
        List<Double> parallelLosses = new ArrayList<>();
        for (long step = 0; step < REPLICA_STEPS; step++) {
            float[] params = parameters(d);
            float[] sum = new float[params.length];
            Map<String, Double> stats = new TreeMap<>();
            int[] cuts = slices(d.globalBatch(step), replicas.size());
            shape = shape == null ? Arrays.toString(cuts) : shape;
            for (int i = 0; i + 1 < cuts.length; i++) {
                DataParallel r = replicas.get(i);
                call("9.4", "writeParameters", () -> {
                    r.writeParameters(params);
                    return null;
                });
                add(stats, gradientSum(r, step, cuts[i], cuts[i + 1], sum));
            }
            double units = stats.get(DataParallel.UNITS);
            for (int k = 0; k < sum.length; k++) {
                sum[k] = (float) (sum[k] / units);
            }
            long s = step;
            call("9.4", "applyUpdate", () -> d.applyUpdate(s, sum, stats));
            parallelLosses.add(stats.get(DataParallel.LOSS) / units);
        }
        GenerativeModel single = fresh();
        List<Double> losses = train(single, REPLICA_STEPS).stream().map(StepEvent::loss).toList();
        assertEquals(REPLICA_STEPS, driver.step(), violation("9.4", "after " + REPLICA_STEPS + " applyUpdate calls the"
                + " model is at step " + driver.step()));
        float[] expected = parameters(parallel(single));
        float[] actual = parameters(d);
        assertTrue(relative(actual, expected) <= PARALLEL_TOLERANCE, violation("9.4", replicas.size() + " replicas on"
                + " slices such as " + shape + " trained for " + REPLICA_STEPS + " steps to parameters "
                + relative(actual, expected) + " (relative) away from single-process training"));
        for (int i = 0; i < REPLICA_STEPS; i++) {
            assertTrue(relative(parallelLosses.get(i), losses.get(i)) <= 1e-4, violation("9.4", "at step " + (i + 1)
                    + " the replicas' loss was " + parallelLosses.get(i) + ", single-process training's " + losses.get(i)));
        }
    }

    @Test
    void required_spec9_5_aDataParallelStepEqualsTrainOne() {
        GenerativeModel a = warm();
        GenerativeModel b = warm();
        DataParallel p = parallel(a);
        long step = a.step();
        float[] sum = new float[p.parameterCount()];
        Map<String, Double> stats = new TreeMap<>(gradientSum(p, step, 0, p.globalBatch(step), sum));
        double units = stats.get(DataParallel.UNITS);
        for (int k = 0; k < sum.length; k++) {
            sum[k] = (float) (sum[k] / units);
        }
        try {
            p.applyUpdate(step + 1, sum, stats);
            fail(violation("9.5", "applyUpdate accepted step " + (step + 1) + " for a model at step " + step));
        } catch (PluginException expected) {
            // refused: the model stays where it was
        } catch (RuntimeException e) {
            fail(violation("8.1", "applyUpdate for the wrong step threw undocumented " + e.getClass().getName()));
        }
        Map<String, Double> metrics = call("9.5", "applyUpdate", () -> p.applyUpdate(step, sum, stats));
        StepEvent event = train(b, 1).get(0);
        assertEquals(step + 1, a.step(), violation("9.5", "after applyUpdate the model is at step " + a.step()
                + ", not " + (step + 1)));
        double loss = stats.get(DataParallel.LOSS) / units;
        assertTrue(relative(loss, event.loss()) <= PARALLEL_TOLERANCE && units == event.items(), violation("9.5",
                "the data-parallel step's loss " + loss + " over " + units + " units differs from train(1)'s "
                        + event.loss() + " over " + event.items()));
        assertEquals(event.extras().keySet(), metrics == null ? null : metrics.keySet(), violation("9.5",
                "applyUpdate reported metrics " + metrics + "; train(1) reported " + event.extras()));
        float[] expected = parameters(parallel(b));
        float[] actual = parameters(p);
        assertTrue(relative(actual, expected) <= PARALLEL_TOLERANCE, violation("9.5", "a data-parallel step left the"
                + " parameters " + relative(actual, expected) + " (relative) away from train(1)'s"));
    }

    // ---- §7 concurrency ------------------------------------------------------------------------------

    @Test
    void required_spec7_1_concurrentGenerationMatchesSequential() throws Exception {
        GenerativeModel m = warm();
        applicableOnlyIf(m.isThreadSafe(), "the plugin declares its models single-threaded; the host serialises generate()");
        List<List<Sample>> sequential = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            sequential.add(generate(m, request(2, 100 + i)));
        }
        ExecutorService ex = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<Sample>>> futures = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                long seed = 100 + i;
                futures.add(ex.submit(() -> m.generate(request(2, seed))));
            }
            for (int i = 0; i < 4; i++) {
                assertEquals(sequential.get(i), futures.get(i).get(60, TimeUnit.SECONDS),
                        violation("7.1", "concurrent generate() with seed " + (100 + i) + " differed from the sequential call"));
            }
        } finally {
            ex.shutdownNow();
        }
    }

    // ---- §8 errors -----------------------------------------------------------------------------------

    @Test
    void required_spec8_1_wronglyTypedOptionRaisesPluginException() {
        GenerativeModel m = warm();
        String key = info.modality() == Modality.TEXT ? GenerationRequest.TEMPERATURE : GenerationRequest.LABEL;
        try {
            m.generate(request(1, 5).with(key, "hot"));
            fail(violation("8.1", "accepted " + key + " = \"hot\""));
        } catch (PluginException e) {
            assertEquals(info.id(), e.pluginId(), violation("8.1", "the exception names plugin '" + e.pluginId() + "' (rule 8.2)"));
        } catch (RuntimeException e) {
            fail(violation("8.1", key + " = \"hot\" raised undocumented " + e.getClass().getName() + ": " + e.getMessage()));
        }
    }

    @Test
    void required_spec8_2_exceptionsNameThePlugin() {
        try {
            byte[] foreign = Arrays.copyOf("not a checkpoint of any plugin".getBytes(StandardCharsets.US_ASCII), 1024);
            GenerativeModel m = provider.restore(config(), context(), new ByteArrayInputStream(foreign));
            open.add(m);
        } catch (PluginException e) {
            assertTrue(e.getMessage().contains("'" + info.id() + "'") && info.id().equals(e.pluginId()),
                    violation("8.2", "message does not name the plugin: " + e.getMessage()));
            return;
        } catch (RuntimeException e) {
            fail(violation("8.1", "restore of a foreign payload raised undocumented " + e.getClass().getName()));
        }
        fail(violation("8.2", "restore() accepted a foreign payload, so no exception could name the plugin (rule 6.3)"));
    }

    @Test
    void required_spec8_3_nothingIsPrintedToStandardOutput() {
        runEveryCall();                                                   // one-time start-up messages settle
        java.io.PrintStream previous = System.out;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setOut(new java.io.PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            GenerativeModel m = warm();
            generate(m, request(2, 1));
            call("5.5", "evaluate", () -> m.evaluate(EvaluationRequest.heldOut(SEED)));
            restore(save(m));
        } finally {
            System.setOut(previous);
        }
        String out = captured.toString(StandardCharsets.UTF_8);
        assertTrue(out.isEmpty(), violation("8.3", "printed to standard output, which belongs to the host (generated"
                + " text goes there): \"" + (out.length() > 200 ? out.substring(0, 200) + "..." : out) + "\""));
    }

    @Test
    void required_spec8_4_noThreadOutlivesClose() throws InterruptedException {
        java.util.Set<Thread> before = Thread.getAllStackTraces().keySet();
        GenerativeModel m = warm();
        generate(m, request(2, 1));
        call("5.5", "evaluate", () -> m.evaluate(EvaluationRequest.heldOut(SEED)));
        call("8.4", "close", () -> {
            m.close();
            return null;
        });
        open.remove(m);
        List<Thread> left = List.of();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        do {
            left = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> !before.contains(t) && t.isAlive() && !t.isDaemon()).toList();
            if (!left.isEmpty()) {
                Thread.sleep(50);
            }
        } while (!left.isEmpty() && System.nanoTime() < deadline);
        assertTrue(left.isEmpty(), violation("8.4", "threads still running 2 s after close(), which keep the JVM from"
                + " exiting: " + left.stream().map(Thread::getName).toList()));
    }
}
