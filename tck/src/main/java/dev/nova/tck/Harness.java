package dev.nova.tck;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.abort;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import dev.nova.api.ConformanceProfile;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What every rule of the kit stands on, for one rule's run: the plugin's provider and metadata, its private root
 * (work, base and scratch folders), its conformance profile (the only source of the facts the rules need), models made
 * from the profile's configuration and closed after the rule, calls into the plugin that turn anything but a
 * {@link PluginException} into a violation of rule 8.1, and the messages that name the plugin and the rule.
 */
final class Harness {

    /** The seed models are created with. */
    static final long SEED = 42;
    /** Steps of training before generation and checkpoint rules run. */
    static final int WARM_UP_STEPS = 5;
    /** Characters generated per text sample in generation rules. */
    static final int SAMPLE_LENGTH = 16;
    /** Steps within which the training loss must fall by {@link #LOSS_DROP_MARGIN} (rule 5.2). */
    static final int LOSS_DROP_STEPS = 60;
    /** The fraction by which the training loss must fall within {@link #LOSS_DROP_STEPS} (rule 5.2). */
    static final double LOSS_DROP_MARGIN = 0.10;
    /** How long a cancelled training call may take to return (rule 5.4). */
    static final long CANCELLATION_BOUND_MILLIS = 5_000;

    /** Steps of rule 9.4. */
    static final int REPLICA_STEPS = 20;
    /** Relative tolerance of the data-parallel rules: float rounding of sums taken in another order. */
    static final double PARALLEL_TOLERANCE = 1e-5;
    /** Rule 3.6: how far a loss trained on other threads may be from one trained on an ordinary thread. */
    static final double THREADS_TOLERANCE = 1e-5;
    /** Rule 4.1's counts: one, the first few, and more than a small batch. */
    static final int[] COUNTS = {1, 2, 3, 7};
    /**
     * How far an audio sample's start may be from its prompt (rule 4.11): a plugin may return the prompt as its model
     * quantised it; 8-bit μ-law's largest error is 0.022.
     */
    static final double PROMPT_TOLERANCE = 0.03;
    /** Rule 4.2's text lengths: nothing, one character, the usual, and a longer one. */
    static final int[] LENGTHS = {0, 1, SAMPLE_LENGTH, 41};
    /** Rule 7.1: threads that generate at once, more than the cores, so that calls interleave as well as overlap. */
    static final int CONCURRENT_THREADS = Math.max(8, 2 * Runtime.getRuntime().availableProcessors());
    /** Rule 7.1: calls each thread makes, cycling through the requests. */
    static final int CONCURRENT_CALLS = 12;
    /** Rule 7.1: distinct requests (seeds), each with its sequential answer. */
    static final int CONCURRENT_REQUESTS = 6;

    private final Path sandbox;
    private final Path work;
    private final Path base;
    private final Path scratch;
    private final Supplier<GeneratorProvider> providers;
    private final GeneratorProvider provider;
    private final PluginInfo info;
    private final List<GenerativeModel> open = new ArrayList<>();
    private final String rule;
    private final boolean certifying;
    private Optional<ConformanceProfile> profile;
    private final java.util.function.BiFunction<Optional<ConformanceProfile>, Path, Optional<ConformanceProfile>> legacy;
    private Config config;

    /**
     * Prepares one rule's run.
     *
     * @param sandbox the rule's private root
     * @param providers makes a new provider of the plugin under test
     * @param rule the rule being run, for example {@code 4.6} (empty when the test is not a rule)
     * @param certifying whether a rule whose fact is missing fails (a plugin's own build) rather than being
     *     reported as not exercised ({@code nova tck}, whose exit code says so)
     */
    Harness(Path sandbox, Supplier<GeneratorProvider> providers, String rule, boolean certifying) throws IOException {
        this(sandbox, providers, rule, certifying, (declared, scratch) -> declared);
    }

