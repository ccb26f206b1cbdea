package dev.nova.host.internal.run;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import dev.nova.api.Cancellation;
import dev.nova.api.EvaluationRequest;
import dev.nova.api.GenerationListener;
import dev.nova.api.GenerationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.GeneratorProvider;
import dev.nova.api.ModelContext;
import dev.nova.api.PluginException;
import dev.nova.api.PluginInfo;
import dev.nova.api.Sample;
import dev.nova.api.StepEvent;
import dev.nova.api.TrainingRequest;
import dev.nova.api.TrainingResult;
import dev.nova.host.internal.UsageException;
import dev.nova.host.internal.discovery.PluginCatalog;
import jakarta.inject.Inject;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;

/**
 * The host's run verbs: train, resume, generate, evaluate. The host owns the loop, the files and the seeds;
 * plugins are reached only through the SPI.
 */
public final class Runs {

    private final PluginCatalog catalog;
    private final Terminal terminal;

    /**
     * Creates the service.
     *
     * @param catalog the discovered plugins
     * @param terminal where to write
     */
    @Inject
    public Runs(PluginCatalog catalog, Terminal terminal) {
        this.catalog = catalog;
        this.terminal = terminal;
    }

    /** The host settings of a training run, read eagerly from {@code nova.*}. */
    record TrainSettings(long seed, long steps, long evalEvery, long logEvery, int samples, Map<String, Object> sampleOptions) {
        static TrainSettings of(Config c) {
            dev.nova.host.internal.config.ConfigLoader.checkHostRanges(c);
            long steps = c.getLong("nova.train.steps");
            long evalEvery = c.getLong("nova.train.eval-every");
            long logEvery = c.getLong("nova.train.log-every");
            int samples = c.getInt("nova.train.samples");
            return new TrainSettings(c.getLong("nova.seed"), steps, evalEvery, logEvery, samples,
                    c.getObject("nova.train.sample-options").unwrapped());
        }
    }

    /**
     * Trains a new model. Everything that can be checked is checked before the run directory exists; a run
     * directory this call created is removed again if the model cannot be created.
     *
     * @param pluginId the plugin
     * @param effective the validated configuration
     * @param baseDirectory where relative config paths are resolved
     * @param runDir an explicit run directory (it must not exist, or be empty), or empty for a new one under
     *     {@code nova.runs-dir}
     * @param cancel set to stop early (Ctrl-C); the latest checkpoint is still written
     * @return the run directory
     */
    public RunDirectory train(String pluginId, Config effective, Path baseDirectory, Optional<Path> runDir,
                              Cancellation cancel) {
        return train(pluginId, effective, baseDirectory, runDir, 0, cancel);
    }

