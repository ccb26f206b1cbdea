package dev.nova.host.internal.store;

import dev.nova.host.internal.support.Sha256;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a fine-tuned model came from, as manifest keys: {@code lineage.1.*} describes the checkpoint the run started
 * from (its SHA-256, the path given, its step, plugin and version), {@code lineage.2.*} that checkpoint's own parent,
 * and so on. Every checkpoint of a run carries the run's lineage; a resume keeps it.
 */
public final class Lineage {

    /** The prefix of every lineage key. */
    public static final String PREFIX = "lineage.";

    /** A lineage key: a generation of 1 to 6 digits (a longer one, which no run reaches, is not a lineage key). */
    private static final Pattern KEY = Pattern.compile("lineage\\.([1-9]\\d{0,5})\\.(.+)");

    private Lineage() {
    }

    /**
     * The lineage of a run started from a parent checkpoint.
     *
     * @param parent the parent, verified
     * @param given the path as the user gave it ({@code nova.init-from})
     * @return the keys: the parent as generation 1, its lineage one generation further
     */
    public static Properties ofParent(Checkpoint parent, String given) {
        Properties p = new Properties();
        Manifest m = parent.manifest();
        p.setProperty(PREFIX + "1.init-from", given);
        p.setProperty(PREFIX + "1.checkpoint", parent.file().toAbsolutePath().normalize().toString());
        p.setProperty(PREFIX + "1.checkpoint-sha256", Sha256.of(parent.file()));
        p.setProperty(PREFIX + "1.step", Long.toString(parent.step()));
        m.plugin().ifPresent(id -> p.setProperty(PREFIX + "1.plugin", id));
        m.get("plugin-version").ifPresent(v -> p.setProperty(PREFIX + "1.plugin-version", v));
        m.get("created").ifPresent(v -> p.setProperty(PREFIX + "1.created", v));
        for (Map.Entry<String, String> e : m.properties().entrySet()) {
            Matcher k = KEY.matcher(e.getKey());
            if (k.matches()) {
                p.setProperty(PREFIX + (Integer.parseInt(k.group(1)) + 1) + "." + k.group(2), e.getValue());
            }
        }
        return p;
    }

    /**
     * The lineage of a run made from published weights ({@code nova import}): generation 1 names the family, the
     * folder, and each file read with its SHA-256 (the weights file first, as {@code checkpoint}).
     *
     * @param family the family, for example {@code gpt2}
     * @param folder the folder as the user gave it
     * @param files the files the model was made from, the weights first
     * @return the keys
     */
    public static Properties ofImport(String family, java.nio.file.Path folder, List<java.nio.file.Path> files) {
        Properties p = new Properties();
        p.setProperty(PREFIX + "1.import", family);
        p.setProperty(PREFIX + "1.init-from", folder.toAbsolutePath().normalize().toString());
        for (int i = 0; i < files.size(); i++) {
            String file = files.get(i).toAbsolutePath().normalize().toString();
            String sha = Sha256.of(files.get(i));
            if (i == 0) {
                p.setProperty(PREFIX + "1.checkpoint", file);
                p.setProperty(PREFIX + "1.checkpoint-sha256", sha);
            } else {
                p.setProperty(PREFIX + "1.file." + i, file);
                p.setProperty(PREFIX + "1.file." + i + ".sha256", sha);
            }
        }
        return p;
    }

    /**
     * The lineage a checkpoint records, to carry into the checkpoints of a resumed run.
     *
     * @param m the checkpoint's manifest
     * @return its lineage keys
     */
    public static Properties of(Manifest m) {
        Properties p = new Properties();
        m.properties().forEach((k, v) -> {
            if (KEY.matcher(k).matches()) {
                p.setProperty(k, v);
            }
        });
        return p;
    }

    /**
     * The chain of ancestors, nearest first, one line each.
     *
     * @param m a checkpoint's manifest
     * @return the lines, empty for a model trained from scratch
     */
    public static List<String> chain(Manifest m) {
        SortedMap<Integer, Map<String, String>> generations = new TreeMap<>();
        m.properties().forEach((k, v) -> {
            Matcher g = KEY.matcher(k);
            if (g.matches()) {
                generations.computeIfAbsent(Integer.parseInt(g.group(1)), x -> new TreeMap<>()).put(g.group(2), v);
            }
        });
        List<String> lines = new ArrayList<>();
        generations.forEach((n, g) -> lines.add((n == 1 ? "parent" : "ancestor " + n) + ": "
                + (g.containsKey("import") ? "imported " + g.get("import") + " weights, " + g.getOrDefault("checkpoint", "?")
                        : "step " + g.getOrDefault("step", "?") + " of " + g.getOrDefault("plugin", "?") + " "
                                + g.getOrDefault("plugin-version", "?") + ", "
                                + g.getOrDefault("init-from", g.getOrDefault("checkpoint", "?")))
                + " (SHA-256 " + g.getOrDefault("checkpoint-sha256", "?") + ")"));
        return lines;
    }
}
