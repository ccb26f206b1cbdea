package dev.nova.host.internal.run;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import dev.nova.api.DataParallel;
import dev.nova.api.GenerativeModel;
import dev.nova.api.PluginException;
import dev.nova.api.StepEvent;
import dev.nova.api.TrainingListener;
import dev.nova.api.TrainingRequest;
import dev.nova.api.TrainingResult;
import dev.nova.host.cluster.protocol.ClusterSetup;
import dev.nova.host.cluster.protocol.StepReply;
import dev.nova.host.cluster.protocol.StepRequest;
import dev.nova.host.internal.model.GuardedModel;
import dev.nova.host.internal.plan.RunPlan;
import dev.nova.host.internal.support.Sha256;
import dev.nova.host.internal.support.UsageException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.Function;

/**
 * Data-parallel training of the run's model through an engine outside the host (nova-spark): each step the engine
 * gets the parameters, has replicas sum the gradients of slices of the step's batch, and returns the sums; the run's
 * model applies its own optimiser step. Everything else about the run (evaluation, checkpoints, samples, resume,
 * progress) is the local run's, because the model that owns the run is the local one.
 *
 * <p>The engine is a pair of JDK functions, so that it can live outside the host's module layer (on Spark's class
 * path): {@code setup -> (request -> reply)}, each a map of a record of {@link dev.nova.host.cluster.protocol}
 * ({@link ClusterSetup}, {@link StepRequest}, {@link StepReply}), which define the keys.
 */
public final class ClusterTraining {

    private final String pluginId;
    private final Function<Map<String, Object>, Map<String, Object>> steps;

    private ClusterTraining(String pluginId, Function<Map<String, Object>, Map<String, Object>> steps) {
        this.pluginId = pluginId;
        this.steps = steps;
    }

    /**
     * Starts data-parallel training of a model.
     *
     * @param engine the cluster launcher's engine, when the host runs inside one
     * @param plan the run's plan: its plugin, settings, seed, base directory (relative data paths resolve against
     *     it on every machine) and how many slices each step's batch is cut into
     * @param model the run's model
     * @param provenance the run's provenance (for the plugin folder)
     * @return the training
     * @throws UsageException if there is no engine or the model is not data-parallel
     */
    static ClusterTraining start(Optional<ClusterEngine> engine, RunPlan plan, GuardedModel model,
                                 Properties provenance) {
        String pluginId = plan.pluginId();
        Config pluginConfig = plan.pluginConfig();
        long seed = plan.host().seed();
        Path base = plan.baseDirectory();
        int shards = plan.shards();
        if (engine.isEmpty()) {
            throw new UsageException("--cluster-shards trains on a Spark cluster: start it through nova-spark ("
                    + "spark-submit --class dev.nova.spark.NovaSpark nova-spark.jar train ...; see docs/spark.md)");
        }
        boolean capable = model.dataParallel().isPresent();
        if (!capable) {
            throw new UsageException("plugin '" + pluginId + "' does not offer data-parallel training with this"
                    + " configuration (GenerativeModel.dataParallel() is empty); train it without --cluster-shards");
        }
        String json = pluginConfig.root().render(ConfigRenderOptions.concise());
        String folder = provenance.getProperty("plugin-path", "");
        String baseDirectory = base.toAbsolutePath().normalize().toString();
        ClusterSetup setup = new ClusterSetup(pluginId, folder, json, seed, baseDirectory, shards,
                Sha256.ofText(pluginId + "\n" + folder + "\n" + json + "\n" + seed + "\n" + baseDirectory));
        return new ClusterTraining(pluginId, engine.get().setup().apply(setup.toMap()));
    }

    /**
     * Runs up to {@code request.steps()} steps as {@link GenerativeModel#train} would, one {@link StepEvent} each.
     *
     * @param model the run's model
     * @param request how many steps, and the cancellation
     * @param listener receives one event per step
     * @return the steps run, and whether the request was cancelled
     */
    TrainingResult train(GuardedModel model, TrainingRequest request, TrainingListener listener) {
        DataParallel dp = model.dataParallel().orElseThrow();
        float[] parameters = new float[dp.parameterCount()];
        long done = 0;
        while (done < request.steps()) {
            if (request.cancellation().isCancelled()) {
                return new TrainingResult(done, true);
            }
            long step = model.step();
            dp.readParameters(parameters);
            StepRequest ask = new StepRequest(step, parameters, dp.globalBatch(step));
            StepReply reply;
            try {
                reply = StepReply.of(steps.apply(ask.toMap()));
            } catch (RuntimeException e) {
                if (request.cancellation().isCancelled()) {
                    // Stopping (Ctrl-C stops Spark too): the step is discarded, the model is still at the last one.
                    return new TrainingResult(done, true);
                }
                throw new PluginException(pluginId, "step " + (step + 1) + " failed on the cluster: "
                        + String.valueOf(e.getMessage()).replaceAll("\\s*\\R\\s*", " "), e);
            }
            float[] gradient = reply.gradient();
            Map<String, Double> statistics = new LinkedHashMap<>(reply.statistics());
            Double units = statistics.get(DataParallel.UNITS);
            if (gradient == null || gradient.length != parameters.length || units == null || !(units > 0)) {
                throw new PluginException(pluginId, "the cluster returned no usable gradient for step " + (step + 1));
            }
            for (int i = 0; i < gradient.length; i++) {
                gradient[i] = (float) (gradient[i] / units);
            }
            Map<String, Double> metrics = dp.applyUpdate(step, gradient, statistics);
            done++;
            listener.onStep(new StepEvent(step + 1, statistics.get(DataParallel.LOSS) / units, Math.round(units),
                    metrics));
        }
        return new TrainingResult(done, false);
    }
}