    /**
     * Trains a new model, data-parallel on a cluster when {@code shards > 0} (see {@link ClusterTraining}).
     *
     * @param pluginId the plugin
     * @param effective the validated configuration
     * @param baseDirectory where relative config paths are resolved
     * @param runDir an explicit run directory, or empty for a new one
     * @param shards slices per step on the cluster, or 0 to train in this process
     * @param cancel set to stop early
     * @return the run directory
     */
    public RunDirectory train(String pluginId, Config effective, Path baseDirectory, Optional<Path> runDir, int shards,
                              Cancellation cancel) {
        GeneratorProvider provider = catalog.require(pluginId);
        TrainSettings settings = TrainSettings.of(effective);
        Config runConfig = runConfig(effective, pluginId);
        Config pluginConfig = pluginSubtree(runConfig, pluginId);
        dev.nova.host.internal.config.ConfigLoader.validateForRun(effective, pluginId, provider, baseDirectory.toAbsolutePath());
        boolean existed = runDir.isPresent() && Files.exists(runDir.get());
        RunDirectory run = runDir.map(RunDirectory::fresh)
                .orElseGet(() -> RunDirectory.create(Path.of(effective.getString("nova.runs-dir")), pluginId));
        boolean started = false;
        try (RunDirectory.Lock lock = run.lock()) {
            ModelContext ctx = ModelContext.of(settings.seed(), run.work().toAbsolutePath(), baseDirectory.toAbsolutePath());
            GenerativeModel model = PluginCalls.call(pluginId, provider.getClass(), "create",
                    () -> provider.create(pluginConfig, ctx));
            try (model) {
                if (model == null) {
                    throw new PluginException(pluginId, "create returned null");
                }
                probeSampleOptions(pluginId, provider, model, settings);
                Properties provenance = Provenance.of(catalog.find(pluginId).orElseThrow(), pluginConfig, baseDirectory);
                ClusterTraining cluster = shards > 0 ? ClusterTraining.start(pluginId, model, pluginConfig, settings.seed(),
                        baseDirectory, provenance, shards) : null;
                started = true;
                writeText(run.config(), "# Effective configuration of this run, with the origin of each value.\n"
                        + runConfig.root().render(ConfigRenderOptions.defaults().setOriginComments(true).setJson(false)));
                terminal.err().println("nova: training '" + pluginId + "' for " + settings.steps() + " steps"
                        + (cluster == null ? "" : " on the cluster, " + shards + " slices a step") + "; run directory " + run.root());
                loop(provider, model, runConfig, baseDirectory, run, settings, Double.NaN, provenance, cluster, cancel);
            }
        } finally {
            if (!started) {
                if (existed) {
                    try (var s = Files.list(run.root())) {
                        for (Path p : s.toList()) {
                            new RunDirectory(p).discard();
                        }
                    } catch (IOException ignored) {
                        // best effort
                    }
                } else {
                    run.discard();
                }
            }
        }
        return run;
    }

    /**
     * The sample options are generation options the host cannot check; one sample is drawn before training so
     * that a bad value fails now, before a run exists, instead of at every evaluation and every resume.
     */
    private static void probeSampleOptions(String id, GeneratorProvider provider, GenerativeModel model, TrainSettings s) {
        if (s.samples() == 0) {
            return;
        }
        try {
            PluginCalls.call(id, provider.getClass(), "generate", () -> model.generate(
                    new GenerationRequest(1, s.seed(), s.sampleOptions(), GenerationListener.NONE)));
        } catch (dev.nova.api.InvalidOptionException e) {
            throw new UsageException("nova.train.sample-options: " + e.getMessage());
        }
    }

    /**
     * Resumes a run from its latest checkpoint, exactly where it stopped.
     *
     * @param runDirectory the run directory
     * @param steps a new total step count, or empty to keep the run's
     * @param cancel set to stop early
     * @return the run directory
     * @throws UsageException if the run has nothing left to do (it is at or past the total)
     */
    public RunDirectory resume(Path runDirectory, Optional<Long> steps, Cancellation cancel) {
        return resume(runDirectory, steps, 0, cancel);
    }