    /**
     * Prepares one rule's run, with a test class's deprecated fact hooks layered over the provider's profile.
     *
     * @param sandbox the rule's private root
     * @param providers makes a new provider of the plugin under test
     * @param rule the rule being run (empty when the test is not a rule)
     * @param certifying whether a rule whose fact is missing fails
     * @param legacy the profile the rules use, from the provider's ({@link LegacyHooks#layer})
     */
    Harness(Path sandbox, Supplier<GeneratorProvider> providers, String rule, boolean certifying,
            java.util.function.BiFunction<Optional<ConformanceProfile>, Path, Optional<ConformanceProfile>> legacy)
            throws IOException {
        this.legacy = legacy;
        this.rule = rule;
        this.certifying = certifying;
        this.sandbox = sandbox;
        this.work = Files.createDirectories(sandbox.resolve("work"));
        this.base = Files.createDirectories(sandbox.resolve("base"));
        this.scratch = Files.createDirectories(sandbox.resolve("scratch"));
        this.providers = providers;
        this.provider = providers.get();
        this.info = provider.info();
    }

    /** Closes every model a rule made. */
    void close() {
        for (GenerativeModel m : open) {
            try {
                m.close();
            } catch (RuntimeException ignored) {
                // a model that cannot close is not this rule's concern
            }
        }
        open.clear();
    }

    GeneratorProvider provider() {
        return provider;
    }

    /** A new instance of the provider, as the host makes one to list plugins. */
    GeneratorProvider newProvider() {
        return providers.get();
    }

    PluginInfo info() {
        return info;
    }

    Path sandbox() {
        return sandbox;
    }

    Path work() {
        return work;
    }

    Path base() {
        return base;
    }

    // ---- facts: from the conformance profile only --------------------------------------------------------

    /** The provider's conformance profile, read once per rule. */
    Optional<ConformanceProfile> profile() {
        if (profile == null) {
            profile = call("2.2", "conformance", () -> provider.conformance(scratch));
            if (profile == null) {
                fail(violation("2.2", "conformance() returned null instead of an Optional"));
            }
            profile = legacy.apply(profile, scratch);
        }
        return profile;
    }

    /** Every character a text model may produce after training on the conformance config (rules 4.4, 4.7). */
    /**
     * Whether this configuration's samples may hold any character (a byte-level tokenizer, declared through
     * {@link ConfigurationVariant}): its tokens are not characters, and no vocabulary bounds its text.
     */
    boolean anyCharacter() {
        return ConfigurationVariant.anyCharacter(provider);
    }

    /** The plugin's module (a variant's, the provider it wraps). */
    Module pluginModule() {
        return ConfigurationVariant.unwrap(provider).getClass().getModule();
    }

    Optional<String> vocabulary() {
        return profile().flatMap(ConformanceProfile::vocabulary);
    }

    /** A setting and an out-of-range value for it (rules 2.4 to 2.6). */
    Optional<Map.Entry<String, Object>> invalidSetting() {
        return profile().flatMap(ConformanceProfile::invalidSetting);
    }

    /** A generation option and an invalid value for it; for a text plugin that declares none, a negative temperature. */
    Optional<Map.Entry<String, Object>> invalidGenerationOption() {
        Optional<Map.Entry<String, Object>> declared = profile().flatMap(ConformanceProfile::invalidGenerationOption);
        return declared.isPresent() || info.modality() != Modality.TEXT ? declared
                : Optional.of(Map.entry(GenerationRequest.TEMPERATURE, -1.0));
    }

    /** The generation options to sweep (rule 4.10): the profile's, or temperature 0.5 and 2.0 for a text plugin. */
    Map<String, List<Object>> generationOptions() {
        Map<String, List<Object>> declared = profile().map(ConformanceProfile::generationOptions).orElse(Map.of());
        return !declared.isEmpty() || info.modality() != Modality.TEXT ? declared
                : Map.of(GenerationRequest.TEMPERATURE, List.of(0.5, 2.0));
    }

    /** Settings under which the optimiser's clipping, warm-up and decay engage (rule 9.6), if declared. */
    Optional<Config> optimizerSettings() {
        return profile().flatMap(ConformanceProfile::optimizerSettings);
    }

    /** A setting under which a payload written with the conformance config must not restore (rule 6.6). */
    Optional<Map.Entry<String, Object>> incompatibleSetting() {
        return profile().flatMap(ConformanceProfile::incompatibleSetting);
    }

    /** Whether a sample is of the plugin's modality (text, image or audio). */
    boolean isOfModality(Sample s) {
        return switch (info.modality()) {
            case TEXT -> s instanceof Sample.Text;
            case IMAGE -> s instanceof Sample.Image;
            case AUDIO -> s instanceof Sample.Audio;
        };
    }

