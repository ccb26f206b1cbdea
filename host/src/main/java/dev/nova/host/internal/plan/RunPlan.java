package dev.nova.host.internal.plan;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.nova.api.GeneratorProvider;
import dev.nova.api.PluginInfo;
import dev.nova.host.internal.config.HostSettings;
import dev.nova.host.internal.discovery.PluginEntry;
import dev.nova.host.internal.store.Checkpoint;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Everything a command that runs a model needs, decided once before anything runs: the plugin, its configuration
 * (validated), the host's settings, where relative paths resolve, and the checkpoint it starts from.
 *
 * @param plugin the plugin, loaded
 * @param config the run's configuration: {@code nova} and {@code plugins.<id>}, as a checkpoint saves it
 * @param host the host's settings of the run
 * @param baseDirectory what relative paths in the configuration resolve against (absolute)
 * @param checkpoint the checkpoint a resume, generate or evaluate starts from (read and verified)
 * @param runDir the run folder given ({@code train --run-dir}; the run that {@code resume} continues)
 * @param shards slices per step on a cluster, or 0 to train in this process
 * @param parent the checkpoint a fine-tuning run starts from ({@code nova.init-from}, read and verified)
 */
public record RunPlan(PluginEntry plugin, Config config, HostSettings host, Path baseDirectory,
                      Optional<Checkpoint> checkpoint, Optional<Path> runDir, int shards, Optional<Checkpoint> parent) {

    /** The plugin's id. */
    public String pluginId() {
        return info().id();
    }

    /** The plugin's metadata, as read at discovery ({@code info()} is not called again). */
    public PluginInfo info() {
        return plugin.info().orElseThrow();
    }

    /** The plugin's provider. */
    public GeneratorProvider provider() {
        return plugin.provider().orElseThrow();
    }

    /**
     * The patterns of the parameters the run keeps fixed ({@code nova.finetune.freeze}; none in a configuration saved
     * before the setting existed).
     *
     * @return the patterns
     */
    public java.util.List<String> freeze() {
        return config.hasPath("nova.finetune.freeze") ? config.getStringList("nova.finetune.freeze")
                : java.util.List.of();
    }

    /** Whether a fine-tuning run starts from its parent's optimiser moments ({@code nova.finetune.carry-optimizer}). */
    public boolean carryOptimizer() {
        return config.hasPath("nova.finetune.carry-optimizer") && config.getBoolean("nova.finetune.carry-optimizer");
    }

    /**
     * The plugin's fine-tuning capability.
     *
     * @return the capability
     * @throws dev.nova.host.internal.support.UsageException naming the plugin when it has none
     */
    public dev.nova.api.FineTuning fineTuning() {
        return FineTuningPlan.capability(plugin, pluginId());
    }

    /** The plugin's own subtree, {@code plugins.<id>}: what the provider is given. */
    public Config pluginConfig() {
        String p = "plugins." + pluginId();
        return config.hasPath(p) ? config.getConfig(p) : ConfigFactory.empty();
    }
}