    /**
     * Resumes a run, data-parallel on a cluster when {@code shards > 0} (see {@link ClusterTraining}).
     *
     * @param runDirectory the run directory
     * @param steps a new total step count, or empty to keep the run's
     * @param shards slices per step on the cluster, or 0 to train in this process
     * @param cancel set to stop early
     * @return the run directory
     */
    public RunDirectory resume(Path runDirectory, Optional<Long> steps, int shards, Cancellation cancel) {
        if (!Files.isDirectory(runDirectory)) {
            throw new UsageException("run directory " + runDirectory + " does not exist");
        }
        RunDirectory run = RunDirectory.open(runDirectory);
        try (RunDirectory.Lock lock = run.lock()) {
            Checkpoint ckpt = Checkpoint.read(RunDirectory.latest(runDirectory));
            String pluginId = ckpt.pluginId();
            GeneratorProvider provider = requireFor(ckpt);
            Config runConfig = ckpt.config();
            long total = steps.orElseGet(() -> runConfig.getLong("nova.train.steps"));
            if (steps.isPresent() && steps.get() < 1) {
                throw new UsageException("--steps must be >= 1, found " + steps.get());
            }
            if (total <= ckpt.step()) {
                throw new UsageException("run " + runDirectory + " is at step " + ckpt.step() + " of " + total
                        + "; nothing to resume. --steps is the new total number of steps: give more than " + ckpt.step());
            }
            Config config = steps.isPresent()
                    ? ConfigFactory.parseMap(Map.of("nova.train.steps", steps.get()), "--steps").withFallback(runConfig)
                    : runConfig;
            TrainSettings settings = TrainSettings.of(config);
            Path base = baseOf(ckpt);
            dev.nova.host.internal.config.ConfigLoader.validateForRun(config, pluginId, provider, base);
            ModelContext ctx = ModelContext.of(settings.seed(), run.work().toAbsolutePath(), base);
            GenerativeModel restored = restore(provider, pluginId, ckpt, ctx);
            terminal.err().println("nova: resuming '" + pluginId + "' at step " + restored.step() + " of "
                    + settings.steps() + "; run directory " + run.root());
            Properties provenance = Provenance.of(catalog.find(pluginId).orElseThrow(), pluginSubtree(config, pluginId), base);
            try (GenerativeModel model = restored) {
                ClusterTraining cluster = shards > 0 ? ClusterTraining.start(pluginId, model, pluginSubtree(config, pluginId),
                        settings.seed(), base, provenance, shards) : null;
                loop(provider, model, config, base, run, settings, ckpt.bestLoss(), provenance, cluster, cancel);
            }
        }
        return run;
    }

    private void loop(GeneratorProvider provider, GenerativeModel model, Config runConfig, Path base, RunDirectory run,
                      TrainSettings s, double bestSoFar, Properties provenance, ClusterTraining cluster,
                      Cancellation cancel) {
        PluginInfo info = info(provider);
        String id = info.id();
        double best = bestSoFar;
        LossPlot plot = LossPlot.from(run.metrics());
        Progress progress = new Progress(s, model.step(), plot);
        long saved = -1;
        try (BufferedWriter metrics = Files.newBufferedWriter(run.metrics(), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND, LinkOption.NOFOLLOW_LINKS)) {
            try {
                while (model.step() < s.steps() && !cancel.isCancelled()) {
                    long target = Math.min(s.steps(), (model.step() / s.evalEvery() + 1) * s.evalEvery());
                    TrainingRequest request = new TrainingRequest(target - model.step(), cancel);
                    TrainingResult result = PluginCalls.call(id, provider.getClass(), "train", () -> cluster == null
                            ? model.train(request, e -> progress.onStep(e, metrics))
                            : cluster.train(model, request, e -> progress.onStep(e, metrics)));
                    if (result.cancelled() || cancel.isCancelled()) {
                        break;
                    }
                    if (model.step() % s.evalEvery() == 0 || model.step() >= s.steps()) {
                        Map<String, Double> m = PluginCalls.call(id, provider.getClass(), "evaluate",
                                () -> model.evaluate(EvaluationRequest.heldOut(s.seed())));
                        double loss = m.getOrDefault(GenerativeModel.LOSS, Double.NaN);
                        boolean improved = Double.isNaN(best) || loss < best;
                        if (improved) {
                            best = loss;
                        }
                        // The checkpoint first: whatever happens after (a signal, a full disk), it is on disk.
                        save(model, info, runConfig, base, provenance, run.latestCheckpoint(), best);
                        saved = model.step();
                        if (improved) {
                            Path tmp = run.bestCheckpoint().resolveSibling(".best.ckpt.tmp");
                            Files.copy(run.latestCheckpoint(), tmp, StandardCopyOption.REPLACE_EXISTING);
                            Files.move(tmp, run.bestCheckpoint(), StandardCopyOption.REPLACE_EXISTING,
                                    StandardCopyOption.ATOMIC_MOVE);
                        }
                        Map<String, Object> rec = new LinkedHashMap<>();
                        rec.put("step", model.step());
                        rec.put("eval", m);
                        String line = Json.object(rec);
                        writeLine(metrics, line);
                        plot.accept(line);
                        terminal.err().printf("eval step %d | held-out %s%s%n", model.step(), format(m),
                                improved ? " | best" : "");
                        if (!cancel.isCancelled()) {
                            drawPlot(plot, run, id, cancel);
                            writeSamples(provider, model, info, run, s, cancel);
                        }
                    }
                }
            } catch (RuntimeException | Error e) {
                if (!cancel.isCancelled()) {
                    throw e;
                }
                // Interrupted while something failed (the JVM refuses new work during shutdown): the checkpoint
                // below is what matters now.
                terminal.err().println("nova: warning: " + oneLine(e) + " (while stopping)");
            }
            if (cancel.isCancelled()) {
                if (model.step() != saved) {
                    save(model, info, runConfig, base, provenance, run.latestCheckpoint(), best);
                }
                terminal.err().println("nova: interrupted at step " + model.step() + "; checkpoint " + run.latestCheckpoint()
                        + " written; continue with 'nova resume " + run.root() + "'");
            } else {
                terminal.err().println("nova: done at step " + model.step() + "; best held-out loss "
                        + String.format("%.4f", best) + "; checkpoints in " + run.checkpoints());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to run directory " + run.root() + ": " + e.getMessage(), e);
        }
    }

    /** The loss chart is a convenience: a failure to draw it is a warning, never the end of a run. */
    private void drawPlot(LossPlot plot, RunDirectory run, String id, Cancellation cancel) {
        try {
            plot.write(run.lossPlot(), id + " (" + run.root().getFileName() + ")");
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError && !(e instanceof OutOfMemoryError)) {
                throw e;
            }
            if (!cancel.isCancelled()) {
                terminal.err().println("nova: warning: could not draw " + run.lossPlot() + ": " + oneLine(e));
            }
        }
    }

