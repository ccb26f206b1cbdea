package dev.nova.host.internal.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import dev.nova.api.OpenWeights;
import dev.nova.host.internal.discovery.PluginCatalog;
import dev.nova.host.internal.discovery.PluginEntry;
import dev.nova.host.internal.model.ModelLoader;
import dev.nova.host.internal.plan.Invocation;
import dev.nova.host.internal.support.UsageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code nova import FAMILY DIR}: a run of a model published by others (a Hugging Face GPT-2 folder), made by the
 * plugin that reads that family ({@code GeneratorProvider.openWeights()}), with a checkpoint at step 0.
 */
@Command(name = "import", mixinStandardHelpOptions = true, description = "Make a run of published weights (gpt2: a"
        + " Hugging Face GPT-2 folder with config.json, model.safetensors, vocab.json and merges.txt): a checkpoint at"
        + " step 0 that generate, evaluate, serve and train --init-from use like any run's.")
final class ImportCommand implements java.util.concurrent.Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FAMILY", description = "The family of the published model: gpt2.")
    String family;

    @Parameters(index = "1", paramLabel = "DIR", description = "The folder of the published model.")
    Path folder;

    @Option(names = "--run-dir", paramLabel = "DIR", description = "Write the run here instead of a new folder under"
            + " nova.runs-dir.")
    Path runDir;

    @Option(names = "--plugin", paramLabel = "ID", description = "The plugin to import with (default: the one plugin that"
            + " reads FAMILY).")
    String plugin;

    @Mixin
    NovaCommand.Overrides overrides;

    @Mixin
    NovaCommand.PluginPath pluginPath;

    @CommandLine.ParentCommand
    NovaCommand nova;

    @Override
    public Integer call() {
        if (!Files.isDirectory(folder)) {
            throw new UsageException(folder + " is not a folder (nova import " + family + " DIR takes the folder of the"
                    + " published model)");
        }
        PluginCatalog catalog = nova.component(Invocation.list(pluginPath.get())).catalog();
        nova.warnRefused(catalog);
        List<PluginEntry> readers = new ArrayList<>();
        TreeSet<String> families = new TreeSet<>();
        for (Map.Entry<String, PluginEntry> e : catalog.loaded().entrySet()) {
            if (plugin != null && !e.getKey().equals(plugin)) {
                continue;
            }
            List<String> read = ModelLoader.families(e.getValue());
            families.addAll(read);
            if (read.contains(family)) {
                readers.add(e.getValue());
            }
        }
        if (plugin != null) {
            catalog.require(plugin);
        }
        if (readers.isEmpty()) {
            throw new UsageException((plugin == null ? "no installed plugin reads" : "plugin '" + plugin + "' does not read")
                    + " published '" + family + "' weights" + (families.isEmpty() ? "" : "; families: "
                    + String.join(", ", families)));
        }
        if (readers.size() > 1) {
            throw new UsageException("several plugins read '" + family + "' weights ("
                    + String.join(", ", readers.stream().map(r -> r.info().orElseThrow().id()).toList())
                    + "): choose one with --plugin ID");
        }
        PluginEntry entry = readers.get(0);
        String id = entry.info().orElseThrow().id();
        OpenWeights weights = ModelLoader.openWeights(entry, family).orElseThrow();
        Path dir = folder.toAbsolutePath().normalize();
        Config settings = ModelLoader.importSettings(entry, weights, family, dir);
        List<String> sets = new ArrayList<>();
        for (Map.Entry<String, ConfigValue> s : settings.entrySet()) {
            sets.add("plugins." + id + "." + s.getKey() + "=" + s.getValue().render(ConfigRenderOptions.concise()));
        }
        sets.addAll(overrides.sets);
        nova.component(Invocation.train(Optional.empty(), Optional.of(id), Optional.ofNullable(runDir), 0, sets,
                pluginPath.get())).training().importWeights(weights, family, dir);
        return Cli.OK;
    }
}
