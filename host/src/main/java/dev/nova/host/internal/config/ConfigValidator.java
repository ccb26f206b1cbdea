package dev.nova.host.internal.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import dev.nova.api.ConfigProblem;
import dev.nova.api.GeneratorProvider;
import dev.nova.host.internal.discovery.PluginCatalog;
import dev.nova.host.internal.support.PluginCalls;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checks an effective configuration against the references, all at once: unknown keys, wrong value types, and
 * each plugin's own range checks ({@link GeneratorProvider#validate}).
 *
 * <p>Typesafe's {@code checkValid} treats strings as any type; here a number key must hold a number (an
 * integer where the default is one), a boolean key a boolean, a list key a list.
 */
final class ConfigValidator {

    private ConfigValidator() {
    }

    /**
     * Checks every key once. Each installed plugin's {@link GeneratorProvider#validate(Config)} runs once; the plugin
     * about to start, when there is one, gets {@link GeneratorProvider#validate(Config, Path)} instead (it checks
     * everything the other does, and its files).
     */
    static void validate(Config effective, Config reference, PluginCatalog catalog, Optional<Start> start) {
        List<String> problems = new ArrayList<>();
        Set<String> pluginIds = catalog.loaded().keySet();
        // The keys reported unknown here: a plugin's own check of the same key is not reported a second time.
        Set<String> unknown = new java.util.HashSet<>();

        for (Map.Entry<String, ConfigValue> e : effective.root().entrySet()) {
            String key = e.getKey();
            if (!key.equals("nova") && !key.equals("plugins")) {
                problems.add(at(e.getValue()) + ": unknown top-level key '" + key
                        + "'; expected 'nova' (host settings) or 'plugins' (plugin settings)");
            }
        }
        if (effective.hasPath("plugins") && effective.getValue("plugins").valueType() == ConfigValueType.OBJECT) {
            for (Map.Entry<String, ConfigValue> e : effective.getObject("plugins").entrySet()) {
                if (!pluginIds.contains(e.getKey())) {
                    problems.add(at(e.getValue()) + ": plugins." + e.getKey() + " configures a plugin that is not"
                            + " installed; installed: " + (pluginIds.isEmpty() ? "none" : String.join(", ", pluginIds)));
                }
            }
        }

        // Unknown keys, in file order of appearance.
        List<Map.Entry<String, ConfigValue>> leaves = new ArrayList<>(effective.entrySet());
        leaves.sort(Comparator.comparing((Map.Entry<String, ConfigValue> e) -> Origins.format(e.getValue().origin()))
                .thenComparing(Map.Entry::getKey));
        for (Map.Entry<String, ConfigValue> leaf : leaves) {
            String path = leaf.getKey();
            List<String> parts = ConfigUtil.splitPath(path);
            boolean owned = parts.get(0).equals("nova")
                    || (parts.get(0).equals("plugins") && parts.size() > 1 && pluginIds.contains(parts.get(1)));
            if (owned && !known(reference, parts)) {
                problems.add(at(leaf.getValue()) + ": " + path + " is not a known setting" + suggestion(reference, parts));
                unknown.add(path);
            }
        }

        // Types, for every key the reference defines; the subtrees with a wrong type are remembered so that
        // range checks run everywhere else (every problem is reported at once, whichever kind).
        Set<String> mistyped = new java.util.HashSet<>();
        for (Map.Entry<String, ConfigValue> ref : reference.entrySet()) {
            String path = ref.getKey();
            if (!effective.hasPathOrNull(path)) {
                continue;
            }
            String wrong;
            if (effective.getIsNull(path)) {
                wrong = "must not be null; expected " + expected(ref.getValue());
            } else {
                wrong = typeProblem(effective, path, ref.getValue());
            }
            if (wrong != null) {
                problems.add(at(effective.getValue(path)) + ": " + path + " " + wrong);
                mistyped.add(owner(path));
            }
        }

        // The host's own ranges.
        if (!mistyped.contains("nova")) {
            hostRanges(effective, problems);
        }

        // Each plugin's own checks, where its values have the right types. validate() must be cheap: it is
        // bounded in time, and whatever it throws is reported against the plugin.
        for (var p : catalog.loaded().entrySet()) {
            String root = "plugins." + p.getKey();
            if (mistyped.contains(root)) {
                continue;
            }
            GeneratorProvider provider = p.getValue().provider().orElseThrow();
            Optional<Path> base = start.filter(s -> s.pluginId().equals(p.getKey())).map(Start::baseDirectory);
            pluginChecks(effective, p.getKey(), provider, base, problems, unknown);
        }
        if (!problems.isEmpty()) {
            throw new ConfigErrors(problems);
        }
    }