    private static String oneLine(Throwable e) {
        String m = e instanceof PluginException || e instanceof UncheckedIOException || e instanceof UsageException
                ? e.getMessage() : e.getClass().getSimpleName() + ": " + e.getMessage();
        return String.valueOf(m).replaceAll("\\s*\\R\\s*", " ");
    }

    private void writeSamples(GeneratorProvider provider, GenerativeModel model, PluginInfo info, RunDirectory run,
                              TrainSettings s, Cancellation cancel) {
        if (s.samples() == 0 || cancel.isCancelled()) {
            return;
        }
        GenerationRequest req = new GenerationRequest(s.samples(), s.seed(), s.sampleOptions(), GenerationListener.NONE);
        List<Sample> samples = PluginCalls.call(info.id(), provider.getClass(), "generate", () -> model.generate(req));
        String name = String.format("step-%08d", model.step());
        switch (info.modality()) {
            case TEXT -> {
                StringBuilder b = new StringBuilder();
                for (Sample smp : samples) {
                    if (smp instanceof Sample.Text t) {
                        b.append(t.text()).append("\n\n");
                    }
                }
                writeText(run.samples().resolve(name + ".txt"), b.toString());
                String first = samples.get(0) instanceof Sample.Text t ? t.text() : "";
                terminal.err().println("sample | " + first.replace("\n", "\n       | "));
            }
            case IMAGE -> Images.writeGrid(images(samples), run.samples().resolve(name + ".png"));
        }
    }

