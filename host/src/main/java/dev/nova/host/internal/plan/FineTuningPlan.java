package dev.nova.host.internal.plan;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigValueFactory;
import dev.nova.api.ConfigProblem;
import dev.nova.api.FineTuning;
import dev.nova.host.internal.config.ConfigErrors;
import dev.nova.host.internal.config.ConfigLoader;
import dev.nova.host.internal.config.Origins;
import dev.nova.host.internal.discovery.PluginCatalog;
import dev.nova.host.internal.discovery.PluginEntry;
import dev.nova.host.internal.store.Checkpoint;
import dev.nova.host.internal.support.PluginCalls;
import dev.nova.host.internal.support.UsageException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a fine-tuning run ({@code nova.init-from}) takes from its parent before its configuration is layered: the
 * plugin, and every architecture setting its run file leaves out. A setting the run file gives another value is
 * refused, all of them at once, before any run folder exists.
 */
final class FineTuningPlan {

    private FineTuningPlan() {
    }

    /**
     * The user's layers with the parent's plugin and architecture settings beneath them.
     *
     * @param parent the parent's checkpoint, verified
     * @param user the user's layers (run file and overrides)
     * @param pluginOption {@code --plugin}, if given
     * @param catalog the plugins found
     * @return the layers to layer over the references
     * @throws UsageException if the plugin differs from the parent's, is not installed or cannot fine-tune
     * @throws ConfigErrors naming every architecture setting the run file sets to another value than the parent's
     */
    static Config inherit(Checkpoint parent, Config user, Optional<String> pluginOption, PluginCatalog catalog) {
        String id = parent.pluginId();
        if (id == null) {
            throw new UsageException("nova.init-from: checkpoint " + parent.file() + " does not name its plugin");
        }
        Optional<String> asked = pluginOption.or(() -> ConfigLoader.optionalString(user, "nova.plugin"));
        if (asked.isPresent() && !asked.get().equals(id)) {
            throw new UsageException("nova.init-from: " + parent.file() + " holds a model of plugin '" + id
                    + "', and this run trains '" + asked.get() + "': a fine-tuning run trains its parent's plugin");
        }
        PluginEntry entry = catalog.find(id).orElseThrow(() -> new UsageException("nova.init-from: " + parent.file()
                + " holds a model of plugin '" + id + "', which is not installed; give the folder that holds it with"
                + " --plugin-path DIR (see 'nova plugins')"));
        FineTuning fineTuning = capability(entry, id);
        List<String> architecture = PluginCalls.call(id, entry.provider().orElseThrow().getClass(), "architecture",
                fineTuning::architecture);
        String prefix = "plugins." + id + ".";
        Config inherited = ConfigFactory.empty().withValue("nova.plugin", ConfigValueFactory.fromAnyRef(id,
                "the parent checkpoint " + parent.file()));
        List<String> problems = new ArrayList<>();
        for (String key : architecture) {
            String path = prefix + key;
            boolean parentHas = parent.config().hasPath(path);
            if (user.hasPathOrNull(path)) {
                Config parentValue = parentHas ? parent.config().withOnlyPath(path) : ConfigFactory.empty();
                for (ConfigProblem p : FineTuning.mismatches(List.of(path), parentValue, user.withOnlyPath(path))) {
                    problems.add(Origins.format(user.getValue(path).origin()) + ": " + path + " " + p.message());
                }
            } else if (parentHas) {
                inherited = inherited.withValue(path, parent.config().getValue(path));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigErrors(problems);
        }
        return user.withFallback(inherited);
    }

    /** The plugin's fine-tuning capability; refused in one line naming the plugin when it has none. */
    static FineTuning capability(PluginEntry entry, String id) {
        Optional<FineTuning> capability = PluginCalls.call(id, entry.provider().orElseThrow().getClass(), "fineTuning",
                () -> entry.provider().orElseThrow().fineTuning());
        if (capability == null || capability.isEmpty()) {
            throw new UsageException("plugin '" + id + "' cannot start from another run's model (--init-from, "
                    + "nova.init-from): it does not offer fine-tuning (GeneratorProvider.fineTuning(), plugin API 1.3)");
        }
        return capability.get();
    }
}
