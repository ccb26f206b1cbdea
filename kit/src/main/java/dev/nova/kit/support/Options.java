package dev.nova.kit.support;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nova.api.InvalidOptionException;
import dev.nova.api.PluginException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.apiguardian.api.API;

/**
 * Typed reading of generation or evaluation options. Values may arrive typed (from code) or as text (from
 * {@code --option key=value} on the command line); both are accepted, so {@code top-k=5} works whichever way it
 * came. Unknown options and values of the wrong type or out of range are an {@link InvalidOptionException} (a usage error) naming the
 * option, what was expected and what was found.
 *
 * <pre>{@code
 * Options o = Options.of(ID, request.options(), List.of("prompt", "length", "temperature"));
 * int length = o.integer("length", 0, 10_000_000).orElse(settings.length());
 * }</pre>
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Options {

    private final String pluginId;
    private final Map<String, Object> values;

    private Options(String pluginId, Map<String, Object> values) {
        this.pluginId = pluginId;
        this.values = values;
    }

    /**
     * Wraps a request's options, rejecting any not in {@code known}.
     *
     * @param pluginId for messages
     * @param values the request's options
     * @param known every option the plugin understands here
     * @return the options
     * @throws InvalidOptionException naming the first unknown option and the known ones
     */
    public static Options of(String pluginId, Map<String, Object> values, List<String> known) {
        for (String key : new java.util.TreeSet<>(values.keySet())) {
            if (!known.contains(key)) {
                throw new InvalidOptionException(pluginId, key, "unknown option '" + key + "'; known: "
                        + (known.isEmpty() ? "none" : String.join(", ", known)));
            }
        }
        return new Options(pluginId, Map.copyOf(values));
    }

    /**
     * Whether an option was given.
     *
     * @param key the option
     * @return whether it is present
     */
    public boolean has(String key) {
        return values.containsKey(key);
    }

    /**
     * An option's value as given, of whatever type.
     *
     * @param key the option
     * @return its value, or empty
     */
    public Optional<Object> value(String key) {
        return Optional.ofNullable(values.get(key));
    }

    /**
     * A text option.
     *
     * @param key the option
     * @return its value, or empty
     */
    public Optional<String> text(String key) {
        Object v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof String s)) {
            throw problem(key, "must be text", v);
        }
        return Optional.of(s);
    }

    /**
     * A finite number option.
     *
     * @param key the option
     * @return its value, or empty
     */
    public Optional<Double> number(String key) {
        Object v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        double d;
        if (v instanceof Number n) {
            d = n.doubleValue();
        } else if (v instanceof String s) {
            try {
                d = Double.parseDouble(s.trim());
            } catch (NumberFormatException e) {
                throw problem(key, "must be a number", v);
            }
        } else {
            throw problem(key, "must be a number", v);
        }
        if (!Double.isFinite(d)) {
            throw problem(key, "must be a finite number", v);
        }
        return Optional.of(d);
    }

    /**
     * A number option in {@code [min, max]}.
     *
     * @param key the option
     * @param min the least allowed value
     * @param max the greatest allowed value
     * @return its value, or empty
     */
    public Optional<Double> number(String key, double min, double max) {
        Optional<Double> d = number(key);
        if (d.isPresent() && !(d.get() >= min && d.get() <= max)) {
            throw problem(key, "must be in [" + min + ", " + max + "]", d.get());
        }
        return d;
    }

    /**
     * A number option {@code > 0}.
     *
     * @param key the option
     * @return its value, or empty
     */
    public Optional<Double> positive(String key) {
        Optional<Double> d = number(key);
        if (d.isPresent() && !(d.get() > 0)) {
            throw problem(key, "must be > 0", d.get());
        }
        return d;
    }

    /**
     * A whole-number option in {@code [min, max]}.
     *
     * @param key the option
     * @param min the least allowed value
     * @param max the greatest allowed value
     * @return its value, or empty
     */
    public Optional<Integer> integer(String key, int min, int max) {
        Optional<Double> d = number(key);
        if (d.isEmpty()) {
            return Optional.empty();
        }
        double v = d.get();
        if (v != Math.rint(v)) {
            throw problem(key, "must be a whole number", values.get(key));
        }
        if (v < min || v > max) {
            throw problem(key, max == Integer.MAX_VALUE ? "must be >= " + min : "must be in [" + min + ", " + max + "]",
                    (long) v);
        }
        return Optional.of((int) v);
    }

    /**
     * A class option of a conditional model: a class's name, or its index in {@code [0, classes.size())} (a whole
     * number, or its digits). Image and audio models take the same forms ({@code --label}, {@code "label"} in
     * {@code /v1/generate}), and a wrong one is refused naming every class with its index.
     *
     * @param key the option
     * @param classes the model's class names, in index order
     * @return the class's index, or empty
     * @since 1.4
     */
    @API(status = EXPERIMENTAL, since = "1.4")
    public Optional<Integer> classIndex(String key, List<String> classes) {
        Object v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        int index = -1;
        if (v instanceof String name && classes.contains(name)) {
            index = classes.indexOf(name);
        } else if (v instanceof String text && text.trim().matches("\\d{1,9}")) {
            index = Integer.parseInt(text.trim());
        } else if (v instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())) {
            index = (int) Math.max(-1, Math.min(Integer.MAX_VALUE, number.longValue()));
        }
        if (index < 0 || index >= classes.size()) {
            StringBuilder named = new StringBuilder();
            for (int c = 0; c < classes.size(); c++) {
                named.append(c == 0 ? "" : ", ").append(c).append(" = ").append(classes.get(c));
            }
            throw problem(key, "must be a class of the model, by name or index (" + named + ")", v);
        }
        return Optional.of(index);
    }

    /**
     * A yes/no option ({@code true}/{@code false}, or a {@code Boolean}).
     *
     * @param key the option
     * @return its value, or empty
     */
    public Optional<Boolean> flag(String key) {
        Object v = values.get(key);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof Boolean b) {
            return Optional.of(b);
        }
        if (v instanceof String s && (s.trim().equalsIgnoreCase("true") || s.trim().equalsIgnoreCase("false"))) {
            return Optional.of(Boolean.parseBoolean(s.trim().toLowerCase(Locale.ROOT)));
        }
        throw problem(key, "must be true or false", v);
    }

    /**
     * An error about an option, for checks the plugin makes itself.
     *
     * @param key the option
     * @param expected what it must be, for example {@code must be a file}
     * @param found the value given
     * @return the exception to throw
     */
    public InvalidOptionException problem(String key, String expected, Object found) {
        return new InvalidOptionException(pluginId, key, "option " + key + " " + expected + ", found " + found);
    }
}
