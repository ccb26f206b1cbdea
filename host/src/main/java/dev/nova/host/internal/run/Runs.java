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
import java.nio.file.Path;
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
            long steps = c.getLong("nova.train.steps");
            long evalEvery = c.getLong("nova.train.eval-every");
            long logEvery = c.getLong("nova.train.log-every");
            int samples = c.getInt("nova.train.samples");
            List<String> bad = new ArrayList<>();
            if (steps < 1) {
                bad.add("nova.train.steps must be >= 1, found " + steps);
            }
            if (evalEvery < 1) {
                bad.add("nova.train.eval-every must be >= 1, found " + evalEvery);
            }
            if (logEvery < 1) {
                bad.add("nova.train.log-every must be >= 1, found " + logEvery);
            }
            if (samples < 0) {
                bad.add("nova.train.samples must be >= 0, found " + samples);
            }
            if (!bad.isEmpty()) {
                throw new dev.nova.host.internal.config.ConfigErrors(bad);
            }
            return new TrainSettings(c.getLong("nova.seed"), steps, evalEvery, logEvery, samples,
                    c.getObject("nova.train.sample-options").unwrapped());
        }
    }

    /**
     * Trains a new model.
     *
     * @param pluginId the plugin
     * @param effective the validated configuration
     * @param baseDirectory where relative config paths are resolved
     * @param runDir an explicit run directory, or empty for a new one under {@code nova.runs-dir}
     * @param cancel set to stop early (Ctrl-C); the latest checkpoint is still written
     * @return the run directory
     */
    public RunDirectory train(String pluginId, Config effective, Path baseDirectory, Optional<Path> runDir,
                              Cancellation cancel) {
        GeneratorProvider provider = catalog.require(pluginId);
        TrainSettings settings = TrainSettings.of(effective);
        Config runConfig = runConfig(effective, pluginId);
        RunDirectory run = runDir.map(RunDirectory::open)
                .orElseGet(() -> RunDirectory.create(Path.of(effective.getString("nova.runs-dir")), pluginId));
        writeText(run.config(), "# Effective configuration of this run, with the origin of each value.\n"
                + runConfig.root().render(ConfigRenderOptions.defaults().setOriginComments(true).setJson(false)));
        terminal.err().println("nova: training '" + pluginId + "' for " + settings.steps() + " steps; run directory "
                + run.root());
        ModelContext ctx = ModelContext.of(settings.seed(), run.work().toAbsolutePath(), baseDirectory.toAbsolutePath());
        Config pluginConfig = pluginSubtree(runConfig, pluginId);
        try (GenerativeModel model = PluginCalls.call(pluginId, provider.getClass(), "create",
                () -> provider.create(pluginConfig, ctx))) {
            loop(provider, model, runConfig, baseDirectory, run, settings, Double.NaN, cancel);
        }
        return run;
    }

    /**
     * Resumes a run from its latest checkpoint, exactly where it stopped.
     *
     * @param runDirectory the run directory
     * @param steps a new total step count, or empty to keep the run's
     * @param cancel set to stop early
     * @return the run directory
     */
    public RunDirectory resume(Path runDirectory, Optional<Long> steps, Cancellation cancel) {
        Checkpoint ckpt = Checkpoint.read(RunDirectory.latest(runDirectory));
        String pluginId = ckpt.pluginId();
        GeneratorProvider provider = requireFor(ckpt);
        Config runConfig = ckpt.config();
        if (steps.isPresent()) {
            runConfig = ConfigFactory.parseMap(Map.of("nova.train.steps", steps.get()), "--steps").withFallback(runConfig);
        }
        TrainSettings settings = TrainSettings.of(runConfig);
        RunDirectory run = RunDirectory.open(runDirectory);
        Path base = Path.of(ckpt.manifest().getProperty("base-directory", "."));
        ModelContext ctx = ModelContext.of(settings.seed(), run.work().toAbsolutePath(), base);
        GenerativeModel restored = restore(provider, pluginId, ckpt, ctx);
        terminal.err().println("nova: resuming '" + pluginId + "' at step " + restored.step() + " of "
                + settings.steps() + "; run directory " + run.root());
        try (GenerativeModel model = restored) {
            loop(provider, model, runConfig, base, run, settings, ckpt.bestLoss(), cancel);
        }
        return run;
    }

    private void loop(GeneratorProvider provider, GenerativeModel model, Config runConfig, Path base, RunDirectory run,
                      TrainSettings s, double bestSoFar, Cancellation cancel) {
        PluginInfo info = provider.info();
        String id = info.id();
        double best = bestSoFar;
        LossPlot plot = LossPlot.from(run.metrics());
        Progress progress = new Progress(s, model.step(), plot);
        try (BufferedWriter metrics = Files.newBufferedWriter(run.metrics(), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
            while (model.step() < s.steps() && !cancel.isCancelled()) {
                long target = Math.min(s.steps(), (model.step() / s.evalEvery() + 1) * s.evalEvery());
                TrainingRequest request = new TrainingRequest(target - model.step(), cancel);
                TrainingResult result = PluginCalls.call(id, provider.getClass(), "train",
                        () -> model.train(request, e -> progress.onStep(e, metrics)));
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
                    Map<String, Object> rec = new LinkedHashMap<>();
                    rec.put("step", model.step());
                    rec.put("eval", m);
                    String line = Json.object(rec);
                    writeLine(metrics, line);
                    plot.accept(line);
                    plot.write(run.lossPlot(), id + " (" + run.root().getFileName() + ")");
                    terminal.err().printf("eval step %d | held-out %s%s%n", model.step(), format(m),
                            improved ? " | best" : "");
                    save(model, info, runConfig, base, run.latestCheckpoint(), best);
                    if (improved) {
                        Files.copy(run.latestCheckpoint(), run.bestCheckpoint().resolveSibling(".best.ckpt.tmp"),
                                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                        Files.move(run.bestCheckpoint().resolveSibling(".best.ckpt.tmp"), run.bestCheckpoint(),
                                java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
                    }
                    writeSamples(provider, model, info, run, s);
                }
            }
            if (cancel.isCancelled()) {
                save(model, info, runConfig, base, run.latestCheckpoint(), best);
                terminal.err().println("nova: interrupted at step " + model.step() + "; checkpoint written; continue with"
                        + " 'nova resume " + run.root() + "'");
            } else {
                terminal.err().println("nova: done at step " + model.step() + "; best held-out loss "
                        + String.format("%.4f", best) + "; checkpoints in " + run.checkpoints());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write to run directory " + run.root() + ": " + e.getMessage(), e);
        }
    }

    private void writeSamples(GeneratorProvider provider, GenerativeModel model, PluginInfo info, RunDirectory run,
                              TrainSettings s) {
        if (s.samples() == 0) {
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
        PluginInfo info = provider.info();
        Path work = tempWork();
        ModelContext ctx = ModelContext.of(ckpt.config().getLong("nova.seed"), work,
                Path.of(ckpt.manifest().getProperty("base-directory", ".")));
        String prompt = request.options().getOrDefault(GenerationRequest.PROMPT, "").toString();
        boolean[] streamed = {false};
        int[] current = {-1};
        GenerationListener stream = (i, text) -> {
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
        };
        GenerationRequest req = info.modality() == dev.nova.api.Modality.TEXT
                ? new GenerationRequest(request.count(), request.seed(), request.options(), stream) : request;
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
        String id = provider.info().id();
        Path work = tempWork();
        ModelContext ctx = ModelContext.of(ckpt.config().getLong("nova.seed"), work,
                Path.of(ckpt.manifest().getProperty("base-directory", ".")));
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
        if (id == null || catalog.find(id).isEmpty()) {
            throw new UsageException("checkpoint " + ckpt.file() + " was written by plugin '" + id
                    + "', which is not installed (see 'nova plugins')");
        }
        return catalog.require(id);
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

    private static void save(GenerativeModel model, PluginInfo info, Config runConfig, Path base, Path file, double best) {
        Properties m = new Properties();
        m.setProperty("plugin", info.id());
        m.setProperty("plugin-version", info.version());
        m.setProperty("step", Long.toString(model.step()));
        m.setProperty("seed", Long.toString(runConfig.getLong("nova.seed")));
        m.setProperty("best-loss", Double.toString(best));
        m.setProperty("base-directory", base.toAbsolutePath().toString());
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
        try {
            Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp");
            Files.writeString(tmp, text, StandardCharsets.UTF_8);
            Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file + ": " + e.getMessage(), e);
        }
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
