package dev.nova.kit.audio;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nova.api.PluginException;
import dev.nova.api.Sample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.apiguardian.api.API;

/**
 * Audio data for a model: {@code builtin:tones}, or a folder of WAV files (searched recursively, in path order), each
 * read strictly ({@link WavFile}), mixed down to mono and resampled to the model's rate ({@link Resampler}). When the
 * folder's WAV files sit in two or more sub-folders, each file's class is its sub-folder's name (a speaker, an
 * instrument). The held-out split is by file: whole files, chosen by a seeded shuffle, so no held-out sound was
 * heard in training, even in part.
 *
 * @since 1.4
 */
@API(status = EXPERIMENTAL, since = "1.4")
public final class AudioSource {

    /** The built-in synthetic set. */
    public static final String TONES = "builtin:tones";

    /**
     * One file's audio at the model's rate.
     *
     * @param name where it came from
     * @param label its class, an index into {@link AudioSet#classes()}, or -1 without classes
     * @param samples the samples, in [-1, 1]
     */
    public record Clip(String name, int label, float[] samples) {
    }

    /**
     * The data, split.
     *
     * @param rate the sample rate of every clip
     * @param classes class names, empty when the data has none
     * @param train training clips
     * @param heldOut held-out clips (whole files)
     */
    public record AudioSet(int rate, List<String> classes, List<Clip> train, List<Clip> heldOut) {
        /** The samples of a split. */
        public long samples(boolean heldOutSplit) {
            return (heldOutSplit ? heldOut : train).stream().mapToLong(c -> c.samples().length).sum();
        }
    }

    private AudioSource() {
    }

    /**
     * Reads and splits the data.
     *
     * @param pluginId for messages
     * @param path {@code builtin:tones} or a folder of WAV files
     * @param rate the model's sample rate
     * @param holdout the fraction of files held out, in (0, 1)
     * @param seed the split's seed
     * @return the clips
     * @throws PluginException naming the folder or file when there is nothing to read or a file is broken
     */
    public static AudioSet read(String pluginId, String path, int rate, double holdout, long seed) {
        AudioSet all = readAll(pluginId, path, rate);
        List<Clip> clips = all.train();
        List<Clip> order = new ArrayList<>(clips);
        Collections.shuffle(order, new java.util.Random(new SplittableRandom(seed).nextLong()));
        int held = Math.max(1, (int) Math.round(holdout * order.size()));
        List<Clip> heldOut = order.subList(0, held);
        List<Clip> train = new ArrayList<>(clips);
        train.removeAll(heldOut);
        return new AudioSet(rate, all.classes(), List.copyOf(train), List.copyOf(heldOut));
    }

    /**
     * Reads every file, none held out (evaluating on other data: {@code nova evaluate --data}).
     *
     * @param pluginId for messages
     * @param path {@code builtin:tones} or a folder of WAV files
     * @param rate the model's sample rate
     * @return every clip, as {@link AudioSet#train()}
     */
    public static AudioSet readAll(String pluginId, String path, int rate) {
        List<Clip> clips;
        List<String> classes;
        if (path.equals(TONES)) {
            clips = Tones.make(rate, 8, 20261203L);
            classes = Tones.CLASSES;
        } else {
            Path root = Path.of(path);
            if (!Files.isDirectory(root)) {
                throw new PluginException(pluginId, "audio data " + path + " is not a folder of WAV files (or "
                        + TONES + ")");
            }
            List<Path> files;
            try (Stream<Path> walk = Files.walk(root)) {
                files = walk.filter(Files::isRegularFile)
                        .filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".wav"))
                        .sorted().toList();
            } catch (IOException e) {
                throw new PluginException(pluginId, "cannot list " + root + ": " + e.getMessage(), e);
            }
            if (files.size() < 2) {
                throw new PluginException(pluginId, "audio data " + root + " holds " + files.size() + " WAV files;"
                        + " at least 2 are needed (one to train on, one held out)");
            }
            TreeSet<String> folders = new TreeSet<>();
            for (Path f : files) {
                folders.add(folderOf(root, f));
            }
            classes = folders.size() >= 2 && !folders.contains("") ? List.copyOf(folders) : List.of();
            clips = new ArrayList<>();
            for (Path f : files) {
                Sample.Audio a = WavFile.read(pluginId, f);
                clips.add(new Clip(f.toString(), classes.isEmpty() ? -1 : classes.indexOf(folderOf(root, f)),
                        Resampler.resample(a.samples(), a.sampleRate(), rate)));
            }
        }
        return new AudioSet(rate, classes, List.copyOf(clips), List.of());
    }

    private static String folderOf(Path root, Path file) {
        Path rel = root.relativize(file);
        return rel.getNameCount() > 1 ? rel.getName(0).toString() : "";
    }
}
