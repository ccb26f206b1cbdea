package dev.nova.host.internal.cli;

import dev.nova.api.OpenWeights;
import dev.nova.host.internal.di.HostComponent;
import dev.nova.host.internal.model.ModelLoader;
import dev.nova.host.internal.model.OpenModel;
import dev.nova.host.internal.plan.Invocation;
import dev.nova.host.internal.plan.RunPlan;
import dev.nova.host.internal.store.Checkpoint;
import dev.nova.host.internal.support.TemporaryPaths;
import dev.nova.host.internal.support.UsageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code nova export RUN}: a run's model written as published weights ({@code GeneratorProvider.openWeights()}'s
 * export), as one GGUF file or a Hugging Face folder. The plugin writes into a staging folder beside the target;
 * each file is then moved into place atomically, so that a stopped or failed export leaves the target as it was.
 */
@Command(name = "export", mixinStandardHelpOptions = true, description = "Write a run's model as published weights:"
        + " gguf (one file, for llama.cpp and Ollama) or safetensors (a Hugging Face folder: model.safetensors,"
        + " config.json, vocab.json, merges.txt).")
final class ExportCommand implements java.util.concurrent.Callable<Integer> {

    @Parameters(index = "0", paramLabel = "CHECKPOINT", description = "A checkpoint file or a run directory (its latest"
            + " checkpoint).")
    Path checkpoint;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "gguf", description = "gguf or safetensors"
            + " (default ${DEFAULT-VALUE}).")
    String format;

    @Option(names = "--precision", paramLabel = "TYPE", defaultValue = "f32", description = "f32 or f16 (default"
            + " ${DEFAULT-VALUE}; f16 halves the size, rounding each weight to the nearest half).")
    String precision;

    @Option(names = "--family", paramLabel = "FAMILY", description = "The published family to write (default: the one"
            + " the plugin writes, gpt2 for attention).")
    String family;

    @Option(names = "--out", paramLabel = "PATH", description = "The GGUF file, or the folder for safetensors (default:"
            + " export/FAMILY-PRECISION.gguf or export/FAMILY-PRECISION/ in the run's folder). An existing file is"
            + " replaced; a folder keeps its other files.")
    Path out;

    @Mixin
    NovaCommand.PluginPath pluginPath;

    @CommandLine.ParentCommand
    NovaCommand nova;

    @Override
    public Integer call() {
        OpenWeights.Format f = parse(OpenWeights.Format.class, format, "--format");
        OpenWeights.Precision p = parse(OpenWeights.Precision.class, precision, "--precision");
        HostComponent component = nova.component(Invocation.read(checkpoint, pluginPath.get()));
        ModelLoader loader = component.modelLoader();
        // What the plugin writes is asked before any weight is read.
        OpenWeights weights = loader.openWeights().orElse(null);
        Map<String, List<OpenWeights.Format>> writes = weights == null ? Map.of() : loader.exportFormats(weights);
        if (writes.isEmpty()) {
            throw new UsageException("plugin '" + loader.pluginId() + "' writes no published formats; nova export needs"
                    + " a plugin that does (attention writes gpt2)");
        }
        String id = loader.pluginId();
        String fam = family != null ? family : writes.size() == 1 ? writes.keySet().iterator().next() : null;
        if (fam == null) {
            throw new UsageException("plugin '" + id + "' writes several families (" + String.join(", ",
                    writes.keySet()) + "): choose one with --family");
        }
        if (!writes.containsKey(fam)) {
            throw new UsageException("plugin '" + id + "' does not write '" + fam + "'; it writes "
                    + String.join(", ", writes.keySet()));
        }
        if (!writes.get(fam).contains(f)) {
            throw new UsageException("plugin '" + id + "' does not write " + fam + " as " + format + "; it writes "
                    + lower(writes.get(fam)));
        }
        try (OpenModel model = loader.open()) {
            RunPlan plan = model.plan();
            Checkpoint ckpt = plan.checkpoint().orElseThrow();
            Path target = (out != null ? out : defaultOut(ckpt.file(), fam, f, p)).toAbsolutePath().normalize();
            checkTarget(target, f);
            Path parent = target.getParent();
            Path staging = createStaging(parent, target.getFileName().toString());
            try {
                List<Path> files = loader.export(weights, model, fam, f, p, staging);
                List<Path> placed = new ArrayList<>();
                if (f == OpenWeights.Format.GGUF) {
                    placed.add(move(staging.resolve(files.get(0)), target));
                } else {
                    Files.createDirectories(target);
                    for (Path file : files) {
                        Path from = staging.resolve(file);
                        placed.add(move(from, target.resolve(from.getFileName().toString())));
                    }
                }
                long bytes = 0;
                for (Path file : placed) {
                    bytes += Files.size(file);
                }
                nova.terminal.err().println("nova: exported " + ckpt.file() + " (step " + ckpt.step() + ") as " + fam + " "
                        + f.name().toLowerCase(Locale.ROOT) + " " + p.name() + " (" + String.format(Locale.ROOT, "%.1f",
                        bytes / 1e6) + " MB)");
                nova.terminal.out().println(target);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
            } finally {
                TemporaryPaths.delete(staging);
            }
        }
        return Cli.OK;
    }

    /** export/gpt2-f32.gguf (or export/gpt2-f32/) in the run's folder: beside checkpoints/, or the file's own folder. */
    private static Path defaultOut(Path ckpt, String family, OpenWeights.Format f, OpenWeights.Precision p) {
        Path folder = ckpt.toAbsolutePath().getParent();
        if (folder.getFileName() != null && folder.getFileName().toString().equals("checkpoints")
                && folder.getParent() != null) {
            folder = folder.getParent();
        }
        String name = family + "-" + p.name().toLowerCase(Locale.ROOT);
        return folder.resolve("export").resolve(f == OpenWeights.Format.GGUF ? name + ".gguf" : name);
    }

    private static void checkTarget(Path target, OpenWeights.Format f) {
        if (target.getParent() == null) {
            throw new UsageException("--out " + target + ": give a file or folder inside a folder");
        }
        if (f == OpenWeights.Format.GGUF && Files.isDirectory(target)) {
            throw new UsageException("--out " + target + " is a folder; give the .gguf file to write");
        }
        if (f == OpenWeights.Format.SAFETENSORS && Files.exists(target) && !Files.isDirectory(target)) {
            throw new UsageException("--out " + target + " is a file; safetensors are written as a folder"
                    + " (model.safetensors, config.json, vocab.json, merges.txt)");
        }
        for (Path up = target.getParent(); up != null; up = up.getParent()) {
            if (Files.exists(up)) {
                if (!Files.isDirectory(up)) {
                    throw new UsageException("--out " + target + ": " + up + " is a file, not a folder");
                }
                break;
            }
        }
    }

    /** A folder beside the target (the same file system, so that moves are renames), removed on a signal. */
    private static Path createStaging(Path parent, String name) {
        try {
            Files.createDirectories(parent);
            Path staging = parent.resolve("." + name + ".nova-export-"
                    + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36));
            TemporaryPaths.track(staging);
            return Files.createDirectory(staging);
        } catch (IOException e) {
            throw new UsageException("cannot write in " + parent + ": " + e.getMessage());
        }
    }

    private static Path move(Path from, Path to) throws IOException {
        try {
            return Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            return Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static <E extends Enum<E>> E parse(Class<E> type, String value, String flag) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value)) {
                return e;
            }
        }
        throw new UsageException(flag + " is '" + value + "', expected " + lower(List.of(type.getEnumConstants())));
    }

    private static String lower(List<? extends Enum<?>> values) {
        return String.join(" or ", values.stream().map(v -> v.name().toLowerCase(Locale.ROOT)).toList());
    }
}