    /**
     * Generates samples from a checkpoint. Text is streamed to standard output as it is produced; images are
     * written as a PNG grid (and one PNG per sample when {@code eachDir} is given).
     *
     * @param checkpoint a checkpoint file or run directory
     * @param request what to generate
     * @param gridFile where image grids go
     * @param eachDir where single images go, if wanted
     * @return the samples
     */
    public List<Sample> generate(Path checkpoint, GenerationRequest request, Path gridFile, Optional<Path> eachDir) {
        Checkpoint ckpt = Checkpoint.read(checkpoint);
        GeneratorProvider provider = requireFor(ckpt);
        PluginInfo info = info(provider);
        Path work = tempWork();
        ModelContext ctx = ModelContext.of(ckpt.config().getLong("nova.seed"), work,
                baseOf(ckpt));
        String prompt = request.options().getOrDefault(GenerationRequest.PROMPT, "").toString();
        boolean[] streamed = {false};
        int[] current = {-1};
        GenerationListener stream = new GenerationListener() {
            @Override
            public void onText(int i, String text) {
                if (i != current[0]) {
                    if (current[0] >= 0) {
                        terminal.out().print("\n\n");
                    }
                    current[0] = i;
                    terminal.out().print(prompt);
                }
                streamed[0] = true;
                terminal.out().print(text);
                terminal.out().flush();
            }

            @Override
            public void onNotice(String message) {
                terminal.err().println("nova: notice: " + message.replaceAll("\\s*\\R\\s*", " "));
            }
        };
        GenerationRequest req = info.modality() == dev.nova.api.Modality.TEXT ? new GenerationRequest(request.count(),
                request.seed(), request.options(), stream) : new GenerationRequest(request.count(), request.seed(),
                request.options(), new GenerationListener() {
                    @Override
                    public void onText(int i, String text) {
                        // images do not stream
                    }

                    @Override
                    public void onNotice(String message) {
                        terminal.err().println("nova: notice: " + message.replaceAll("\\s*\\R\\s*", " "));
                    }
                });
        try (GenerativeModel model = restore(provider, info.id(), ckpt, ctx)) {
            List<Sample> samples = PluginCalls.call(info.id(), provider.getClass(), "generate", () -> model.generate(req));
            if (info.modality() == dev.nova.api.Modality.TEXT) {
                if (streamed[0]) {
                    terminal.out().println();
                } else {
                    for (int i = 0; i < samples.size(); i++) {
                        terminal.out().print((i > 0 ? "\n\n" : "") + ((Sample.Text) samples.get(i)).text());
                    }
                    terminal.out().println();
                }
            } else {
                List<Sample.Image> images = images(samples);
                Images.writeGrid(images, gridFile);
                terminal.err().println("nova: wrote " + images.size() + (images.size() == 1 ? " image to " : " images to ")
                        + gridFile);
                if (eachDir.isPresent()) {
                    for (int i = 0; i < images.size(); i++) {
                        Images.writeOne(images.get(i), eachDir.get().resolve(String.format("sample-%04d.png", i)));
                    }
                    terminal.err().println("nova: wrote " + images.size() + (images.size() == 1 ? " PNG file to " : " PNG files to ")
                            + eachDir.get());
                }
            }
            return samples;
        } finally {
            deleteQuietly(work);
        }
    }

    /**
     * Evaluates a checkpoint.
     *
     * @param checkpoint a checkpoint file or run directory
     * @param request what to evaluate on
     * @return the metrics, also printed
     */
    public Map<String, Double> evaluate(Path checkpoint, EvaluationRequest request) {
        Checkpoint ckpt = Checkpoint.read(checkpoint);
        GeneratorProvider provider = requireFor(ckpt);
        String id = info(provider).id();
        Path work = tempWork();
        ModelContext ctx = ModelContext.of(ckpt.config().getLong("nova.seed"), work,
                baseOf(ckpt));
        try (GenerativeModel model = restore(provider, id, ckpt, ctx)) {
            Map<String, Double> m = PluginCalls.call(id, provider.getClass(), "evaluate", () -> model.evaluate(request));
            m.forEach((k, v) -> terminal.out().printf("%-24s %.6f%n", k, v));
            return m;
        } finally {
            deleteQuietly(work);
        }
    }

