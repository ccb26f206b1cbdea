package dev.nova.kit.text;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import com.typesafe.config.Config;
import dev.nova.api.ConformanceProfile;
import dev.nova.api.FineTuneRequest;
import dev.nova.api.ReferenceData;
import dev.nova.api.TextTokens;
import dev.nova.kit.nn.Growth;
import dev.nova.kit.optim.FineTune;
import dev.nova.kit.optim.TrainSettings;
import dev.nova.kit.optim.TrainingCore;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apiguardian.api.API;

/**
 * What every text model on kit shares around its network: its tokenizer and training text, the payload that holds
 * both (a character model's format 2, a subword model's format 3), reference data, the host's view of its tokens,
 * and the provider's steps to restore, fine-tune and certify it. A plugin's model extends it with its network, its
 * training slices and its evaluation:
 *
 * <pre>{@code
 * final class MyModel extends TextModel {
 *     MyModel(Settings s, ModelContext c, Tokenizer t, TextSource text) {
 *         super(ID, MAGIC, t, text);
 *         ...
 *     }
 *     protected void writeArchitecture(DataOutputStream d) throws IOException { d.writeUTF(s.architecture()); }
 * }
 * // in the provider
 * return TextModel.restore(ID, payload, MAGIC, in -> Payload.expectModel(ID, in, s.architecture()),
 *         t -> new MyModel(s, context, t, text(s, context)));
 * }</pre>
 *
 * @since 1.4
 */
@API(status = EXPERIMENTAL, since = "1.4")
public abstract class TextModel implements TrainingCore.Holder {

    /** The payload format of a character model: its architecture, then its code points ({@link Vocabulary#write}). */
    public static final int CHARS_FORMAT = 2;
    /** The payload format of a subword model: its architecture, then its tokenizer tagged with its kind. */
    public static final int SUBWORD_FORMAT = 3;
    /**
     * Every payload format read: 1 (training drew one stream per step; such a run continues with format 2's
     * per-window draws), 2 and 3.
     */
    public static final int[] FORMATS = {1, 2, 3};

    private final String pluginId;
    private final long magic;
    /** The model's tokenizer. */
    protected final Tokenizer tokenizer;
    /** The training text, read on first use for a restored model. */
    protected final TextSource text;

    /**
     * Creates the shared part.
     *
     * @param pluginId for messages
     * @param magic the plugin's payload magic number
     * @param tokenizer from the corpus (new model) or the checkpoint (restore)
     * @param text the training text
     */
    protected TextModel(String pluginId, long magic, Tokenizer tokenizer, TextSource text) {
        this.pluginId = pluginId;
        this.magic = magic;
        this.tokenizer = tokenizer;
        this.text = text;
    }

    /**
     * Writes what a checkpoint must match to be restored under a configuration (read back by the check given to
     * {@link #restore}).
     *
     * @param out the payload
     * @throws IOException if writing fails
     */
    protected abstract void writeArchitecture(DataOutputStream out) throws IOException;

    @Override
    public void save(OutputStream out) {
        training().save(out, magic, tokenizer instanceof Vocabulary ? CHARS_FORMAT : SUBWORD_FORMAT, d -> {
            writeArchitecture(d);
            if (tokenizer instanceof Vocabulary v) {
                v.write(d);
            } else {
                tokenizer.save(d);
            }
        });
    }

    /** The training text and its held-out tail, for sample-quality metrics. */
    @Override
    public Optional<ReferenceData> referenceData() {
        return Optional.of(text.reference(tokenizer));
    }

    /** The model's tokens, as the host sees them. */
    @Override
    public Optional<TextTokens> textTokens() {
        return Optional.of(tokenizer.forPlugin(pluginId));
    }

    /** The model's tokenizer. */
    public Tokenizer tokenizer() {
        return tokenizer;
    }

    /** Checks the architecture a payload records against the configuration's. */
    @FunctionalInterface
    public interface ArchitectureCheck {
        /**
         * Reads the architecture and refuses a mismatch.
         *
         * @param in the payload, after its header
         * @throws IOException if it is truncated
         */
        void check(DataInputStream in) throws IOException;
    }

    /**
     * Restores a model from a payload {@link #save} wrote.
     *
     * @param pluginId for messages
     * @param payload the payload
     * @param magic the plugin's magic number
     * @param architecture reads and checks the architecture ({@link #writeArchitecture})
     * @param create builds the model for the tokenizer read
     * @param <M> the model type
     * @return the model, its training state read
     */
    public static <M extends TextModel> M restore(String pluginId, InputStream payload, long magic,
                                                  ArchitectureCheck architecture, Function<Tokenizer, M> create) {
        return TrainingCore.restore(pluginId, payload, magic, FORMATS, (format, in) -> {
            architecture.check(in);
            return create.apply(format >= SUBWORD_FORMAT ? Tokenizer.load(pluginId, in) : Vocabulary.read(pluginId, in));
        });
    }

    /**
     * A model fine-tuned from a parent: it keeps the parent's tokenizer, a character vocabulary grown by the new
     * text's characters ({@link TextSource#readGrowing(Tokenizer)}), and starts from the parent's parameters.
     *
     * @param request the parent's payload and options
     * @param restoreParent restores the parent (the provider's {@code restoreModel})
     * @param text the new training text
     * @param create builds the child for a tokenizer
     * @param <M> the model type
     * @return the child, at step 0
     */
    public static <M extends TextModel> M fineTune(FineTuneRequest request, Function<InputStream, M> restoreParent,
                                                   TextSource text, Function<Tokenizer, M> create) {
        return FineTune.start(request, restoreParent, parent -> {
            Tokenizer from = parent.tokenizer();
            Tokenizer child = text.readGrowing(from);
            if (!(from instanceof Vocabulary p) || !(child instanceof Vocabulary grown)) {
                return new FineTune.Child<>(create.apply(child), Growth.none(from.size()), "");
            }
            int added = grown.size() - p.size();
            String notice = added == 0 ? "" : "added " + added + (added == 1 ? " character" : " characters")
                    + " the parent model never saw to the vocabulary (now " + grown.size() + "): "
                    + grown.describeAdded(p);
            return new FineTune.Child<>(create.apply(grown), grown.growthFrom(p), notice);
        });
    }

    /**
     * A text plugin's architecture settings ({@code SettingsProvider.architectureSettings()}): its model's, then the
     * tokenizer's ({@link TextDataSettings#TOKENIZER_SETTINGS}).
     *
     * @param model the settings that shape the network
     * @return all of them
     */
    public static List<String> architectureSettings(String... model) {
        return Stream.concat(Stream.of(model), TextDataSettings.TOKENIZER_SETTINGS.stream()).toList();
    }

    /**
     * The conformance profile of a text plugin trained on {@link TextSource#tinyCorpus}: its vocabulary, the
     * optimiser settings that engage every part of kit's optimiser, and {@code data.path} as the data setting; the
     * plugin adds its invalid and incompatible settings.
     *
     * @param config the conformance configuration
     * @return the profile
     */
    public static ConformanceProfile conformanceProfile(Config config) {
        return ConformanceProfile.of(config).withVocabulary(TextSource.TINY_CORPUS)
                .withOptimizerSettings(TrainSettings.engagedForConformance()).withDataSetting("data.path");
    }
}
