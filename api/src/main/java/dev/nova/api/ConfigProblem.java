package dev.nova.api;

import static org.apiguardian.api.API.Status.STABLE;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apiguardian.api.API;

/**
 * One problem with a plugin's configuration.
 *
 * @param path the offending key, relative to the plugin's subtree (for example {@code hidden})
 * @param message what is wrong and what was expected (for example {@code must be > 0, found -3})
 * @since 1.0
 */
@API(status = STABLE, since = "1.0")
public record ConfigProblem(String path, String message) {

    /** Checks the arguments. */
    public ConfigProblem {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }

    /**
     * Reports every key of {@code config} that {@code reference} does not define, for a plugin's
     * {@link GeneratorProvider#validate}. A key below an empty object in the reference is free-form.
     *
     * @param config the plugin's subtree as given
     * @param reference the plugin's defaults (its {@code plugins.<id>} subtree)
     * @return one problem per unknown key, in path order
     */
    public static List<ConfigProblem> unknownKeys(Config config, Config reference) {
        List<ConfigProblem> problems = new ArrayList<>();
        for (Map.Entry<String, ConfigValue> e : new java.util.TreeMap<>(
                config.entrySet().stream().collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue)))
                .entrySet()) {
            String path = e.getKey();
            if (!known(reference, path)) {
                problems.add(new ConfigProblem(path, "is not a known setting; known" + knownAt(reference, path)));
            }
        }
        return problems;
    }

    /** The keys beside an unknown one: those of its deepest parent the reference defines as an object. */
    private static String knownAt(Config reference, String path) {
        List<String> parts = com.typesafe.config.ConfigUtil.splitPath(path);
        for (int i = parts.size() - 1; i >= 1; i--) {
            String prefix = com.typesafe.config.ConfigUtil.joinPath(parts.subList(0, i));
            if (reference.hasPath(prefix) && reference.getValue(prefix).valueType() == ConfigValueType.OBJECT) {
                return " keys under " + prefix + ": " + String.join(", ",
                        new java.util.TreeSet<>(reference.getObject(prefix).keySet()));
            }
        }
        return ": " + String.join(", ", new java.util.TreeSet<>(reference.root().keySet()));
    }

    private static boolean known(Config reference, String path) {
        if (reference.hasPathOrNull(path)) {
            return true;
        }
        List<String> parts = com.typesafe.config.ConfigUtil.splitPath(path);
        for (int i = parts.size() - 1; i >= 1; i--) {
            String prefix = com.typesafe.config.ConfigUtil.joinPath(parts.subList(0, i));
            if (reference.hasPathOrNull(prefix)) {
                ConfigValue v = reference.getIsNull(prefix) ? null : reference.getValue(prefix);
                return v != null && v.valueType() == ConfigValueType.OBJECT && ((ConfigObject) v).isEmpty();
            }
        }
        return false;
    }
}
