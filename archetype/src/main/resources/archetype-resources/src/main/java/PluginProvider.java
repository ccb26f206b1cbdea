#if( $modality == "image" )
package ${package};

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.nova.api.CheckpointException;
import dev.nova.api.ConfigProblem;
import dev.nova.api.ConformanceProfile;
import dev.nova.api.GenerationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.GeneratorProvider;
import dev.nova.api.InvalidConfigException;
import dev.nova.api.Modality;
import dev.nova.api.ModelContext;
import dev.nova.api.PluginException;
import dev.nova.api.PluginInfo;
import dev.nova.api.VersionRange;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The ${pluginId} plugin's provider: what `nova plugins` lists, the configuration checks, and the factory of
 * models. Constructing it and {@link #info()} must be cheap (no I/O, no native code): the launcher calls them to
 * list plugins and gives them 10 seconds.
 */
public final class PluginProvider implements GeneratorProvider {

    static final String ID = "${pluginId}";

    private static final PluginInfo INFO = new PluginInfo(ID, "${version}", Modality.IMAGE, VersionRange.parse("[1.1,2.0)"),
            "Independent-pixel image model (generated from nova-plugin-archetype)");

    @Override
    public PluginInfo info() {
        return INFO;
    }

    /** The plugin's defaults: its reference.conf, at the root of the jar (resources in packages are encapsulated). */
    static Config reference() {
        try (InputStream in = PluginProvider.class.getModule().getResourceAsStream("reference.conf")) {
            if (in == null) {
                throw new PluginException(ID, "reference.conf is missing from the plugin jar");
            }
            return ConfigFactory.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getConfig("plugins." + ID);
        } catch (IOException e) {
            throw new PluginException(ID, "cannot read reference.conf: " + e.getMessage(), e);
        }
    }

    /** Unknown keys and ranges; the launcher has checked the types against reference.conf already. */
    @Override
    public List<ConfigProblem> validate(Config config) {
        List<ConfigProblem> problems = new ArrayList<>(ConfigProblem.unknownKeys(config, reference()));
        Config c = config.withFallback(reference());
        double holdout = c.getDouble("data.holdout");
        if (!(holdout > 0 && holdout < 0.5)) {
            problems.add(new ConfigProblem("data.holdout", "must be in (0, 0.5), found " + holdout));
        }
        int size = c.getInt("data.image-size");
        if (size < 4 || size > 256) {
            problems.add(new ConfigProblem("data.image-size", "must be in [4, 256], found " + size));
        }
        if (c.getInt("train.batch") < 1) {
            problems.add(new ConfigProblem("train.batch", "must be >= 1, found " + c.getInt("train.batch")));
        }
        if (!(c.getDouble("train.learning-rate") > 0)) {
            problems.add(new ConfigProblem("train.learning-rate", "must be > 0, found " + c.getDouble("train.learning-rate")));
        }
        if (!(c.getDouble("generate.temperature") > 0)) {
            problems.add(new ConfigProblem("generate.temperature", "must be > 0, found " + c.getDouble("generate.temperature")));
        }
        return problems;
    }

    /** For the plugin about to start: also that the image folder exists. */
    @Override
    public List<ConfigProblem> validate(Config config, Path baseDirectory) {
        List<ConfigProblem> problems = new ArrayList<>(validate(config));
        String path = config.withFallback(reference()).getString("data.path");
        if (problems.isEmpty() && !path.isEmpty() && !Files.isDirectory(baseDirectory.resolve(path))) {
            problems.add(new ConfigProblem("data.path", "names " + baseDirectory.resolve(path) + ", which is not a folder"));
        }
        return problems;
    }

    /** The images: the configured folder, or the built-in synthetic shapes. */
    static PluginModel.Images images(Config c, ModelContext context) {
        String path = c.getString("data.path");
        int size = c.getInt("data.image-size");
        double holdout = c.getDouble("data.holdout");
        if (path.isEmpty()) {
            return PluginModel.Images.builtin(size, holdout);
        }
        PluginModel.Images read = PluginModel.Images.read(context.resolve(path), size);
        return new PluginModel.Images(read.count(), size, read.pixels(), holdout);
    }

    @Override
    public GenerativeModel create(Config config, ModelContext context) {
        List<ConfigProblem> problems = validate(config);
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(ID, problems);        // never a model from settings validate() refuses
        }
        Config c = config.withFallback(reference());
        return new PluginModel(images(c, context), c);
    }

    @Override
    public GenerativeModel restore(Config config, ModelContext context, InputStream payload) {
        Config c = config.withFallback(reference());
        try {
            return PluginModel.read(new DataInputStream(payload), images(c, context), c);
        } catch (IOException e) {
            throw new CheckpointException(ID, "the payload is truncated or unreadable (" + e + ")", e);
        }
    }

    /**
     * What the compatibility kit needs to exercise every rule: a small configuration (its checks run in seconds),
     * a setting value validate() must refuse, a generation option with values it takes and one it must refuse, and
     * the setting that shapes the model (a checkpoint of another image size must not restore). PluginTckTests and
     * `nova tck` read the same profile, so they give the same verdict.
     */
    @Override
    public Optional<ConformanceProfile> conformance(Path scratch) {
        return Optional.of(ConformanceProfile.of(ConfigFactory.parseString("data.image-size = 8, train.batch = 16"))
                .withInvalidSetting("train.batch", 0)
                .withGenerationOption(GenerationRequest.TEMPERATURE, 0.5, 2.0)
                .withInvalidGenerationOption(GenerationRequest.TEMPERATURE, -1.0)
                .withIncompatibleSetting("data.image-size", 12));
    }
}
#else
package ${package};

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.nova.api.CheckpointException;
import dev.nova.api.ConfigProblem;
import dev.nova.api.ConformanceProfile;
import dev.nova.api.GenerativeModel;
import dev.nova.api.GeneratorProvider;
import dev.nova.api.InvalidConfigException;
import dev.nova.api.Modality;
import dev.nova.api.ModelContext;
import dev.nova.api.PluginException;
import dev.nova.api.PluginInfo;
import dev.nova.api.VersionRange;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The ${pluginId} plugin's provider: what `nova plugins` lists, the configuration checks, and the factory of
 * models. Constructing it and {@link #info()} must be cheap (no I/O, no native code): the launcher calls them to
 * list plugins and gives them 10 seconds.
 */
public final class PluginProvider implements GeneratorProvider {

    static final String ID = "${pluginId}";

    private static final PluginInfo INFO = new PluginInfo(ID, "${version}", Modality.TEXT, VersionRange.parse("[1.1,2.0)"),
            "Character bigram model (generated from nova-plugin-archetype)");

    @Override
    public PluginInfo info() {
        return INFO;
    }

    /** The plugin's defaults: its reference.conf, at the root of the jar (resources in packages are encapsulated). */
    static Config reference() {
        try (InputStream in = PluginProvider.class.getModule().getResourceAsStream("reference.conf")) {
            if (in == null) {
                throw new PluginException(ID, "reference.conf is missing from the plugin jar");
            }
            return ConfigFactory.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getConfig("plugins." + ID);
        } catch (IOException e) {
            throw new PluginException(ID, "cannot read reference.conf: " + e.getMessage(), e);
        }
    }

    /** Unknown keys and ranges; the launcher has checked the types against reference.conf already. */
    @Override
    public List<ConfigProblem> validate(Config config) {
        List<ConfigProblem> problems = new ArrayList<>(ConfigProblem.unknownKeys(config, reference()));
        Config c = config.withFallback(reference());
        double holdout = c.getDouble("data.holdout");
        if (!(holdout > 0 && holdout < 0.5)) {
            problems.add(new ConfigProblem("data.holdout", "must be in (0, 0.5), found " + holdout));
        }
        if (c.getInt("train.batch") < 1) {
            problems.add(new ConfigProblem("train.batch", "must be >= 1, found " + c.getInt("train.batch")));
        }
        if (c.getInt("generate.length") < 0) {
            problems.add(new ConfigProblem("generate.length", "must be >= 0, found " + c.getInt("generate.length")));
        }
        if (!(c.getDouble("generate.temperature") > 0)) {
            problems.add(new ConfigProblem("generate.temperature", "must be > 0, found " + c.getDouble("generate.temperature")));
        }
        return problems;
    }

    /** For the plugin about to start: also that the data file exists. */
    @Override
    public List<ConfigProblem> validate(Config config, Path baseDirectory) {
        List<ConfigProblem> problems = new ArrayList<>(validate(config));
        String path = config.withFallback(reference()).getString("data.path");
        if (problems.isEmpty() && !path.isEmpty() && !Files.isRegularFile(baseDirectory.resolve(path))) {
            problems.add(new ConfigProblem("data.path", "names " + baseDirectory.resolve(path) + ", which is not a file"));
        }
        return problems;
    }

    /** The training text: the configured file, or the bundled sample. */
    static String text(Config c, ModelContext context) {
        String path = c.getString("data.path");
        try {
            if (path.isEmpty()) {
                try (InputStream in = PluginProvider.class.getModule().getResourceAsStream("sample.txt")) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
            Path file = context.resolve(path);
            byte[] bytes = Files.readAllBytes(file);
            try {
                return StandardCharsets.UTF_8.newDecoder().decode(java.nio.ByteBuffer.wrap(bytes)).toString();
            } catch (CharacterCodingException e) {
                throw new PluginException(ID, "data.path " + file + " is not valid UTF-8 text");
            }
        } catch (IOException e) {
            throw new PluginException(ID, "cannot read data.path " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public GenerativeModel create(Config config, ModelContext context) {
        List<ConfigProblem> problems = validate(config);
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(ID, problems);        // never a model from settings validate() refuses
        }
        Config c = config.withFallback(reference());
        return PluginModel.create(text(c, context), c);
    }

    @Override
    public GenerativeModel restore(Config config, ModelContext context, InputStream payload) {
        Config c = config.withFallback(reference());
        try {
            return PluginModel.read(new DataInputStream(payload), () -> text(c, context), c);
        } catch (IOException e) {
            throw new CheckpointException(ID, "the payload is truncated or unreadable (" + e + ")", e);
        }
    }

    /**
     * What the compatibility kit needs to exercise every rule: a tiny corpus (its checks run in seconds), the
     * characters a model trained on it can produce, a setting value validate() must refuse, and that no
     * setting shapes the model (so no configuration can be incompatible with a checkpoint). PluginTckTests and
     * `nova tck` read the same profile, so they give the same verdict.
     */
    @Override
    public Optional<ConformanceProfile> conformance(Path scratch) {
        try {
            Path corpus = Files.writeString(scratch.resolve("corpus.txt"), "the cat sat on the mat. ".repeat(60));
            return Optional.of(ConformanceProfile.of(ConfigFactory.parseString("data.path = "
                            + com.typesafe.config.ConfigUtil.quoteString(corpus.toString())
                            + ", train.batch = 32, generate.length = 40"))
                    .withVocabulary("the cat sat on the mat. ")
                    .withInvalidSetting("train.batch", 0)
                    .withNoShapeSettings());           // the vocabulary, read from the data, shapes the counts
        } catch (IOException e) {
            throw new PluginException(ID, "cannot write a conformance corpus: " + e.getMessage(), e);
        }
    }
}
#end
