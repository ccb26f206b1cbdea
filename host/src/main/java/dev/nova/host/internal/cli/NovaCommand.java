package dev.nova.host.internal.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import dev.nova.api.ApiVersion;
import dev.nova.api.Cancellation;
import dev.nova.api.EvaluationRequest;
import dev.nova.api.GenerationListener;
import dev.nova.api.GenerationRequest;
import dev.nova.api.PluginInfo;
import dev.nova.host.internal.UsageException;
import dev.nova.host.internal.config.ConfigLoader;
import dev.nova.host.internal.di.HostComponent;
import dev.nova.host.internal.discovery.PluginCatalog;
import dev.nova.host.internal.discovery.PluginDiscovery;
import dev.nova.host.internal.discovery.PluginEntry;
import dev.nova.host.internal.run.Checkpoint;
import dev.nova.host.internal.run.Terminal;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The {@code nova} command line. */
@Command(name = "nova", mixinStandardHelpOptions = true, versionProvider = NovaCommand.Version.class,
        description = "Trains and samples generative models; plugins are found on the module path and under --plugin-path.",
        subcommands = {NovaCommand.Plugins.class, NovaCommand.ConfigCmd.class, NovaCommand.Train.class,
                NovaCommand.Resume.class, NovaCommand.Generate.class, NovaCommand.Evaluate.class,
                NovaCommand.Inspect.class, NovaCommand.Tck.class, CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 success, 1 runtime failure, 2 usage or configuration error.",
                "Run 'nova help <command>' for a command's options."})