    /**
     * Checks a configuration saved in a checkpoint before a run continues from it: the host's ranges and the plugin's
     * own checks where its files resolve (the keys and types were checked when the run started).
     */
    static void validateSaved(Config saved, String pluginId, GeneratorProvider provider, Path baseDirectory) {
        List<String> problems = new ArrayList<>();
        hostRanges(saved, problems);
        pluginChecks(saved, pluginId, provider, Optional.of(baseDirectory), problems, Set.of());
        if (!problems.isEmpty()) {
            throw new ConfigErrors(problems);
        }
    }

    /**
     * One call of the plugin's own checks, bounded in time; whatever it throws is reported against the plugin, and each
     * problem it finds with the origin of its value.
     */
    private static void pluginChecks(Config effective, String pluginId, GeneratorProvider provider, Optional<Path> base,
                                     List<String> problems, Set<String> reported) {
        String root = "plugins." + pluginId;
        Config sub = effective.hasPath(root) ? effective.getConfig(root) : com.typesafe.config.ConfigFactory.empty();
        List<ConfigProblem> found;
        try {
            found = PluginCalls.bounded(pluginId, provider.getClass(), "validate", PluginCalls.CHEAP,
                    () -> base.isPresent() ? provider.validate(sub, base.get()) : provider.validate(sub));
            if (found == null) {
                throw new dev.nova.api.PluginException(pluginId, "validate returned null instead of a list");
            }
        } catch (dev.nova.api.PluginException ex) {
            problems.add(ex.getMessage().replaceFirst("^plugin '([^']*)': ", "plugin '$1' failed while validating its config: "));
            return;
        }
        for (ConfigProblem cp : found) {
            String full = root + "." + cp.path();
            if (reported.contains(full)) {
                continue;
            }
            String origin = effective.hasPath(full) ? at(effective.getValue(full)) : "plugin '" + pluginId + "'";
            problems.add(origin + ": " + full + " " + cp.message());
        }
    }

    /**
     * The plugin a command is about to start, and where its relative paths resolve.
     *
     * @param pluginId the plugin
     * @param baseDirectory what its relative paths resolve against
     */
    record Start(String pluginId, Path baseDirectory) {
    }

    /** {@code nova} or {@code plugins.<id>}: the part of the config a path belongs to. */
    private static String owner(String path) {
        List<String> parts = ConfigUtil.splitPath(path);
        return parts.get(0).equals("plugins") && parts.size() > 1 ? "plugins." + parts.get(1) : parts.get(0);
    }

    /** The limits of {@code nova.train.*} (also checked on a checkpoint's saved configuration at resume). */
    static void hostRanges(Config c, List<String> problems) {
        range(c, "nova.train.steps", 1, Long.MAX_VALUE, problems);
        range(c, "nova.train.eval-every", 1, Long.MAX_VALUE, problems);
        range(c, "nova.train.log-every", 1, Long.MAX_VALUE, problems);
        range(c, "nova.train.samples", 0, 1000, problems);
        if (c.hasPath("nova.train.divergence-factor")) {
            double f = c.getDouble("nova.train.divergence-factor");
            if (!(f == 0 || f >= 1.5) || !Double.isFinite(f)) {
                problems.add(at(c.getValue("nova.train.divergence-factor")) + ": nova.train.divergence-factor must be"
                        + " 0 (off) or at least 1.5, found " + f);
            }
        }
        range(c, "nova.quality.samples", 1, 10_000, problems);
        range(c, "nova.quality.length", 1, 100_000, problems);
        if (c.hasPath("nova.gates") && c.getValue("nova.gates").valueType() == ConfigValueType.LIST) {
            for (ConfigValue g : c.getList("nova.gates")) {
                if (g.valueType() != ConfigValueType.STRING) {
                    problems.add(at(g) + ": nova.gates holds strings such as \"held-out-loss < 1.30\", found " + render(g));
                    continue;
                }
                try {
                    dev.nova.host.internal.quality.Gates.parse((String) g.unwrapped());
                } catch (IllegalArgumentException e) {
                    problems.add(at(g) + ": nova.gates: " + e.getMessage());
                }
            }
        }
        if (c.hasPath("nova.train.sample-options")) {
            for (Map.Entry<String, ConfigValue> e : c.getObject("nova.train.sample-options").entrySet()) {
                ConfigValueType t = e.getValue().valueType();
                if (t == ConfigValueType.OBJECT || t == ConfigValueType.LIST || t == ConfigValueType.NULL) {
                    problems.add(at(e.getValue()) + ": nova.train.sample-options." + e.getKey()
                            + " must be a string, number or boolean (a generation option), found " + render(e.getValue()));
                }
            }
        }
    }

