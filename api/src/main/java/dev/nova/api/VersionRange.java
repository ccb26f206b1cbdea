package dev.nova.api;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * A half-open range of API versions, {@code [min,max)}: the versions a plugin was built to run against.
 *
 * <p>The usual declaration is "this major version from the minor I was built with":
 * {@code VersionRange.parse("[1.0,2.0)")}.
 *
 * @param min the lowest supported version, inclusive
 * @param max the first unsupported version, exclusive
 * @since 1.0
 */
@API(status = STABLE, since = "1.0")
public record VersionRange(ApiVersion min, ApiVersion max) {

    /** Checks that the range is not empty. */
    public VersionRange {
        Objects.requireNonNull(min, "min");
        Objects.requireNonNull(max, "max");
        if (min.compareTo(max) >= 0) {
            throw new IllegalArgumentException("Empty API version range [" + min + "," + max + ")");
        }
    }

    /**
     * Parses {@code [min,max)}.
     *
     * @param text for example {@code "[1.0,2.0)"}
     * @return the range
     * @throws IllegalArgumentException if {@code text} is not of that form
     */
    public static VersionRange parse(String text) {
        String t = text.strip();
        if (!t.startsWith("[") || !t.endsWith(")") || t.indexOf(',') < 0) {
            throw new IllegalArgumentException("Invalid API version range '" + text + "': expected [min,max), for example [1.0,2.0)");
        }
        String[] parts = t.substring(1, t.length() - 1).split(",", -1);
        if (parts.length != 2) {
            throw new IllegalArgumentException("Invalid API version range '" + text + "': expected [min,max), for example [1.0,2.0)");
        }
        return new VersionRange(ApiVersion.parse(parts[0]), ApiVersion.parse(parts[1]));
    }

    /**
     * Tells whether {@code version} lies in this range.
     *
     * @param version the version to test
     * @return {@code true} if {@code min <= version < max}
     */
    public boolean contains(ApiVersion version) {
        return min.compareTo(version) <= 0 && version.compareTo(max) < 0;
    }

    @Override
    public String toString() {
        return "[" + min + "," + max + ")";
    }
}
