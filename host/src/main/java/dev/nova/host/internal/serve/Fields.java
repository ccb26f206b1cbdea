package dev.nova.host.internal.serve;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A request's fields, read by name with their types and ranges checked; a bad one is a 400 naming it. */
final class Fields {

    private final Map<String, Object> fields;

    Fields(Map<String, Object> fields) {
        this.fields = fields;
    }

    Map<String, Object> raw() {
        return fields;
    }

    boolean has(String name) {
        return fields.get(name) != null;
    }

    Optional<String> string(String name) {
        Object v = fields.get(name);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof String s) {
            return Optional.of(s);
        }
        throw ApiError.field(name, name + " must be a string, found " + describe(v));
    }

    String requiredString(String name) {
        return string(name).orElseThrow(() -> ApiError.field(name, name + " is required"));
    }

    int integer(String name, int fallback, int min, int max) {
        Object v = fields.get(name);
        if (v == null) {
            return fallback;
        }
        if (!(v instanceof Number n) || !isIntegral(n)) {
            throw ApiError.field(name, name + " must be an integer, found " + describe(v));
        }
        if (n.doubleValue() < min || n.doubleValue() > max) {
            throw ApiError.field(name, name + " must be in [" + min + ", " + max + "], found " + v);
        }
        return n.intValue();
    }

    Optional<Long> whole(String name) {
        Object v = fields.get(name);
        if (v == null) {
            return Optional.empty();
        }
        if (v instanceof Number n && isIntegral(n) && Math.abs(n.doubleValue()) < 0x1p63) {
            return Optional.of(n.longValue());
        }
        throw ApiError.field(name, name + " must be an integer, found " + describe(v));
    }

    /** A finite number in [min, max] ({@code minOpen}: above min). */
    Optional<Double> number(String name, double min, boolean minOpen, double max) {
        Object v = fields.get(name);
        if (v == null) {
            return Optional.empty();
        }
        if (!(v instanceof Number n)) {
            throw ApiError.field(name, name + " must be a number, found " + describe(v));
        }
        double d = n.doubleValue();
        if (!Double.isFinite(d) || d > max || (minOpen ? d <= min : d < min)) {
            throw ApiError.field(name, name + " must be a finite number in " + (minOpen ? "(" : "[") + fmt(min) + ", "
                    + fmt(max) + "], found " + v);
        }
        return Optional.of(d);
    }

    boolean bool(String name, boolean fallback) {
        Object v = fields.get(name);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Boolean b) {
            return b;
        }
        throw ApiError.field(name, name + " must be true or false, found " + describe(v));
    }

    /** A string or an array of strings (OpenAI's {@code stop}, {@code prompt}), at most {@code maxItems}. */
    List<String> strings(String name, int maxItems) {
        Object v = fields.get(name);
        if (v == null) {
            return List.of();
        }
        if (v instanceof String s) {
            return List.of(s);
        }
        if (v instanceof List<?> list) {
            if (list.size() > maxItems) {
                throw ApiError.field(name, name + " takes at most " + maxItems + (maxItems == 1 ? " string" : " strings")
                        + ", found " + list.size());
            }
            List<String> out = new ArrayList<>();
            for (Object o : list) {
                if (!(o instanceof String s)) {
                    throw ApiError.field(name, name + " must be a string or an array of strings, found an array holding "
                            + describe(o));
                }
                out.add(s);
            }
            return out;
        }
        throw ApiError.field(name, name + " must be a string or an array of strings, found " + describe(v));
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> object(String name) {
        Object v = fields.get(name);
        if (v == null) {
            return Map.of();
        }
        if (v instanceof Map<?, ?> m) {
            return (Map<String, Object>) m;
        }
        throw ApiError.field(name, name + " must be an object, found " + describe(v));
    }

    static boolean isIntegral(Number n) {
        if (n instanceof Integer || n instanceof Long || n instanceof Short || n instanceof Byte
                || n instanceof java.math.BigInteger) {
            return true;
        }
        double d = n.doubleValue();
        return Double.isFinite(d) && d == Math.rint(d);
    }

    static String describe(Object v) {
        if (v instanceof String s) {
            return "the string \"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
        }
        if (v instanceof List<?>) {
            return "an array";
        }
        if (v instanceof Map<?, ?>) {
            return "an object";
        }
        if (v instanceof Boolean b) {
            return b.toString();
        }
        return v instanceof Number ? "the number " + v : String.valueOf(v);
    }

    private static String fmt(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
