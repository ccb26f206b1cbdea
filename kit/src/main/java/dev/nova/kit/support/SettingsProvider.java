package dev.nova.kit.support;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import com.typesafe.config.Config;
import dev.nova.api.ConfigProblem;
import dev.nova.api.FineTuneRequest;
import dev.nova.api.FineTuning;
import dev.nova.api.GenerativeModel;
import dev.nova.api.GeneratorProvider;
import dev.nova.api.InvalidConfigException;
import dev.nova.api.ModelContext;
import dev.nova.api.PluginException;
import dev.nova.api.PluginInfo;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.apiguardian.api.API;

/**
 * A {@link GeneratorProvider} whose configuration is a settings record: it answers {@link #info()} without I/O,
 * validates a config subtree against the {@code reference.conf} at the root of the subclass's module and the
 * plugin's range checks, and hands {@link #newModel(Object, ModelContext)} and
 * {@link #restoreModel(Object, ModelContext, InputStream)} the settings already read and checked.
 *
 * <pre>{@code
 * public final class MarkovProvider extends SettingsProvider<Settings> {
 *     public MarkovProvider() {
 *         super(new PluginInfo("markov", ...), Settings::read);   // static Settings read(Checks c)
 *     }
 *     protected GenerativeModel newModel(Settings s, ModelContext context) { ... }
 *     protected GenerativeModel restoreModel(Settings s, ModelContext context, InputStream payload) { ... }
 * }
 * }</pre>
 *
 * @param <S> the settings record
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public abstract class SettingsProvider<S> implements GeneratorProvider {

    private final PluginInfo info;
    private final PluginConfig config;
    private final Function<Config, List<ConfigProblem>> problems;
    private final Function<Config, S> reader;

    /**
     * Describes the plugin; reads nothing (the reference config is read on first use).
     *
     * @param info what {@link #info()} answers
     * @param problems the range checks of a subtree with its defaults filled in, for example {@code Settings::problems}
     * @param reader reads and checks the settings record, for example {@code Settings::of}
     */
    protected SettingsProvider(PluginInfo info, Function<Config, List<ConfigProblem>> problems, Function<Config, S> reader) {
        this.info = Objects.requireNonNull(info, "info");
        this.config = PluginConfig.of(getClass(), info.id());
        this.problems = Objects.requireNonNull(problems, "problems");
        this.reader = Objects.requireNonNull(reader, "reader");
    }

    /**
     * Describes the plugin, its settings record read by one function that checks each key as it reads it (see
     * {@link Checks}'s {@code get} methods), so that each key is named once; reads nothing.
     *
     * @param info what {@link #info()} answers
     * @param read reads the record from the checks of a subtree with its defaults filled in, for example
     *     {@code Settings::read}
     * @since 1.3
     */
    protected SettingsProvider(PluginInfo info, Function<Checks, S> read) {
        this(info, c -> {
            Checks checks = new Checks(c);
            read.apply(checks);
            return checks.problems();
        }, c -> {
            Checks checks = new Checks(c);
            S settings = read.apply(checks);
            checks.throwIfAny(info.id());
            return settings;
        });
    }

    @Override
    public final PluginInfo info() {
        return info;
    }

    @Override
    public final List<ConfigProblem> validate(Config given) {
        return config.validate(given, problems);
    }

    /**
     * {@link #validate(Config)}, then that every data setting names an existing file or folder
     * ({@link Checks#dataPathsExist}), so that a missing file is a configuration error before a run starts.
     */
    @Override
    public final List<ConfigProblem> validate(Config given, java.nio.file.Path baseDirectory) {
        List<ConfigProblem> found = new java.util.ArrayList<>(validate(given));
        if (found.isEmpty()) {
            found.addAll(new Checks(given.withFallback(config.reference())).dataPathsExist(baseDirectory, dataAdvice())
                    .problems());
        }
        return found;
    }

    /**
     * Advice added to a "does not exist" problem of a data setting: where to get the data. None by default.
     *
     * @return the advice, or empty
     */
    protected String dataAdvice() {
        return "";
    }

    /** Refuses a configuration {@link #validate(Config)} refuses, before any settings are read. */
    @Override
    public final GenerativeModel create(Config given, ModelContext context) {
        List<ConfigProblem> problems = validate(given);
        if (!problems.isEmpty()) {
            throw new dev.nova.api.InvalidConfigException(info.id(), problems);
        }
        return newModel(config.read(given, reader), context);
    }

    @Override
    public final GenerativeModel restore(Config given, ModelContext context, InputStream payload) {
        return restoreModel(config.read(given, reader), context, payload);
    }

    /**
     * Hands {@link #restoreModel} the payload as a {@link Payload#apart(InputStream, Optional)} stream, which kit's
     * {@code TrainingCore.restore} reads the training state through (or leaves it out, for generation only).
     */
    @Override
    public final GenerativeModel restore(Config given, ModelContext context, InputStream payload,
                                         Optional<InputStream> trainingState) {
        return restoreModel(config.read(given, reader), context, Payload.apart(payload, trainingState));
    }

    /**
     * The fine-tuning capability when the plugin declares its {@linkplain #architectureSettings() architecture
     * settings}: it checks the configuration and the architecture against the parent's, then hands the settings to
     * {@link #fineTuneModel}.
     */
    @Override
    public final Optional<FineTuning> fineTuning() {
        List<String> architecture = architectureSettings();
        if (architecture.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new FineTuning() {
            @Override
            public List<String> architecture() {
                return architecture;
            }

            @Override
            public GenerativeModel create(Config given, ModelContext context, FineTuneRequest request) {
                List<ConfigProblem> problems = new ArrayList<>(validate(given));
                if (problems.isEmpty()) {
                    problems.addAll(FineTuning.mismatches(architecture,
                            request.parentConfig().withFallback(config.reference()), given.withFallback(config.reference())));
                }
                if (!problems.isEmpty()) {
                    throw new InvalidConfigException(info.id(), problems);
                }
                return fineTuneModel(config.read(given, reader), context, request);
            }
        });
    }

    /**
     * The settings that fix the shapes of the model's parameters (paths within the plugin's subtree); a plugin that
     * names them offers fine-tuning ({@link #fineTuning()}) and implements {@link #fineTuneModel}. None by default.
     *
     * @return the paths
     * @since 1.3
     */
    protected List<String> architectureSettings() {
        return List.of();
    }

    /**
     * Creates a model whose parameters are a parent's ({@link FineTuning#create}), its settings already checked
     * against the parent's configuration; kit's {@code TrainingCore.initFrom} copies and grows the parameters.
     *
     * @param settings the settings, read and checked
     * @param context what the host hands the model
     * @param request the parent's payload and how to start from it
     * @return the model, at step 0
     * @since 1.3
     */
    protected GenerativeModel fineTuneModel(S settings, ModelContext context, FineTuneRequest request) {
        throw new PluginException(info.id(), "fine-tuning is not implemented");
    }

    /**
     * Creates a new model (named apart from {@link #create(Config, ModelContext)}, so that a plugin whose settings are
     * the {@link Config} itself can use this class).
     *
     * @param settings the settings, read and checked
     * @param context what the host hands the model
     * @return the model
     */
    protected abstract GenerativeModel newModel(S settings, ModelContext context);

    /**
     * Restores a model from its payload.
     *
     * @param settings the settings, read and checked
     * @param context what the host hands the model
     * @param payload the bytes the model wrote
     * @return the model
     */
    protected abstract GenerativeModel restoreModel(S settings, ModelContext context, InputStream payload);
}
