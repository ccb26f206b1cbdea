package dev.nova.imagegru;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.nova.api.CheckpointException;
import dev.nova.api.ConformanceProfile;
import dev.nova.api.FineTuneRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.Modality;
import dev.nova.api.ModelContext;
import dev.nova.api.PluginException;
import dev.nova.api.PluginInfo;
import dev.nova.api.VersionRange;
import dev.nova.imagegru.internal.ImageGru;
import dev.nova.imagegru.internal.ImageGruModel;
import dev.nova.imagegru.internal.Settings;
import dev.nova.kit.image.ImageSet;
import dev.nova.kit.image.ImageSource;
import dev.nova.kit.nn.Growth;
import dev.nova.kit.optim.FineTune;
import dev.nova.kit.optim.TrainingCore;
import dev.nova.kit.support.Payload;
import dev.nova.kit.support.SettingsProvider;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The {@code image-gru} plugin: a class-conditional image generator that writes images row by row with a GRU.
 * Constructing it and asking for {@link #info()} touches neither ND4J nor files.
 */
public final class ImageGruProvider extends SettingsProvider<Settings> {

    /** Creates the provider; cheap. */
    public ImageGruProvider() {
        super(new PluginInfo(ImageGru.ID, ImageGru.VERSION, Modality.IMAGE, VersionRange.parse("[1.2,2.0)"),
                "Class-conditional image generator: [class; z] -> Dense -> GRU over rows"), Settings::read);
    }

    private static ImageSource source(Settings s, ModelContext context) {
        return s.data().source(ImageGru.ID, context);
    }

    @Override
    protected String dataAdvice() {
        return dev.nova.kit.image.ImageData.INSTALL_ADVICE;
    }

    @Override
    protected GenerativeModel newModel(Settings s, ModelContext context) {
        ImageSource data = source(s, context);
        // Read the data now: a bad path fails before training starts, and the classes shape the model.
        List<String> classes = s.conditional() ? trainingClasses(data, 2) : List.of();
        if (!s.conditional()) {
            data.get();
        }
        return new ImageGruModel(s, context, data, classes);
    }

    /** The settings that shape the parameters (and what they mean): a fine-tuning run keeps its parent's. */
    @Override
    protected List<String> architectureSettings() {
        return List.of("data.image-size", "model.latent-mode", "model.conditional", "model.latent", "model.hidden",
                "model.layers", "model.encoder", "model.activation");
    }

    /** The parent's parameters; a class of the new data the parent never saw gets a row of its own. */
    @Override
    protected GenerativeModel fineTuneModel(Settings s, ModelContext context, FineTuneRequest request) {
        return FineTune.start(request, in -> (ImageGruModel) restoreModel(s, context, in), parent -> {
            ImageSource data = source(s, context);
            if (!s.conditional()) {
                return new FineTune.Child<>(new ImageGruModel(s, context, data, List.of()), Growth.none(0), "");
            }
            FineTune.Classes classes = FineTune.classes(parent.classNames(), trainingClasses(data, 1));
            ImageGruModel child = new ImageGruModel(s, context, data, classes.all());
            return new FineTune.Child<>(child, child.classGrowth(classes.growth()), classes.notice());
        });
    }

    /**
     * The classes of the training data of a class-conditional model; refused when it has none, or fewer than
     * {@code least} (a new model needs two; a fine-tuned one adds its data's to its parent's, so one will do).
     */
    private static List<String> trainingClasses(ImageSource data, int least) {
        ImageSet train = data.get().train();
        if (train.labels() == null) {
            throw new PluginException(ImageGru.ID, data.location() + " has no classes (an IDX folder without label"
                    + " files, or an image folder without class sub-folders); set model.conditional = false");
        }
        if (train.classes().size() < least) {
            throw new PluginException(ImageGru.ID, data.location() + " has one class, " + train.classes() + "; a"
                    + " class-conditional model needs at least two class sub-folders (or set model.conditional = false)");
        }
        return train.classes();
    }

    @Override
    protected GenerativeModel restoreModel(Settings s, ModelContext context, InputStream payload) {
        return TrainingCore.restore(ImageGru.ID, payload, ImageGruModel.PAYLOAD_MAGIC, ImageGruModel.PAYLOAD_FORMATS,
                (format, in) -> {
                    int count = in.readInt();
                    if (count < 0 || count > 100_000) {
                        throw new CheckpointException(ImageGru.ID, "payload is corrupt: " + count + " classes");
                    }
                    List<String> classes = new ArrayList<>();
                    for (int i = 0; i < count; i++) {
                        classes.add(in.readUTF());
                    }
                    Payload.expectModel(ImageGru.ID, in, s.architecture(s.conditional() ? count : 0));
                    return new ImageGruModel(s, context, source(s, context), classes);
                });
    }

    /** The conformance config, and the facts the compatibility kit needs to exercise every rule. */
    @Override
    public Optional<ConformanceProfile> conformance(Path scratch) {
        return conformanceConfig(scratch).map(c -> ConformanceProfile.of(c)
                .withInvalidSetting("model.hidden", 0)
                .withInvalidGenerationOption("temperature", -1.0)
                .withGenerationOption("temperature", 0.5, 2.0)
                .withGenerationOption("rows", "bernoulli")
                .withGenerationOption("mode", "reconstruct")
                .withIncompatibleSetting("model.hidden", 8)
                .withDataSetting("data.path")
                .withOptimizerSettings(dev.nova.kit.optim.TrainSettings.engagedForConformance()));
    }

    /** Free bits are off: their threshold on the batch's mean KL would make the models not data-parallel (TCK §9). */
    @Override
    public Optional<Config> conformanceConfig(Path scratch) {
        return Optional.of(ConfigFactory.parseString("""
                data { path = "builtin:shapes", image-size = 8, holdout = 0.2, limit = 200 }
                model { latent = 4, hidden = 16, encoder = [16] }
                train { batch = 16, learning-rate = 3e-3, kl-warmup-steps = 0, free-bits = 0 }
                eval { images = 40, batch = 40, diversity-samples = 3 }
                generate.steps = 3
                """));
    }
}