    private static void range(Config c, String path, long min, long max, List<String> problems) {
        if (!c.hasPath(path)) {
            return;
        }
        long v = c.getLong(path);
        if (v < min || v > max) {
            problems.add(at(c.getValue(path)) + ": " + path + " must be "
                    + (max == Long.MAX_VALUE ? ">= " + min : "in [" + min + ", " + max + "]") + ", found " + v);
        }
    }

    private static boolean known(Config reference, List<String> parts) {
        for (int i = parts.size(); i >= 1; i--) {
            String prefix = ConfigUtil.joinPath(parts.subList(0, i));
            if (reference.hasPathOrNull(prefix)) {
                if (i == parts.size()) {
                    return true;
                }
                // A key below an empty object in the reference is free-form (for example sample-options {}).
                ConfigValue v = reference.getIsNull(prefix) ? null : reference.getValue(prefix);
                return v != null && v.valueType() == ConfigValueType.OBJECT && ((ConfigObject) v).isEmpty();
            }
        }
        return false;
    }

    private static String suggestion(Config reference, List<String> parts) {
        String parent = ConfigUtil.joinPath(parts.subList(0, parts.size() - 1));
        if (parts.size() < 2 || !reference.hasPath(parent)
                || reference.getValue(parent).valueType() != ConfigValueType.OBJECT) {
            return "";
        }
        String key = parts.get(parts.size() - 1);
        Set<String> siblings = new TreeSet<>(reference.getObject(parent).keySet());
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String s : siblings) {
            int d = distance(key, s);
            if (d < bestDistance) {
                bestDistance = d;
                best = s;
            }
        }
        if (best != null && bestDistance <= Math.max(2, key.length() / 3)) {
            return "; did you mean '" + parent + "." + best + "'?";
        }
        return "; known keys under " + parent + ": " + String.join(", ", siblings);
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }

    private static String typeProblem(Config c, String path, ConfigValue ref) {
        ConfigValue actual = c.getValue(path);
        try {
            switch (ref.valueType()) {
                case NUMBER -> {
                    Number n = c.getNumber(path);
                    if (!Double.isFinite(n.doubleValue())) {
                        return "must be a finite number, found " + render(actual);
                    }
                    boolean integral = integral(ref);
                    if (integral && (n.doubleValue() > Long.MAX_VALUE || n.doubleValue() < Long.MIN_VALUE)) {
                        return "must be a whole number within 64 bits, found " + render(actual);
                    }
                    if (integral && (n instanceof Double || n instanceof Float) && n.doubleValue() != Math.rint(n.doubleValue())) {
                        return "must be a whole number, found " + render(actual);
                    }
                }
                case BOOLEAN -> c.getBoolean(path);
                case STRING -> c.getString(path);
                case LIST -> c.getList(path);
                case OBJECT -> c.getObject(path);
                default -> { }
            }
        } catch (ConfigException.WrongType | ConfigException.BadValue e) {
            return "must be " + expected(ref) + ", found " + render(actual);
        }
        return null;
    }

    private static boolean integral(ConfigValue ref) {
        return RealNumbers.integral(ref);
    }

    private static String expected(ConfigValue ref) {
        return switch (ref.valueType()) {
            case NUMBER -> integral(ref) ? "a whole number" : "a number";
            case BOOLEAN -> "true or false";
            case STRING -> "a string";
            case LIST -> "a list";
            case OBJECT -> "an object";
            default -> "a value";
        };
    }

    private static String render(ConfigValue v) {
        return v.valueType().name().toLowerCase(java.util.Locale.ROOT) + " " + v.render(
                com.typesafe.config.ConfigRenderOptions.concise());
    }

    private static String at(ConfigValue v) {
        return Origins.format(v.origin());
    }
}
