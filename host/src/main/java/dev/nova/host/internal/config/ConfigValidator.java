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
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
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

    static void validate(Config effective, Config reference, PluginCatalog catalog) {
        List<String> problems = new ArrayList<>();
        Set<String> pluginIds = catalog.loaded().keySet();

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
            }
        }

        // Types, for every key the reference defines.
        for (Map.Entry<String, ConfigValue> ref : reference.entrySet()) {
            String path = ref.getKey();
            if (!effective.hasPathOrNull(path)) {
                continue;
            }
            if (effective.getIsNull(path)) {
                problems.add(at(effective.getValue(path)) + ": " + path + " must not be null; expected "
                        + expected(ref.getValue()));
                continue;
            }
            String wrong = typeProblem(effective, path, ref.getValue());
            if (wrong != null) {
                problems.add(at(effective.getValue(path)) + ": " + path + " " + wrong);
            }
        }

        // Each plugin's own checks, only when the types are right.
        if (problems.isEmpty()) {
            for (var p : catalog.loaded().entrySet()) {
                String root = "plugins." + p.getKey();
                Config sub = effective.hasPath(root) ? effective.getConfig(root) : com.typesafe.config.ConfigFactory.empty();
                GeneratorProvider provider = p.getValue().provider().orElseThrow();
                List<ConfigProblem> found;
                try {
                    found = provider.validate(sub);
                } catch (RuntimeException ex) {
                    problems.add("plugin '" + p.getKey() + "' failed while validating its config: " + ex);
                    continue;
                }
                for (ConfigProblem cp : found) {
                    String full = root + "." + cp.path();
                    String origin = effective.hasPath(full) ? at(effective.getValue(full)) : "plugin '" + p.getKey() + "'";
                    problems.add(origin + ": " + full + " " + cp.message());
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigErrors(problems);
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
                    boolean integral = integral(ref);
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

    /** Whether a default is a whole number as written (not {@code 0.0}: see {@link ConfigLoader#REAL}). */
    private static boolean integral(ConfigValue ref) {
        return (ref.unwrapped() instanceof Integer || ref.unwrapped() instanceof Long)
                && !ref.origin().comments().contains(ConfigLoader.REAL);
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
