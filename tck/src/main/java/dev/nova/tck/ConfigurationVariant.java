package dev.nova.tck;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.nova.api.ConfigProblem;
import dev.nova.api.ConformanceProfile;
import dev.nova.api.FineTuning;
import dev.nova.api.GenerativeModel;
import dev.nova.api.GeneratorProvider;
import dev.nova.api.ModelContext;
import dev.nova.api.PluginInfo;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * A provider certified at another configuration than its profile's: the same plugin, whose conformance configuration
 * is its own with some settings layered over it. A plugin with more than one mode (a text plugin's tokenizers, a model
 * with and without a capability) certifies each with one more test class:
 *
 * <pre>{@code
 * class TextGruBpeTckTests extends GeneratorVerification {
 *     protected GeneratorProvider provider() {
 *         return ConfigurationVariant.of(new TextGruProvider(), "data.tokenizer = bpe", true);
 *     }
 * }
 * }</pre>
 *
 * @since 0.7
 */
@API(status = EXPERIMENTAL, since = "0.7")
public final class ConfigurationVariant implements GeneratorProvider {

    private final GeneratorProvider provider;
    private final Config settings;
    private final boolean anyCharacter;

    private ConfigurationVariant(GeneratorProvider provider, Config settings, boolean anyCharacter) {
        this.provider = provider;
        this.settings = settings;
        this.anyCharacter = anyCharacter;
    }

    /**
     * The provider at its conformance configuration with settings layered over it.
     *
     * @param provider the provider
     * @param settings HOCON, relative to the plugin's subtree, over its conformance configuration
     * @param anyCharacter the samples may hold any character at this configuration (a byte-level tokenizer), so the
     *                     profile's vocabulary no longer bounds them
     * @return the variant
     */
    public static GeneratorProvider of(GeneratorProvider provider, String settings, boolean anyCharacter) {
        return new ConfigurationVariant(provider, ConfigFactory.parseString(settings), anyCharacter);
    }

    @Override
    public PluginInfo info() {
        return provider.info();
    }

    @Override
    public List<ConfigProblem> validate(Config config) {
        return provider.validate(config);
    }

    @Override
    public List<ConfigProblem> validate(Config config, Path baseDirectory) {
        return provider.validate(config, baseDirectory);
    }

    @Override
    public GenerativeModel create(Config config, ModelContext context) {
        return provider.create(config, context);
    }

    @Override
    public GenerativeModel restore(Config config, ModelContext context, InputStream payload) {
        return provider.restore(config, context, payload);
    }

    @Override
    public GenerativeModel restore(Config config, ModelContext context, InputStream payload,
                                   Optional<InputStream> trainingState) {
        return provider.restore(config, context, payload, trainingState);
    }

    @Override
    public Optional<Config> conformanceConfig(Path scratch) {
        return provider.conformanceConfig(scratch).map(settings::withFallback);
    }

    @Override
    public Optional<ConformanceProfile> conformance(Path scratch) {
        return provider.conformance(scratch).map(p -> new ConformanceProfile(settings.withFallback(p.config()),
                anyCharacter ? Optional.empty() : p.vocabulary(), p.invalidSetting(), p.invalidGenerationOption(),
                p.incompatibleSetting(), p.shapeless(), p.rulesNotExercised(), p.generationOptions(),
                p.optimizerSettings(), p.dataSetting()));
    }

    @Override
    public Optional<FineTuning> fineTuning() {
        return provider.fineTuning();
    }

    @Override
    public Optional<dev.nova.api.OpenWeights> openWeights() {
        return provider.openWeights();
    }

    /**
     * The plugin's own provider inside a variant or a perturbation wrapper (or the provider itself): its class and
     * module are the plugin's.
     */
    static GeneratorProvider unwrap(GeneratorProvider p) {
        GeneratorProvider q = p;
        while (true) {
            if (q instanceof ConfigurationVariant v) {
                q = v.provider;
            } else if (q instanceof dev.nova.tck.internal.Perturbations.Wrapper w) {
                q = w.wrapped();                       // nova tck --perturb's wrapper
            } else {
                return q;
            }
        }
    }

    /** Whether a provider is a variant whose samples may hold any character. */
    static boolean anyCharacter(GeneratorProvider p) {
        return p instanceof ConfigurationVariant v && v.anyCharacter;
    }

    @Override
    public String toString() {
        return provider + " with " + settings.root().render(com.typesafe.config.ConfigRenderOptions.concise());
    }
}
