package dev.nova.host.internal.cli;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import dev.nova.api.ApiVersion;
import dev.nova.api.Cancellation;
import dev.nova.api.EvaluationRequest;
import dev.nova.api.PluginInfo;
import dev.nova.api.Tuning;
import dev.nova.host.internal.config.ConfigLoader;
import dev.nova.host.internal.config.ConfigSource;
import dev.nova.host.internal.di.HostComponent;
import dev.nova.host.internal.discovery.PluginCatalog;
import dev.nova.host.internal.discovery.PluginEntry;
import dev.nova.host.internal.plan.Invocation;
import dev.nova.host.internal.plan.PluginFinder;
import dev.nova.host.internal.run.ClusterEngine;
import dev.nova.host.internal.run.Evaluator;
import dev.nova.host.internal.run.TrainingRun;
import dev.nova.host.internal.store.Checkpoint;
import dev.nova.host.internal.store.Lineage;
import dev.nova.host.internal.support.Terminal;
import dev.nova.host.internal.support.UsageException;
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
        footer = {"", "Exit codes: 0 success, 1 runtime failure, 2 usage or configuration error, 3 nova tck: rules not exercised,",
                "4 nova evaluate --gates: a quality gate failed, 130 interrupted by Ctrl-C (SIGINT), 143 stopped by SIGTERM.",
                "Run 'nova help <command>' for a command's options."})
public final class NovaCommand implements Runnable {

    /**
     * The subcommands, in the order help lists them. Not in the annotation: picocli builds the model of every
     * subcommand it is given by reflection, which took about a third of a short command's start-up, so {@link Cli}
     * gives it only the one the arguments name (all of them for help, a typo's suggestion, or no command).
     */
    static final List<Class<?>> SUBCOMMANDS = List.of(NovaCommand.Plugins.class, NovaCommand.ConfigCmd.class,
            NovaCommand.Train.class, NovaCommand.Resume.class, GenerateCommand.class, NovaCommand.Evaluate.class,
            NovaCommand.Inspect.class, NovaCommand.ReportCmd.class, ServeCommand.class, TckCommand.class,
            TokenizeCommand.class, ImportCommand.class, ExportCommand.class, CommandLine.HelpCommand.class);

    @Option(names = "--debug", scope = CommandLine.ScopeType.INHERIT,
            description = "Print stack traces of errors.")
    boolean debug;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    final Terminal terminal;
    private final Optional<ClusterEngine> engine;

    /**
     * Creates the command line of one process.
     *
     * @param terminal where to write
     * @param engine a cluster launcher's engine, when the host runs inside one
     */
    NovaCommand(Terminal terminal, Optional<ClusterEngine> engine) {
        this.terminal = terminal;
        this.engine = engine;
    }