public final class NovaCommand implements Runnable {

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of errors.")
    boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    static Terminal terminal = Terminal.system();

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "missing command");
    }

    /** Options every plugin-using command takes. */
    static final class PluginPath {
        @Option(names = "--plugin-path", paramLabel = "DIR",
                description = "A directory of plugin jars and folders of jars (default: nova.plugin-path, $NOVA_PLUGIN_PATH).")
        Path pluginPath;

        Optional<Path> get() {
            return Optional.ofNullable(pluginPath);
        }
    }

    /** Config overrides. */
    static final class Overrides {
        @Option(names = "--set", paramLabel = "PATH=VALUE",
                description = "Override one setting, for example --set plugins.text-gru.hidden=512 (repeatable).")
        List<String> sets = new ArrayList<>();
    }

    /** Prints the Nova and API versions. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"nova " + version() + " (plugin API " + ApiVersion.CURRENT + ", Java "
                    + Runtime.version() + ")"};
        }

        static String version() {
            return dev.nova.host.internal.HostVersion.version();
        }
    }

    @Command(name = "plugins", mixinStandardHelpOptions = true, description = "List the plugins found, loaded or refused, and why.")
    static final class Plugins implements java.util.concurrent.Callable<Integer> {
        @Mixin
        PluginPath pluginPath;

        @Override
        public Integer call() {
            PluginCatalog catalog = Bootstrap.discover(pluginPath.get(), Optional.empty(), List.of());
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"ID", "VERSION", "MODALITY", "MODULE", "LOCATION", "STATUS"});
            for (PluginEntry e : catalog.entries()) {
                Optional<PluginInfo> i = e.info();
                rows.add(new String[] {e.displayId(), i.map(PluginInfo::version).orElse("-"),
                        i.map(x -> x.modality().toString()).orElse("-"), e.moduleName(), e.location(),
                        e.isLoaded() ? "ok" : "refused"});
            }
            printTable(terminal.out(), rows);
            for (PluginEntry e : catalog.refused()) {
                terminal.out().println("refused: " + e.problem().orElseThrow());
            }
            if (catalog.entries().isEmpty()) {
                terminal.out().println("(no plugins found; add jars with --plugin-path DIR)");
            }
            return 0;
        }
    }

    @Command(name = "config", mixinStandardHelpOptions = true, description = "Print a plugin's effective configuration with the origin of each value.")
    static final class ConfigCmd implements java.util.concurrent.Callable<Integer> {
        @Parameters(index = "0", paramLabel = "PLUGIN", description = "The plugin id.")
        String plugin;

        @Option(names = "--conf", paramLabel = "FILE", description = "A HOCON run file layered over the defaults.")
        Path conf;

        @Mixin
        Overrides overrides;

        @Mixin
        PluginPath pluginPath;

        @Override
        public Integer call() {
            HostComponent c = Bootstrap.component(pluginPath.get(), Optional.ofNullable(conf), overrides.sets, terminal);
            c.catalog().require(plugin);
            Config shown = c.config().withOnlyPath("plugins." + plugin).withFallback(c.config().withOnlyPath("nova"));
            terminal.out().println(shown.root().render(ConfigRenderOptions.defaults()
                    .setOriginComments(true).setComments(false).setJson(false)));
            return 0;
        }
    }

    /** {@code --cluster-shards}: absent means this process; otherwise 1 to 4096 slices a step. */
    static int shards(Integer option) {
        if (option == null) {
            return 0;
        }
        if (option < 1 || option > 4096) {
            throw new UsageException("--cluster-shards must be between 1 and 4096, found " + option);
        }
        return option;
    }

    @Command(name = "train", mixinStandardHelpOptions = true, description = "Train a model; writes a run directory with config, metrics, samples and checkpoints.")
    static final class Train implements java.util.concurrent.Callable<Integer> {
        @Parameters(index = "0", arity = "0..1", paramLabel = "RUN_FILE", description = "A HOCON run file (see conf/).")
        Path runFile;

        @Option(names = "--plugin", paramLabel = "ID", description = "The plugin to train (default: nova.plugin of the run file).")
        String plugin;

        @Option(names = "--run-dir", paramLabel = "DIR", description = "Write the run here instead of a new folder under nova.runs-dir.")
        Path runDir;

        @Option(names = "--cluster-shards", paramLabel = "N", description = "Train data-parallel on a Spark cluster, each"
                + " step's batch cut into N slices (only through nova-spark; see docs/spark.md).")
        Integer clusterShards;

        @Mixin
        Overrides overrides;

        @Mixin
        PluginPath pluginPath;

        @Override
        public Integer call() {
            Optional<Path> file = Optional.ofNullable(runFile);
            HostComponent c = Bootstrap.component(pluginPath.get(), file, overrides.sets, terminal);
            warnRefused(c.catalog());
            String id = plugin != null ? plugin : ConfigLoader.optionalString(c.config(), "nova.plugin")
                    .orElseThrow(() -> new UsageException("which plugin? give --plugin ID or set nova.plugin in the run file"
                            + "; installed: " + String.join(", ", c.catalog().loaded().keySet())));
            Path base = file.map(f -> f.toAbsolutePath().getParent()).orElse(Path.of("").toAbsolutePath());
            Cancellation cancel = new Cancellation();
            int shards = shards(clusterShards);
            return withInterrupt(cancel, () -> c.runs().train(id, c.config(), base, Optional.ofNullable(runDir), shards, cancel));
        }
    }

    @Command(name = "resume", mixinStandardHelpOptions = true, description = "Continue a run from its latest checkpoint, exactly where it stopped.")
    static final class Resume implements java.util.concurrent.Callable<Integer> {
        @Parameters(index = "0", paramLabel = "RUN_DIR", description = "The run directory.")
        Path runDir;

        @Option(names = "--steps", paramLabel = "N", description = "The new total number of steps (not steps to add); it must"
                + " be more than the run's current step.")
        Long steps;

        @Option(names = "--cluster-shards", paramLabel = "N", description = "Continue data-parallel on a Spark cluster, each"
                + " step's batch cut into N slices (only through nova-spark; see docs/spark.md).")
        Integer clusterShards;

        @Mixin
        PluginPath pluginPath;

        @Override
        public Integer call() {
            int shards = shards(clusterShards);
            HostComponent c = Bootstrap.forCheckpoint(runDir, pluginPath.get(), terminal);
            Cancellation cancel = new Cancellation();
            return withInterrupt(cancel, () -> c.runs().resume(runDir, Optional.ofNullable(steps), shards, cancel));
        }
    }

    @Command(name = "generate", mixinStandardHelpOptions = true, description = "Generate samples from a checkpoint (text streams to standard output).")
    static final class Generate implements java.util.concurrent.Callable<Integer> {
        @Parameters(index = "0", paramLabel = "CHECKPOINT", description = "A checkpoint file or a run directory (its latest checkpoint).")
        Path checkpoint;

        @Option(names = {"-n", "--count"}, defaultValue = "1", description = "How many samples (default ${DEFAULT-VALUE}).")
        int count;

        @Option(names = "--seed", defaultValue = "1234", description = "Sampling seed (default ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--prompt", description = "Text every sample starts with.")
        String prompt;

        @Option(names = "--prompt-file", paramLabel = "FILE", description = "Read the prompt from a UTF-8 file.")
        Path promptFile;

        @Option(names = "--length", description = "Characters to generate after the prompt.")
        Integer length;

        @Option(names = "--temperature", description = "Softmax temperature, > 0.")
        Double temperature;

        @Option(names = "--top-k", description = "Sample only from the k most likely tokens.")
        Integer topK;

        @Option(names = "--top-p", description = "Nucleus sampling threshold in (0,1].")
        Double topP;

        @Option(names = "--greedy", description = "Always take the most likely token.")
        boolean greedy;

        @Option(names = "--label", description = "Class to condition on (conditional image models).")
        Integer label;

        @Option(names = "--option", paramLabel = "KEY=VALUE", description = "Any other plugin option (repeatable).")
        Map<String, String> more = new LinkedHashMap<>();

        @Option(names = "--out", paramLabel = "FILE", defaultValue = "samples.png",
                description = "Image models: the PNG grid to write (default ${DEFAULT-VALUE}).")
        Path out;

        @Option(names = "--each", paramLabel = "DIR", description = "Image models: also write one PNG per sample here.")
        Path each;

        @Mixin
        PluginPath pluginPath;

        @Override
        public Integer call() throws IOException {
            if (count < 1 || count > MAX_COUNT) {
                throw new UsageException("--count must be in [1, " + MAX_COUNT + "], found " + count);
            }
            Map<String, Object> options = new LinkedHashMap<>(more);
            if (prompt != null && promptFile != null) {
                throw new UsageException("give --prompt or --prompt-file, not both");
            }
            if (promptFile != null) {
                options.put(GenerationRequest.PROMPT, readPrompt(promptFile));
            }
            if (out != null && java.nio.file.Files.isDirectory(out)) {
                throw new UsageException("--out " + out + " is a directory; give the PNG file to write (for a file per"
                        + " sample use --each DIR)");
            }
            if (each != null && java.nio.file.Files.exists(each) && !java.nio.file.Files.isDirectory(each)) {
                throw new UsageException("--each " + each + " is a file; give a directory for the PNG files");
            }
            putIfPresent(options, GenerationRequest.PROMPT, prompt);
            putIfPresent(options, GenerationRequest.LENGTH, length);
            putIfPresent(options, GenerationRequest.TEMPERATURE, temperature);
            putIfPresent(options, GenerationRequest.TOP_K, topK);
            putIfPresent(options, GenerationRequest.TOP_P, topP);
            putIfPresent(options, GenerationRequest.LABEL, label);
            if (greedy) {
                options.put(GenerationRequest.GREEDY, true);
            }
            HostComponent c = Bootstrap.forCheckpoint(checkpoint, pluginPath.get(), terminal);
            c.runs().generate(checkpoint, new GenerationRequest(count, seed, options, GenerationListener.NONE), out,
                    Optional.ofNullable(each));
            return 0;
        }
    }

    @Command(name = "evaluate", mixinStandardHelpOptions = true, description = "Evaluate a checkpoint on held-out data or a given file.")
    static final class Evaluate implements java.util.concurrent.Callable<Integer> {
        @Parameters(index = "0", paramLabel = "CHECKPOINT", description = "A checkpoint file or a run directory.")
        Path checkpoint;

        @Option(names = "--data", paramLabel = "PATH", description = "Data to evaluate on (default: the run's held-out split).")
        Path data;

        @Option(names = "--seed", defaultValue = "1234", description = "Seed for sampling-based metrics (default ${DEFAULT-VALUE}).")
        long seed;

        @Option(names = "--option", paramLabel = "KEY=VALUE", description = "A plugin evaluation option (repeatable).")
        Map<String, String> options = new LinkedHashMap<>();

        @Mixin
        PluginPath pluginPath;

        @Override
        public Integer call() {
            HostComponent c = Bootstrap.forCheckpoint(checkpoint, pluginPath.get(), terminal);
            c.runs().evaluate(checkpoint, new EvaluationRequest(Optional.ofNullable(data), seed, Map.copyOf(options)));
            return 0;
        }
    }

    @Command(name = "inspect", mixinStandardHelpOptions = true, description = "Verify a checkpoint (every entry against"
            + " its SHA-256) and print its provenance: versions, plugin jar, data fingerprints, seed, step. Loads no plugin.")
    static final class Inspect implements java.util.concurrent.Callable<Integer> {
        @Parameters(index = "0", paramLabel = "CHECKPOINT", description = "A checkpoint file or a run directory (its latest checkpoint).")
        Path checkpoint;

        @Option(names = "--config", description = "Also print the effective configuration saved in the checkpoint.")
        boolean config;

        @Override
        public Integer call() {
            Checkpoint c = Checkpoint.read(checkpoint);
            PrintStream out = terminal.out();
            out.println("checkpoint  " + c.file());
            out.println("verified    " + (c.manifest().getProperty("entry.payload.bin.sha256") == null
                    ? "zip CRCs only (format " + c.manifest().getProperty("format") + " has no entry digests)"
                    : "every entry matches its size and SHA-256 in the manifest"));
            List<String[]> rows = new ArrayList<>();
            new java.util.TreeMap<>(c.manifest()).forEach((k, v) -> rows.add(new String[] {k.toString(), v.toString()}));
            printTable(out, rows);
            if (config) {
                out.println();
                out.println(c.config().root().render(ConfigRenderOptions.defaults().setOriginComments(false)
                        .setComments(false).setJson(false)));
            }
            return 0;
        }
    }

    @Command(name = "tck", mixinStandardHelpOptions = true, description = "Run the compatibility kit (tck/SPEC.md) against"
            + " the plugins of --plugin-path (or, without it, the built-in ones); prints a conformance report and writes"
            + " it as JSON and JUnit XML. Exit code 1 when a MUST rule fails.")
    static final class Tck implements java.util.concurrent.Callable<Integer> {
        @Option(names = "--plugin", paramLabel = "ID", description = "Certify only this plugin (repeatable; default: those"
                + " loaded from --plugin-path, or every built-in one without it).")
        List<String> plugins = new ArrayList<>();

        @Option(names = "--report", paramLabel = "DIR", defaultValue = "tck-report",
                description = "Where to write tck-report.json and JUnit XML (default ${DEFAULT-VALUE}).")
        Path report;

        @Mixin
        PluginPath pluginPath;

        @Override
        public Integer call() throws ReflectiveOperationException {
            PluginCatalog catalog = Bootstrap.discover(pluginPath.get(), Optional.empty(), List.of());
            warnRefused(catalog);
            List<dev.nova.api.GeneratorProvider> providers = new ArrayList<>();
            if (plugins.isEmpty() && pluginPath.get().isPresent()) {
                // The plugins of that folder only: the built-in ones are certified by Nova's own build.
                catalog.loaded().values().stream().map(e -> e.provider().orElseThrow())
                        .filter(p -> p.getClass().getModule().getLayer() != PluginDiscovery.hostLayer())
                        .forEach(providers::add);
            } else if (plugins.isEmpty()) {
                catalog.loaded().values().forEach(e -> providers.add(e.provider().orElseThrow()));
            } else {
                plugins.forEach(id -> providers.add(catalog.require(id)));
            }
            if (providers.isEmpty()) {
                throw new UsageException(pluginPath.get().isPresent()
                        ? "no plugin loaded from " + pluginPath.get().get() + " to certify (see 'nova plugins --plugin-path "
                                + pluginPath.get().get() + "')"
                        : "no plugins to certify; add plugin jars with --plugin-path DIR");
            }
            // The kit and the JUnit Platform sit on the module path but are not read by the host's module
            // graph (a static requires would put JUnit on every host test's module path); call it reflectively.
            Module tck = PluginDiscovery.hostLayer().findModule("dev.nova.tck").orElseThrow(() -> new IllegalStateException(
                    "the conformance kit (module dev.nova.tck) is not on the module path of this installation"));
            Class<?> conformance = Class.forName(tck, "dev.nova.tck.Conformance");
            java.lang.reflect.Method run = conformance.getMethod("run", List.class, Path.class, PrintStream.class);
            List<?> outcomes;
            try {
                outcomes = (List<?>) run.invoke(null, providers, report, terminal.out());
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
            }
            for (Object o : outcomes) {
                if ((Boolean) o.getClass().getMethod("breaksConformance").invoke(o)) {
                    return Cli.FAILURE;
                }
            }
            return Cli.OK;
        }
    }

    /** The most samples one generate call asks for (each is held in memory until written). */
    static final int MAX_COUNT = 100_000;

    /** The most prompt text read from a file: a prompt is a few lines; a model's context is far shorter. */
    static final int MAX_PROMPT_BYTES = 1 << 20;

    private static String readPrompt(Path file) {
        if (!java.nio.file.Files.isRegularFile(file)) {
            throw new UsageException("--prompt-file " + file + " does not exist or is not a file");
        }
        byte[] bytes;
        try (InputStream in = java.nio.file.Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_PROMPT_BYTES + 1);
        } catch (IOException e) {
            throw new UsageException("cannot read --prompt-file " + file + ": " + e.getMessage());
        }
        if (bytes.length > MAX_PROMPT_BYTES) {
            throw new UsageException("--prompt-file " + file + " is larger than 1 MiB; a prompt is a few lines");
        }
        try {
            return java.nio.charset.StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                    .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (java.nio.charset.CharacterCodingException e) {
            throw new UsageException("--prompt-file " + file + " is not valid UTF-8 text");
        }
    }

    private static void putIfPresent(Map<String, Object> options, String key, Object value) {
        if (value != null) {
            options.put(key, value);
        }
    }

    private static void warnRefused(PluginCatalog catalog) {
        for (PluginEntry e : catalog.refused()) {
            terminal.err().println("nova: warning: " + e.problem().orElseThrow());
        }
    }

    /** How long a signal waits for training to stop and write its checkpoint (a step must end within it). */
    static final long STOP_WAIT_SECONDS = 120;

    /** Runs a long job so that Ctrl-C cancels it and waits for its checkpoint instead of killing it. */
    private static int withInterrupt(Cancellation cancel, Runnable job) {
        CountDownLatch done = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            cancel.cancel();
            try {
                if (!done.await(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                    terminal.err().println("nova: the plugin did not stop within " + STOP_WAIT_SECONDS + " s of the signal;"
                            + " exiting without a new checkpoint (the last one written is still in the run directory)");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "nova-interrupt");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            job.run();
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it waits for 'done', released above
            }
        }
        return cancel.isCancelled() ? 130 : 0;
    }

    static void printTable(PrintStream out, List<String[]> rows) {
        int[] widths = new int[rows.get(0).length];
        for (String[] r : rows) {
            for (int i = 0; i < r.length; i++) {
                widths[i] = Math.max(widths[i], r[i].length());
            }
        }
        for (String[] r : rows) {
            StringBuilder b = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                b.append(i == r.length - 1 ? r[i] : String.format("%-" + widths[i] + "s  ", r[i]));
            }
            out.println(b.toString().stripTrailing());
        }
    }
}
