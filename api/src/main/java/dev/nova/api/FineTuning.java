package dev.nova.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import com.typesafe.config.Config;
import java.util.List;
import org.apiguardian.api.API;

/**
 * A provider's optional capability to start a model from another run's model (fine-tuning): the new model's
 * parameters come from a checkpoint payload this plugin wrote, everything else (data, schedule, steps) from the new
 * configuration. A plugin opts in by answering {@link GeneratorProvider#fineTuning()}; the host refuses
 * {@code nova train --init-from} for a plugin without it.
 *
 * <p>What the host does around it: it verifies the parent's checkpoint, takes the {@linkplain #architecture()
 * architecture settings} the new run file leaves out from the parent's saved configuration and refuses ones it sets
 * differently (all at once, naming each setting and both values), then calls {@link #create}. The model returned is at
 * step 0 with a fresh optimiser (unless {@link FineTuneRequest#carryOptimizerState()}), its own seed, and the parent's
 * parameters: where the new data has characters or classes the parent never saw, the plugin grows the parameters
 * they index (new rows initialised as a fresh model's, every existing row kept) and says so through
 * {@link FineTuneRequest#notices()}. The parent's characters and classes keep their indices and the new ones follow, so
 * that a label given to the parent names the same class in the child ({@link ReferenceData#classes()} begins with the
 * parent's).
 *
 * <p>The conformance kit certifies it (section 10 of its specification): fine-tuning from the plugin's own
 * checkpoint with a zero learning rate on the parent's data evaluates exactly as the parent; a configuration of
 * another architecture is a {@link PluginException} naming the setting; grown rows keep the old rows' values.
 *
 * @since 1.3
 */
@API(status = EXPERIMENTAL, since = "1.3")
public interface FineTuning {

    /**
     * The settings that fix the shapes of the parameters (paths within the plugin's subtree, for example
     * {@code model.d-model}): a fine-tuning run must have the parent's values.
     *
     * @return the paths, each present in the plugin's reference configuration
     */
    List<String> architecture();

    /**
     * Creates a model for {@code config} whose parameters are the parent's.
     *
     * @param config the plugin's subtree (its architecture settings equal to the parent's, as the host checked)
     * @param context what the host hands the model; its seed draws the rows the parent did not have
     * @param request the parent's payload and how to start from it
     * @return a model at step 0, ready to train
     * @throws InvalidConfigException if the config is invalid
     * @throws CheckpointException if the payload is not this plugin's, or holds a model of another architecture (the
     *     message names the setting that differs)
     * @throws PluginException if the model cannot be built (for example unreadable data, or images of another size)
     */
    GenerativeModel create(Config config, ModelContext context, FineTuneRequest request);

    /**
     * The architecture settings whose values differ between a parent's configuration and a new one, each as a
     * problem naming the setting and both values. A setting absent from one side differs from any value on the other;
     * numbers compare by value ({@code 16} equals {@code 16.0}).
     *
     * @param architecture the paths to compare (see {@link #architecture()})
     * @param parent the parent's configuration (the plugin's subtree)
     * @param config the new configuration (the plugin's subtree)
     * @return one problem per setting that differs, in the order of {@code architecture}
     */
    static List<ConfigProblem> mismatches(List<String> architecture, Config parent, Config config) {
        List<ConfigProblem> out = new java.util.ArrayList<>();
        for (String key : architecture) {
            Object a = parent.hasPathOrNull(key) && !parent.getIsNull(key) ? parent.getValue(key).unwrapped() : null;
            Object b = config.hasPathOrNull(key) && !config.getIsNull(key) ? config.getValue(key).unwrapped() : null;
            boolean same = a instanceof Number x && b instanceof Number y ? x.doubleValue() == y.doubleValue()
                    : java.util.Objects.equals(a, b);
            if (!same) {
                out.add(new ConfigProblem(key, "is " + b + " here but " + a + " in the parent model: a fine-tuning run"
                        + " keeps its parent's architecture (leave the setting out to take the parent's value)"));
            }
        }
        return out;
    }
}
