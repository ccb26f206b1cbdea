package dev.nova.kit.support;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import dev.nova.api.ConfigProblem;
import dev.nova.api.InvalidConfigException;
import java.util.ArrayList;
import java.util.List;
import org.apiguardian.api.API;

/**
 * Range checks over a plugin's config subtree that collect every problem instead of stopping at the first.
 * Each check reads its key with a typed getter, so a wrongly typed value is reported under that key and the
 * remaining checks still run.
 *
 * <pre>{@code
 * Checks c = new Checks(config);
 * c.intRange("model.hidden", 1, 8192);
 * c.oneOf("train.optimizer", List.of("adam", "adamw"));
 * return c.problems();
 * }</pre>
 *
 * <p>The {@code get} methods check a key and return its value, so that a settings record names each key once:
 *
 * <pre>{@code
 * static Settings read(Checks c) {
 *     return new Settings(c.getInt("model.hidden", 1, 8192), c.getOneOf("train.optimizer", List.of("adam", "adamw")));
 * }
 * }</pre>
 *
 * <p>A getter returns a placeholder inside the allowed range after a problem, so that the record can still be
 * built while the rest of the keys are checked; {@link #throwIfAny} then refuses it.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Checks {

    private final Config config;
    private final List<ConfigProblem> problems = new ArrayList<>();

    /**
     * Starts checking a subtree (with its defaults filled in).
     *
     * @param config the plugin's subtree
     */
    public Checks(Config config) {
        this.config = config;
    }

    /** The subtree being checked. */
    public Config config() {
        return config;
    }

    /** The problems found so far, in the order the checks ran. */
    public List<ConfigProblem> problems() {
        return List.copyOf(problems);
    }

    /**
     * Throws when any check failed.
     *
     * @param pluginId the plugin, for the message
     * @throws InvalidConfigException listing every problem
     */
    public void throwIfAny(String pluginId) {
        if (!problems.isEmpty()) {
            throw new InvalidConfigException(pluginId, problems);
        }
    }

    /**
     * Adds a problem found by the plugin's own logic.
     *
     * @param key the offending key
     * @param message what is wrong and what was expected
     * @return this
     */
    public Checks add(String key, String message) {
        problems.add(new ConfigProblem(key, message));
        return this;
    }

    /**
     * A whole number in {@code [min, max]}.
     *
     * @param key the key
     * @param min the least allowed value
     * @param max the greatest allowed value ({@link Integer#MAX_VALUE} or {@link Long#MAX_VALUE} for no bound)
     * @return this
     */
    public Checks intRange(String key, long min, long max) {
        getInt(key, min, max);
        return this;
    }

    /**
     * Reads a whole number in {@code [min, max]}, adding a problem when it is not one.
     *
     * @param key the key
     * @param min the least allowed value (an {@code int})
     * @param max the greatest allowed value ({@link Integer#MAX_VALUE} for no bound)
     * @return the value, or {@code min} after a problem (so that a settings record can still be built while
     *     every problem is collected)
     * @since 1.3
     */
    public int getInt(String key, long min, long max) {
        try {
            Number number = config.getNumber(key);
            if (number.doubleValue() != Math.rint(number.doubleValue())) {
                add(key, "must be a whole number, found " + number);
                return (int) min;
            }
            long v = number.longValue();
            if (v < min || v > max) {
                add(key, max == Integer.MAX_VALUE || max == Long.MAX_VALUE
                        ? "must be >= " + min + ", found " + v : "must be in [" + min + ", " + max + "], found " + v);
                return (int) min;
            }
            return (int) v;
        } catch (ConfigException e) {
            typeProblem(key, e);
            return (int) min;
        }
    }

    /**
     * A finite number in {@code [min, max]} or {@code [min, max)}.
     *
     * @param key the key
     * @param min the least allowed value
     * @param max the upper bound
     * @param maxInclusive whether {@code max} itself is allowed
     * @return this
     */
    public Checks range(String key, double min, double max, boolean maxInclusive) {
        getDouble(key, min, max, maxInclusive);
        return this;
    }

    /**
     * Reads a finite number in {@code [min, max]} or {@code [min, max)}, adding a problem when it is not one.
     *
     * @param key the key
     * @param min the least allowed value
     * @param max the upper bound ({@link Double#MAX_VALUE} for none)
     * @param maxInclusive whether {@code max} itself is allowed
     * @return the value, or {@code min} after a problem
     * @since 1.3
     */
    public double getDouble(String key, double min, double max, boolean maxInclusive) {
        try {
            double v = config.getDouble(key);
            if (!(v >= min && (maxInclusive ? v <= max : v < max)) || !Double.isFinite(v)) {
                add(key, max == Double.MAX_VALUE ? "must be a finite number >= " + min + ", found " + v
                        : "must be in [" + min + ", " + max + (maxInclusive ? "]" : ")") + ", found " + v);
                return min;
            }
            return v;
        } catch (ConfigException e) {
            typeProblem(key, e);
            return min;
        }
    }

    /**
     * A number in {@code (min, max]}, such as a probability that must not be zero.
     *
     * @param key the key
     * @param min the bound it must exceed
     * @param max the greatest allowed value
     * @return this
     */
    public Checks above(String key, double min, double max) {
        getAbove(key, min, max);
        return this;
    }

    /**
     * Reads a number in {@code (min, max]}, adding a problem when it is not one.
     *
     * @param key the key
     * @param min the bound it must exceed
     * @param max the greatest allowed value
     * @return the value, or {@code max} after a problem
     * @since 1.3
     */
    public double getAbove(String key, double min, double max) {
        try {
            double v = config.getDouble(key);
            if (!(v > min && v <= max)) {
                add(key, "must be in (" + min + ", " + max + "], found " + v);
                return max;
            }
            return v;
        } catch (ConfigException e) {
            typeProblem(key, e);
            return max;
        }
    }

    /**
     * A finite number {@code >= min}.
     *
     * @param key the key
     * @param min the least allowed value
     * @return this
     */
    public Checks atLeast(String key, double min) {
        return range(key, min, Double.MAX_VALUE, true);
    }

    /**
     * Reads a finite number {@code >= min}, adding a problem when it is not one.
     *
     * @param key the key
     * @param min the least allowed value
     * @return the value, or {@code min} after a problem
     * @since 1.3
     */
    public double getAtLeast(String key, double min) {
        return getDouble(key, min, Double.MAX_VALUE, true);
    }

    /**
     * A finite number {@code > 0}.
     *
     * @param key the key
     * @return this
     */
    public Checks positive(String key) {
        getPositive(key);
        return this;
    }

    /**
     * Reads a finite number {@code > 0}, adding a problem when it is not one.
     *
     * @param key the key
     * @return the value, or 1 after a problem
     * @since 1.3
     */
    public double getPositive(String key) {
        try {
            double v = config.getDouble(key);
            if (!(v > 0) || !Double.isFinite(v)) {
                add(key, "must be a finite number > 0, found " + v);
                return 1;
            }
            return v;
        } catch (ConfigException e) {
            typeProblem(key, e);
            return 1;
        }
    }

    /**
     * One of a fixed set of words.
     *
     * @param key the key
     * @param allowed the words
     * @return this
     */
    public Checks oneOf(String key, List<String> allowed) {
        getOneOf(key, allowed);
        return this;
    }

    /**
     * Reads one of a fixed set of words, adding a problem when it is another.
     *
     * @param key the key
     * @param allowed the words
     * @return the word, or the first allowed one after a problem
     * @since 1.3
     */
    public String getOneOf(String key, List<String> allowed) {
        try {
            String v = config.getString(key);
            if (!allowed.contains(v)) {
                add(key, "must be one of " + String.join(", ", allowed) + ", found " + v);
                return allowed.get(0);
            }
            return v;
        } catch (ConfigException e) {
            typeProblem(key, e);
            return allowed.get(0);
        }
    }

    /**
     * A string that is not blank.
     *
     * @param key the key
     * @param expected what it should name, for the message
     * @return this
     */
    public Checks nonBlank(String key, String expected) {
        getNonBlank(key, expected);
        return this;
    }

    /**
     * Reads a string that is not blank, adding a problem when it is blank.
     *
     * @param key the key
     * @param expected what it should name, for the message
     * @return the string ({@code ""} after a type problem)
     * @since 1.3
     */
    public String getNonBlank(String key, String expected) {
        try {
            String v = config.getString(key);
            if (v.isBlank()) {
                add(key, "must name " + expected);
            }
            return v;
        } catch (ConfigException e) {
            typeProblem(key, e);
            return "";
        }
    }

    /**
     * Reads a boolean, adding a problem when the value is not one.
     *
     * @param key the key
     * @return the value, or {@code false} after a problem
     * @since 1.3
     */
    public boolean getBoolean(String key) {
        try {
            return config.getBoolean(key);
        } catch (ConfigException e) {
            typeProblem(key, e);
            return false;
        }
    }

    /**
     * A list of layer widths.
     *
     * @param key the key
     * @param mayBeEmpty whether an empty list is allowed
     * @param maxLayers the most widths allowed
     * @param maxWidth the greatest width allowed
     * @return this
     */
    public Checks widths(String key, boolean mayBeEmpty, int maxLayers, int maxWidth) {
        getWidths(key, mayBeEmpty, maxLayers, maxWidth);
        return this;
    }

    /**
     * Reads a list of layer widths, adding a problem when it is not one.
     *
     * @param key the key
     * @param mayBeEmpty whether an empty list is allowed
     * @param maxLayers the most widths allowed
     * @param maxWidth the greatest width allowed
     * @return the widths, or an empty list after a problem
     * @since 1.3
     */
    public List<Integer> getWidths(String key, boolean mayBeEmpty, int maxLayers, int maxWidth) {
        List<Integer> w;
        try {
            w = config.getIntList(key);
        } catch (ConfigException e) {
            add(key, "must be a list of layer widths such as [512, 256]");
            return List.of();
        }
        if (w.isEmpty() && !mayBeEmpty) {
            add(key, "must list at least one layer width, such as [512, 256]");
            return List.of();
        } else if (w.size() > maxLayers || w.stream().anyMatch(v -> v < 1 || v > maxWidth)) {
            add(key, "must hold 1 to " + maxLayers + " widths in [1, " + maxWidth + "], found " + w);
            return List.of();
        }
        return List.copyOf(w);
    }

    private void typeProblem(String key, ConfigException e) {
        add(key, messageOf(e));
    }

    /** The key a Typesafe Config exception is about, or {@code ?}. */
    static String keyOf(ConfigException e) {
        String m = e.getMessage();
        if (e instanceof ConfigException.Missing || e instanceof ConfigException.WrongType) {
            int colon = m.lastIndexOf(": ");
            String tail = colon >= 0 ? m.substring(colon + 2) : m;
            int space = tail.indexOf(' ');
            return space > 0 ? tail.substring(0, space) : "?";
        }
        return "?";
    }

    /** A Typesafe Config exception's message without its origin prefix. */
    static String messageOf(ConfigException e) {
        String m = e.getMessage();
        int colon = m.lastIndexOf(": ");
        return colon >= 0 ? m.substring(colon + 2) : m;
    }

    /**
     * Checks that every data setting names an existing file or folder: a string setting called {@code path} or
     * ending in {@code -path}, {@code -file} or {@code -dir}, unless its value is a built-in
     * ({@code builtin:...}) or empty. Relative values are resolved against {@code baseDirectory}, as
     * {@link dev.nova.api.ModelContext#resolve} does. (The launcher fingerprints the same settings in each
     * checkpoint's provenance.)
     *
     * @param baseDirectory what relative paths are resolved against
     * @return this
     * @since 1.1
     */
    public Checks dataPathsExist(java.nio.file.Path baseDirectory) {
        return dataPathsExist(baseDirectory, "");
    }

    /**
     * {@link #dataPathsExist(java.nio.file.Path)}, with advice appended to each problem (where to get the data).
     *
     * @param baseDirectory what relative paths are resolved against
     * @param advice appended after {@code "; "}, for example {@code "install Debian's dataset-fashion-mnist"}; empty for none
     * @return this
     * @since 1.1
     */
    public Checks dataPathsExist(java.nio.file.Path baseDirectory, String advice) {
        for (var e : config.entrySet()) {
            String key = e.getKey();
            String last = key.substring(key.lastIndexOf('.') + 1);
            if (e.getValue().valueType() != com.typesafe.config.ConfigValueType.STRING
                    || !(last.equals("path") || last.endsWith("-path") || last.endsWith("-file") || last.endsWith("-dir"))) {
                continue;
            }
            String v = (String) e.getValue().unwrapped();
            if (v.isBlank() || v.startsWith("builtin:")) {
                continue;
            }
            java.nio.file.Path p;
            try {
                // not normalised: '..' after a symbolic link is the file system's to resolve, as in a shell
                p = baseDirectory.resolve(v).toAbsolutePath();
            } catch (java.nio.file.InvalidPathException ex) {
                add(key, "must be a file or folder path, found '" + v + "'");
                continue;
            }
            if (!java.nio.file.Files.exists(p)) {
                add(key, "names " + p + ", which does not exist" + (java.nio.file.Path.of(v).isAbsolute() ? ""
                        : " (relative paths are resolved against " + baseDirectory + ", the run file's folder)")
                        + (advice.isEmpty() ? "" : "; " + advice));
            }
        }
        return this;
    }
}