    /** Text generation takes {@link GenerationRequest#PROMPT} and {@link GenerationRequest#LENGTH} (SPEC §4). */
    boolean isText() {
        return info.modality() == Modality.TEXT;
    }

    // ---- configuration and models ------------------------------------------------------------------------

    /** The plugin's subtree of its {@code reference.conf} at its module's root, or null when there is none. */
    Config reference() {
        try (InputStream in = pluginModule().getResourceAsStream("reference.conf")) {
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

    /** The plugin's effective conformance config: the profile's over its reference; the rule is not exercised if none. */
    Config config() {
        if (config == null) {
            Optional<Config> tiny = profile().map(ConformanceProfile::config);
            requireFact(tiny.isPresent(), "plugin '" + info.id() + "' offers no conformance profile"
                    + " (GeneratorProvider.conformance)");
            Config ref = reference();
            config = (ref == null ? tiny.get() : tiny.get().withFallback(ref)).resolve();
        }
        return config;
    }

    ModelContext context() {
        return ModelContext.of(SEED, work, base);
    }

    /** Closes a model after the rule. */
    <M extends GenerativeModel> M keep(M m) {
        open.add(m);
        return m;
    }

    /** A model the rule closed itself. */
    void forget(GenerativeModel m) {
        open.remove(m);
    }

    /** A fresh model from the conformance config. */
    GenerativeModel fresh() {
        return keep(call("2.2", "create", () -> provider.create(config(), context())));
    }

    /** A fresh model from settings layered over the conformance config (rule 9.6). */
    GenerativeModel fresh(Config overlay) {
        return keep(call("9.6", "create", () -> provider.create(overlay.withFallback(config()).resolve(), context())));
    }

    /** A fresh model from the conformance config with another seed (rule 3.4). */
    GenerativeModel fresh(long seed) {
        return keep(call("3.4", "create", () -> provider.create(config(), ModelContext.of(seed, work, base))));
    }

    /**
     * A model context in another place (rule 6.8): a new work directory and a new base directory holding a copy of
     * the base directory's files, as when a run is copied to another machine.
     */
    ModelContext elsewhere() {
        try {
            Path otherWork = Files.createDirectories(sandbox.resolve("elsewhere/work"));
            Path otherBase = Files.createDirectories(sandbox.resolve("elsewhere/base"));
            try (var files = Files.walk(base)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Path to = otherBase.resolve(base.relativize(f).toString());
                    Files.createDirectories(to.getParent());
                    Files.copy(f, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
            return ModelContext.of(SEED, otherWork, otherBase);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Empties the rule's work directory (rule 6.8: the place a payload was written in is gone). */
    void clearWork() {
        try (var files = Files.walk(work)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).filter(f -> !f.equals(work)).toList()) {
                Files.deleteIfExists(f);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh model trained for {@link #WARM_UP_STEPS} steps. */
    GenerativeModel warm() {
        GenerativeModel m = fresh();
        train(m, WARM_UP_STEPS);
        return m;
    }

    List<StepEvent> train(GenerativeModel m, long steps) {
        List<StepEvent> events = new ArrayList<>();
        call("5.3", "train", () -> m.train(TrainingRequest.of(steps), events::add));
        return events;
    }

    byte[] save(GenerativeModel m) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        call("6.1", "save", () -> {
            m.save(out);
            return null;
        });
        return out.toByteArray();
    }

    GenerativeModel restore(byte[] payload) {
        return keep(call("6.1", "restore", () -> provider.restore(config(), context(), new ByteArrayInputStream(payload))));
    }

    /** A request for {@code count} samples; text samples of {@link #SAMPLE_LENGTH} characters. */
    GenerationRequest request(int count, long seed) {
        GenerationRequest r = GenerationRequest.of(count, seed);
        return isText() ? r.with(GenerationRequest.LENGTH, SAMPLE_LENGTH) : r;
    }

    List<Sample> generate(GenerativeModel m, GenerationRequest r) {
        List<Sample> s = call("4.1", "generate", () -> m.generate(r));
        if (s == null) {
            fail(violation("4.1", "generate returned null"));
        }
        return s;
    }

    /** Create, train, generate, evaluate, save and restore: every call that may touch files or print. */
    void runEveryCall() {
        GenerativeModel m = warm();
        generate(m, request(1, 1));
        call("5.5", "evaluate", () -> m.evaluate(EvaluationRequest.heldOut(SEED)));
        restore(save(m));
    }

    /** Calls the plugin; anything but a PluginException is a violation of rule 8.1. */
    <T> T call(String rule, String what, Supplier<T> body) {
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

    /**
     * A call the plugin must refuse with a {@code PluginException} (whose message names {@code name}, unless null):
     * accepting it fails {@code rule}, saying what it gave and {@code expected}; another exception fails rule 8.1.
     */
    <T> void refuses(String rule, String what, String name, String expected, Supplier<T> call) {
        T got;
        try {
            got = call.get();
        } catch (PluginException e) {
            assertTrue(name == null || String.valueOf(e.getMessage()).contains(name), violation(rule, what
                    + " was refused without naming " + name + ": " + e.getMessage()));
            return;
        } catch (RuntimeException e) {
            fail(violation("8.1", what + " threw undocumented " + e.getClass().getName() + ": " + e.getMessage()));
            return;
        }
        String shown = got instanceof List<?> l && l.stream().allMatch(x -> x instanceof Sample)
                ? describe(l.stream().map(Sample.class::cast).toList())
                : got instanceof int[] ids ? java.util.Arrays.toString(ids)
                : got instanceof String text ? "\"" + text + "\"" : String.valueOf(got);
        fail(violation(rule, what + " was accepted and gave " + shown + "; " + expected));
    }

    // ---- verdicts ----------------------------------------------------------------------------------------

    /** Formats a failure: the plugin, the rule, and what was observed. */
    String violation(String rule, String observed) {
        return "Plugin '" + info.id() + "' violates rule " + rule + " of the Nova TCK: " + observed;
    }

    /**
     * A rule needs a fact the plugin's conformance profile did not declare: never passed. In a plugin's own build
     * the rule fails, naming what to declare; under {@code nova tck} it is reported as not exercised (and the
     * command exits with its not-exercised code). A rule the profile opts out
     * ({@link ConformanceProfile#withRuleNotExercised}) is reported as not exercised, with the author's reason,
     * in both.
     *
     * @param declared whether the profile declares what the rule needs
     * @param why what is missing, naming the profile method that declares it
     */
    void requireFact(boolean declared, String why) {
        if (declared) {
            return;
        }
        String reason = profile().map(p -> p.rulesNotExercised().get(rule)).orElse(null);
        if (reason != null) {
            abort("not exercised (opted out: " + reason + "): " + why);
        }
        if (certifying) {
            fail("Plugin '" + info.id() + "' leaves rule " + rule + " of the Nova TCK not exercised: " + why + "; declare"
                    + " it in the plugin's conformance profile, or opt the rule out with"
                    + " ConformanceProfile.withRuleNotExercised(\"" + rule + "\", reason)");
        }
        abort("not exercised: " + why);
    }

    /**
     * Skips a rule this run cannot exercise for a reason outside the plugin (the environment, or another rule the
     * plugin already fails): reported as not exercised, never as passed.
     */
    static void exercisedOnlyIf(boolean possible, String why) {
        assumeTrue(possible, "not exercised: " + why);
    }

    /** Skips a rule that does not concern this plugin. */
    static void applicableOnlyIf(boolean applies, String why) {
        assumeTrue(applies, "not applicable: " + why);
    }

    /** A SHOULD rule: a failure is reported as a warning (the test is aborted), never as a failure. */
    static void should(Runnable check) {
        try {
            check.run();
        } catch (AssertionError e) {
            org.junit.jupiter.api.Assumptions.abort("warning: " + e.getMessage());
        }
    }

    /** A character the model cannot know: the first of a few unusual ones that is not in its vocabulary. */
    static String outsideVocabulary(String vocabulary) {
        for (String c : List.of("\u2603", "\u00a7", "~", "\u00e9", "\u4e2d")) {
            if (!vocabulary.contains(c)) {
                return c;
            }
        }
        return "\ud83d\ude00";
    }

    static String describe(List<Sample> samples) {
        StringBuilder b = new StringBuilder("[");
        for (Sample s : samples) {
            b.append(b.length() > 1 ? ", " : "").append(s instanceof Sample.Text t ? "\"" + t.text() + "\"" : s.toString());
        }
        return b.append(']').toString();
    }
}