    private GeneratorProvider requireFor(Checkpoint ckpt) {
        String id = ckpt.pluginId();
        Properties m = ckpt.manifest();
        if (id == null || catalog.find(id).isEmpty()) {
            String from = m.getProperty("plugin-location");
            String dir = m.getProperty("plugin-path");
            throw new UsageException("checkpoint " + ckpt.file() + " was written by plugin '" + id + "'"
                    + (from == null ? "" : " from " + from) + ", which is not installed"
                    + (dir != null && !Files.isDirectory(Path.of(dir))
                            ? " (its plugin folder " + dir + " no longer exists); give the folder that holds it with --plugin-path DIR"
                            : "; give the folder that holds it with --plugin-path DIR (see 'nova plugins')"));
        }
        var entry = catalog.find(id).orElseThrow();
        String recorded = m.getProperty("plugin-sha256");
        if (recorded != null && Files.isRegularFile(Path.of(entry.location()))) {
            String now = Provenance.sha256(Path.of(entry.location()));
            if (!recorded.equals(now)) {
                terminal.err().println("nova: warning: plugin '" + id + "' (" + entry.location() + ", version "
                        + entry.info().map(PluginInfo::version).orElse("?") + ") is not the jar this checkpoint was written"
                        + " with (version " + m.getProperty("plugin-version", "?") + ", SHA-256 " + recorded.substring(0,
                        Math.min(12, recorded.length())) + "...)");
            }
        }
        return entry.provider().orElseThrow();
    }