    /** The graph of one command. */
    HostComponent component(Invocation invocation) {
        return HostComponent.factory().create(invocation, terminal, ConfigSource.hocon(), PluginFinder.modules(), engine);
    }

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
                description = "Override one setting, for example --set plugins.text-gru.model.hidden=512 (repeatable).")
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
            return dev.nova.host.internal.support.HostVersion.version();
        }
    }

    @Command(name = "plugins", mixinStandardHelpOptions = true, description = "List the plugins found, loaded or refused, and why.")
    static final class Plugins implements java.util.concurrent.Callable<Integer> {
        @Mixin
        PluginPath pluginPath;

        @CommandLine.ParentCommand
        NovaCommand nova;

        @Override
        public Integer call() {
            Terminal terminal = nova.terminal;
            PluginCatalog catalog = nova.component(Invocation.list(pluginPath.get())).catalog();
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

        @CommandLine.ParentCommand
        NovaCommand nova;

        @Override
        public Integer call() {
            HostComponent c = nova.component(Invocation.config(plugin, Optional.ofNullable(conf), overrides.sets,
                    pluginPath.get()));
            c.catalog().require(plugin);
            Config effective = c.planner().effective();
            Config shown = effective.withOnlyPath("plugins." + plugin).withFallback(effective.withOnlyPath("nova"));
            nova.terminal.out().println(shown.root().render(ConfigRenderOptions.defaults()
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

        @Option(names = "--init-from", paramLabel = "RUN_DIR|CHECKPOINT", description = "Fine-tune: start from this run's"
                + " latest checkpoint (or this checkpoint) instead of fresh parameters (sets nova.init-from).")
        Path initFrom;

        @Mixin
        Overrides overrides;

        @Mixin
        PluginPath pluginPath;

        @CommandLine.ParentCommand
        NovaCommand nova;

        @Override
        public Integer call() {
            int shards = shards(clusterShards);
            List<String> sets = new ArrayList<>(overrides.sets);
            if (initFrom != null) {
                sets.add(0, ConfigLoader.fromOption("--init-from", "nova.init-from",
                        com.typesafe.config.ConfigUtil.quoteString(initFrom.toAbsolutePath().toString())));
            }
            HostComponent c = nova.component(Invocation.train(Optional.ofNullable(runFile), Optional.ofNullable(plugin),
                    Optional.ofNullable(runDir), shards, sets, pluginPath.get()));
            nova.warnRefused(c.catalog());
            TrainingRun training = c.training();
            Cancellation cancel = new Cancellation();
            return nova.withInterrupt(cancel, () -> training.start(cancel));
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

        @CommandLine.ParentCommand
        NovaCommand nova;

        @Override
        public Integer call() {
            int shards = shards(clusterShards);
            TrainingRun training = nova.component(Invocation.resume(runDir, Optional.ofNullable(steps), shards,
                    pluginPath.get())).training();
            Cancellation cancel = new Cancellation();
            return nova.withInterrupt(cancel, () -> training.resume(cancel));
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

        @Option(names = "--quality", description = "Also measure sample quality (text: copy rates, longest copied span,"
                + " distinct-n, repetition), each next to the same figure on held-out real text.")
        boolean quality;

        @Option(names = "--samples", paramLabel = "N", description = "Samples for --quality (default: nova.quality.samples).")
        Integer samples;

        @Option(names = "--gates", description = "Check the run's quality gates (nova.gates) and --gate ones; exit code 4"
                + " when one fails.")
        boolean gates;

        @Option(names = "--gate", paramLabel = "GATE", description = "A gate to check besides nova.gates, for example"
                + " \"copy-rate-8 < 0.5\" (repeatable; implies --gates).")
        List<String> gate = new ArrayList<>();

        @Mixin
        PluginPath pluginPath;

        @CommandLine.ParentCommand
        NovaCommand nova;

        @Override
        public Integer call() {
            if (samples != null && (samples < 1 || samples > 10_000)) {
                throw new UsageException("--samples must be between 1 and 10000, found " + samples);
            }
            return nova.component(Invocation.read(checkpoint, pluginPath.get())).evaluator()
                    .evaluate(new EvaluationRequest(Optional.ofNullable(data).map(Path::toAbsolutePath),
                            seed, Map.copyOf(options)), new Evaluator.Checks(quality, samples == null ? 0 : samples,
                            gates || !gate.isEmpty(), gate), new LinkedHashMap<>());
        }
    }

    @Command(name = "inspect", mixinStandardHelpOptions = true, description = "Verify a checkpoint (every entry against"
            + " its SHA-256) and print its provenance: versions, plugin jar, data fingerprints, seed, step, lineage. Loads no plugin unless --parameters.")
    static final class Inspect implements java.util.concurrent.Callable<Integer> {
        @Parameters(index = "0", paramLabel = "CHECKPOINT", description = "A checkpoint file or a run directory (its latest checkpoint).")
        Path checkpoint;

        @Option(names = "--config", description = "Also print the effective configuration saved in the checkpoint.")
        boolean config;

        @Option(names = "--parameters", description = "Also list the model's parameters (names, shapes, counts): the names"
                + " nova.finetune.freeze patterns match. Loads the plugin.")
        boolean parameters;

        @Mixin
        PluginPath pluginPath;

        @CommandLine.ParentCommand
        NovaCommand nova;

        @Override
        public Integer call() {
            Checkpoint c = Checkpoint.read(checkpoint);
            PrintStream out = nova.terminal.out();
            out.println("checkpoint  " + c.file());
            out.println("verified    " + (c.manifest().get("entry.payload.bin.sha256").isEmpty()
                    ? "zip CRCs only (format " + c.manifest().get("format").orElse("?") + " has no entry digests)"
                    : "every entry matches its size and SHA-256 in the manifest"));
            List<String[]> rows = new ArrayList<>();
            c.manifest().properties().forEach((k, v) -> rows.add(new String[] {k, v}));
            printTable(out, rows);
            List<String> chain = Lineage.chain(c.manifest());
            if (!chain.isEmpty()) {
                out.println();
                out.println("lineage (this model was fine-tuned from)");
                chain.forEach(line -> out.println("  " + line));
            }
            if (parameters) {
                List<Tuning.Parameter> list = nova.component(Invocation.read(checkpoint, pluginPath.get()))
                        .parameterListing().parameters();
                out.println();
                List<String[]> table = new ArrayList<>();
                table.add(new String[] {"PARAMETER", "SHAPE", "VALUES"});
                long total = 0;
                for (Tuning.Parameter p : list) {
                    table.add(new String[] {p.name(), java.util.Arrays.stream(p.shape()).mapToObj(Long::toString)
                            .collect(java.util.stream.Collectors.joining("x")), Long.toString(p.count())});
                    total += p.count();
                }
                table.add(new String[] {"(" + list.size() + " parameters)", "", Long.toString(total)});
                printTable(out, table);
            }
            if (config) {
                out.println();
                out.println(c.config().root().render(ConfigRenderOptions.defaults().setOriginComments(false)
                        .setComments(false).setJson(false)));
            }
            return 0;
        }
    }

    @Command(name = "report", mixinStandardHelpOptions = true, description = "Write one self-contained HTML page of runs:"
            + " loss and metric charts (inline SVG), samples, gates, configuration and provenance; several runs are"
            + " overlaid and compared. Loads no plugin.")
    static final class ReportCmd implements java.util.concurrent.Callable<Integer> {
        @Parameters(arity = "1..*", paramLabel = "RUN_DIR", description = "Run directories.")
        List<Path> runs;

        @Option(names = "--out", paramLabel = "FILE", description = "The HTML file (default: report.html).")
        Path out = Path.of("report.html");

        @CommandLine.ParentCommand
        NovaCommand nova;

        @Override
        public Integer call() {
            Path written = dev.nova.host.internal.report.Report.write(runs, out);
            nova.terminal.out().println(written.toAbsolutePath());
            return 0;
        }
    }

    void warnRefused(PluginCatalog catalog) {
        for (PluginEntry e : catalog.refused()) {
            terminal.err().println("nova: warning: " + e.problem().orElseThrow());
        }
    }

    /** How long a signal waits for training to stop and write its checkpoint (a step must end within it). */
    static final long STOP_WAIT_SECONDS = 120;

    /** Runs a long job so that Ctrl-C cancels it and waits for its checkpoint instead of killing it. */
    private int withInterrupt(Cancellation cancel, Runnable job) {
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
