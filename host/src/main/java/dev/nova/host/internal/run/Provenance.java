package dev.nova.host.internal.run;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.nova.host.internal.support.HostVersion;
import dev.nova.host.internal.support.Sha256;
import dev.nova.host.internal.discovery.PluginDiscovery;
import dev.nova.host.internal.discovery.PluginEntry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * Where a checkpoint came from, recorded in its manifest the way Tribuo's {@code ModelProvenance} records a
 * model's: the Nova, plugin, Java and ND4J backend versions, the plugin jar's SHA-256, the OS, and a fingerprint
 * (size and SHA-256) of every data file or folder the plugin's settings name. The effective configuration and
 * the seed are stored next to it in the checkpoint. Computed once per run: hashing the data reads it once.
 *
 * <p>Data settings are recognised by name: a string setting called {@code path}, or ending in {@code -path},
 * {@code -file} or {@code -dir}, whose value names an existing file or folder (relative values against the run's
 * base directory). A folder's fingerprint covers its regular files in name order (paths, sizes and contents),
 * up to {@value #MAX_FILES} files; a larger folder is fingerprinted by names and sizes only, and says so.
 */
final class Provenance {

    static final int MAX_FILES = 100_000;

    private Provenance() {
    }

    /** The provenance entries for a run of one plugin. */
    static Properties of(PluginEntry plugin, Config pluginConfig, Path base) {
        Properties p = new Properties();
        p.setProperty("nova-version", HostVersion.version());
        plugin.info().ifPresent(i -> p.setProperty("plugin-version", i.version()));
        p.setProperty("plugin-module", plugin.moduleName());
        p.setProperty("plugin-location", plugin.location());
        Path jar = Path.of(plugin.location());
        if (Files.isRegularFile(jar)) {
            p.setProperty("plugin-sha256", Sha256.of(jar));
        }
        boolean builtIn = plugin.provider().map(g -> g.getClass().getModule().getLayer() == PluginDiscovery.hostLayer()).orElse(true);
        if (!builtIn && jar.toAbsolutePath().getParent() != null) {
            // The plugin folder it was loaded from (a jar in it, or a sub-folder of jars): generate, evaluate and
            // resume use it when no --plugin-path is given.
            p.setProperty("plugin-path", jar.toAbsolutePath().getParent().toString());
        }
        p.setProperty("java", System.getProperty("java.vendor", "?") + " " + Runtime.version());
        p.setProperty("os", System.getProperty("os.name", "?") + " " + System.getProperty("os.version", "?")
                + " " + System.getProperty("os.arch", "?"));
        p.setProperty("nd4j-backend", HostVersion.backend());
        for (Map.Entry<String, Path> e : dataPaths(pluginConfig, base).entrySet()) {
            String key = "data." + e.getKey();
            Path f = e.getValue();
            p.setProperty(key, f.toString());
            try {
                if (Files.isRegularFile(f)) {
                    p.setProperty(key + ".size", Long.toString(Files.size(f)));
                    p.setProperty(key + ".sha256", Sha256.of(f));
                } else {
                    fingerprintFolder(f, key, p);
                }
            } catch (IOException | java.io.UncheckedIOException e2) {
                p.setProperty(key + ".sha256", "unreadable: " + e2.getMessage());
            }
        }
        return p;
    }

    /**
     * The data settings whose file or folder is no longer what a checkpoint recorded: for each, one phrase naming the
     * setting, the path and both fingerprints. A setting recorded without a digest (unreadable then) is left out.
     *
     * @param recorded the checkpoint's manifest
     * @return the changes, empty when the data are as they were
     */
    static List<String> changedData(java.util.SortedMap<String, String> recorded) {
        List<String> changes = new java.util.ArrayList<>();
        for (Map.Entry<String, String> e : recorded.entrySet()) {
            String key = e.getKey();
            if (!key.startsWith("data.") || !key.endsWith(".sha256") || e.getValue().startsWith("unreadable")) {
                continue;
            }
            String setting = key.substring(0, key.length() - ".sha256".length());
            String where = recorded.get(setting);
            if (where == null) {
                continue;
            }
            Path f = Path.of(where);
            String then = e.getValue() + " (" + recorded.getOrDefault(setting + ".size", "?") + " bytes)";
            if (!Files.exists(f)) {
                changes.add(setting.substring("data.".length()) + " (" + f + ") had SHA-256 " + then + " and is gone");
                continue;
            }
            Properties now = new Properties();
            try {
                if (Files.isRegularFile(f)) {
                    now.setProperty(setting + ".size", Long.toString(Files.size(f)));
                    now.setProperty(key, Sha256.of(f));
                } else {
                    fingerprintFolder(f, setting, now);
                }
            } catch (IOException | java.io.UncheckedIOException ex) {
                changes.add(setting.substring("data.".length()) + " (" + f + ") cannot be read: " + ex.getMessage());
                continue;
            }
            if (!e.getValue().equals(now.getProperty(key))) {
                changes.add(setting.substring("data.".length()) + " (" + f + ") had SHA-256 " + then + ", now "
                        + now.getProperty(key) + " (" + now.getProperty(setting + ".size") + " bytes)");
            }
        }
        return changes;
    }

    /** The settings that name existing data files or folders, by key. */
    static Map<String, Path> dataPaths(Config pluginConfig, Path base) {
        Map<String, Path> out = new TreeMap<>();
        for (Map.Entry<String, ConfigValue> e : pluginConfig.entrySet()) {
            String key = e.getKey();
            String last = key.substring(key.lastIndexOf('.') + 1);
            if (e.getValue().valueType() != ConfigValueType.STRING
                    || !(last.equals("path") || last.endsWith("-path") || last.endsWith("-file") || last.endsWith("-dir"))) {
                continue;
            }
            String v = (String) e.getValue().unwrapped();
            if (v.isEmpty() || v.contains(":") && !v.startsWith("/") && !v.matches("^[A-Za-z]:[\\\\/].*")) {
                continue;                           // builtin:..., a URL: recorded as configured in the config
            }
            try {
                Path p = base.resolve(v).toAbsolutePath();       // as ModelContext.resolve: not normalised
                if (Files.exists(p)) {
                    out.put(key, p);
                }
            } catch (java.nio.file.InvalidPathException ignored) {
                // not a path; the plugin's validation says what it should be
            }
        }
        return out;
    }

    private static void fingerprintFolder(Path dir, String key, Properties p) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.walk(dir)) {
            files = s.filter(Files::isRegularFile).sorted().limit(MAX_FILES + 1L).toList();
        }
        MessageDigest d = Sha256.digest();
        long size = 0;
        boolean contents = files.size() <= MAX_FILES;
        for (Path f : files) {
            long n = Files.size(f);
            size += n;
            d.update((dir.relativize(f).toString().replace('\\', '/') + "\0" + n + "\0").getBytes(
                    java.nio.charset.StandardCharsets.UTF_8));
            if (contents) {
                Sha256.update(d, f);
            }
        }
        p.setProperty(key + ".files", Integer.toString(Math.min(files.size(), MAX_FILES)) + (contents ? "" : "+"));
        p.setProperty(key + ".size", Long.toString(size));
        p.setProperty(key + ".sha256", HexFormat.of().formatHex(d.digest()) + (contents ? "" : " (names and sizes only)"));
    }
}
