package dev.nova.host.internal.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Remembers which defaults were written as real numbers. Typesafe Config reads {@code 0.0} and {@code 1.0} as the
 * integers 0 and 1, so the type of {@code weight-decay = 0.0} would otherwise be taken for a whole number and
 * {@code --set ...weight-decay=0.01} refused.
 */
final class RealNumbers {

    /** The origin comment that marks a default written with a decimal point or exponent. */
    static final String REAL = "nova:real-valued";

    /** A number literal with a fraction or an exponent, as a value (after '=' or ':'). */
    private static final Pattern REAL_LITERAL = Pattern.compile(
            "([=:]\\s*)(-?\\d+\\.\\d*(?:[eE][-+]?\\d+)?|-?\\d+[eE][-+]?\\d+)(?=\\s*(?:[,}\\]#\\n\\r]|//|$))");

    private RealNumbers() {
    }

    /**
     * Marks the values of {@code parsed} written as real numbers in {@code text}: the text is parsed a second time
     * (a reference is small) with each such literal replaced by a marker; the paths that hold the marker get
     * {@link #REAL} in their origin's comments.
     */
    static Config mark(Config parsed, String text, ConfigParseOptions options) {
        String marked = REAL_LITERAL.matcher(text).replaceAll("$1\"" + REAL + "\"");
        Config markers;
        try {
            markers = ConfigFactory.parseString(marked, options);
        } catch (ConfigException e) {
            return parsed;
        }
        Config out = parsed;
        for (Map.Entry<String, ConfigValue> e : markers.entrySet()) {
            if (REAL.equals(e.getValue().unwrapped()) && parsed.hasPath(e.getKey())) {
                ConfigValue v = parsed.getValue(e.getKey());
                List<String> comments = new ArrayList<>(v.origin().comments());
                comments.add(REAL);
                out = out.withValue(e.getKey(), v.withOrigin(v.origin().withComments(comments)));
            }
        }
        return out;
    }

    /** Whether a default is a whole number as written (not {@code 0.0}). */
    static boolean integral(ConfigValue ref) {
        return (ref.unwrapped() instanceof Integer || ref.unwrapped() instanceof Long)
                && !ref.origin().comments().contains(REAL);
    }
}