    private static GenerativeModel restore(GeneratorProvider provider, String id, Checkpoint ckpt, ModelContext ctx) {
        Config pluginConfig = pluginSubtree(ckpt.config(), id);
        return PluginCalls.call(id, provider.getClass(), "restore", () -> {
            try (InputStream in = ckpt.openPayload()) {
                return provider.restore(pluginConfig, ctx, in);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /**
     * Where relative paths in a checkpoint's configuration resolve: the absolute base directory recorded at
     * training while it exists; else (a project moved or copied elsewhere with its runs) the base recorded relative
     * to the run folder, when that exists.
     */
    static Path baseOf(Checkpoint ckpt) {
        Path recorded = Path.of(ckpt.manifest().getProperty("base-directory", "."));
        String relative = ckpt.manifest().getProperty("base-directory-from-run");
        Path folder = ckpt.file().toAbsolutePath().getParent();
        if (!Files.isDirectory(recorded) && relative != null && folder != null && folder.getFileName() != null
                && folder.getFileName().toString().equals("checkpoints") && folder.getParent() != null) {
            try {
                Path candidate = folder.getParent().resolve(relative).normalize();
                if (Files.isDirectory(candidate)) {
                    return candidate;
                }
            } catch (java.nio.file.InvalidPathException ignored) {
                // a hand-edited manifest: fall back to the absolute base
            }
        }
        return recorded;
    }

    /** The metadata the plugin gave at discovery (info() is not called again: a bad plugin could hang there). */
    private PluginInfo info(GeneratorProvider provider) {
        return catalog.entries().stream().filter(e -> e.provider().orElse(null) == provider).findFirst()
                .flatMap(dev.nova.host.internal.discovery.PluginEntry::info).orElseThrow();
    }

    private static void save(GenerativeModel model, PluginInfo info, Config runConfig, Path base, Properties provenance,
                             Path file, double best) {
        Properties m = new Properties();
        m.putAll(provenance);
        m.setProperty("plugin", info.id());
        m.setProperty("plugin-version", info.version());
        m.setProperty("step", Long.toString(model.step()));
        m.setProperty("seed", Long.toString(runConfig.getLong("nova.seed")));
        m.setProperty("best-loss", Double.toString(best));
        m.setProperty("base-directory", base.toAbsolutePath().toString());
        Path runRoot = file.toAbsolutePath().getParent().getParent();
        try {
            // A run folder moved together with its data (a project copied elsewhere) still finds it.
            m.setProperty("base-directory-from-run", runRoot.relativize(base.toAbsolutePath()).toString().replace('\\', '/'));
        } catch (IllegalArgumentException differentRoots) {
            // another drive (Windows): only the absolute base is recorded
        }
        m.setProperty("created", java.time.Instant.now().toString());
        PluginCalls.call(info.id(), model.getClass(), "save", () -> {
            Checkpoint.write(file, m, runConfig, model::save);
            return null;
        });
    }

    static Config runConfig(Config effective, String pluginId) {
        Config nova = effective.withOnlyPath("nova");
        String p = "plugins." + pluginId;
        return effective.hasPath(p) ? nova.withFallback(effective.withOnlyPath(p)) : nova;
    }

    static Config pluginSubtree(Config config, String pluginId) {
        String p = "plugins." + pluginId;
        return config.hasPath(p) ? config.getConfig(p) : ConfigFactory.empty();
    }

    private static List<Sample.Image> images(List<Sample> samples) {
        List<Sample.Image> images = new ArrayList<>();
        for (Sample s : samples) {
            if (s instanceof Sample.Image i) {
                images.add(i);
            }
        }
        return images;
    }

    private static String format(Map<String, Double> m) {
        StringBuilder b = new StringBuilder();
        m.forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ").append(k).append(' ').append(String.format("%.4f", v)));
        return b.toString();
    }

    private static void writeText(Path file, String text) {
        AtomicFiles.write(text.getBytes(StandardCharsets.UTF_8), file);
    }

    private static void writeLine(BufferedWriter w, String line) throws IOException {
        w.write(line);
        w.newLine();
        w.flush();
    }

    private static Path tempWork() {
        try {
            return Files.createTempDirectory("nova-work");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a scratch directory: " + e.getMessage(), e);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (var s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // scratch space in the temp folder; the OS cleans what is left
        }
    }

    /** Prints progress lines (loss, throughput, ETA) and writes progress records to metrics.jsonl. */
    private final class Progress {
        private final TrainSettings s;
        private final long startStep;
        private final long startNanos = System.nanoTime();
        private long windowNanos = System.nanoTime();
        private long windowItems;
        private double windowLoss;
        private int windowSteps;
        private long lastStep;
        private final LossPlot plot;

        Progress(TrainSettings s, long startStep, LossPlot plot) {
            this.s = s;
            this.plot = plot;
            this.startStep = startStep;
            this.lastStep = startStep;
        }

        void onStep(StepEvent e, BufferedWriter metrics) {
            if (e.step() <= lastStep) {
                throw new IllegalStateException("plugin reported step " + e.step() + " after step " + lastStep);
            }
            lastStep = e.step();
            windowItems += e.items();
            windowLoss += e.loss();
            windowSteps++;
            if (e.step() % s.logEvery() != 0 && e.step() != s.steps()) {
                return;
            }
            long now = System.nanoTime();
            double secs = Math.max(1e-9, (now - windowNanos) / 1e9);
            double rate = windowItems / secs;
            double loss = windowLoss / windowSteps;
            double perStep = (now - startNanos) / 1e9 / Math.max(1, e.step() - startStep);
            Duration eta = Duration.ofSeconds(Math.round(perStep * (s.steps() - e.step())));
            terminal.err().printf("step %d/%d | loss %.4f | %s items/s | eta %s%n", e.step(), s.steps(), loss,
                    human(rate), eta.toString().substring(2).toLowerCase(java.util.Locale.ROOT));
            Map<String, Object> rec = new LinkedHashMap<>();
            rec.put("step", e.step());
            rec.put("loss", loss);
            rec.put("items_per_s", rate);
            rec.put("elapsed_s", (now - startNanos) / 1e9);
            if (!e.extras().isEmpty()) {
                rec.put("extras", e.extras());
            }
            try {
                String line = Json.object(rec);
                writeLine(metrics, line);
                plot.accept(line);
            } catch (IOException ex) {
                throw new UncheckedIOException(ex);
            }
            windowNanos = now;
            windowItems = 0;
            windowLoss = 0;
            windowSteps = 0;
        }

        private String human(double rate) {
            return rate >= 1000 ? String.format("%.1fk", rate / 1000) : String.format("%.0f", rate);
        }
    }
}
