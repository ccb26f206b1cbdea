package dev.nova.api;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * A version of the Nova plugin API, {@code major.minor}.
 *
 * <p>A minor release adds to the API compatibly; a major release may break plugins. A plugin states the range
 * it supports with a {@link VersionRange}; the host refuses a plugin whose range excludes {@link #CURRENT}.
 *
 * @param major incremented on incompatible changes
 * @param minor incremented on compatible additions
 * @since 1.0
 */
@API(status = STABLE, since = "1.0")
public record ApiVersion(int major, int minor) implements Comparable<ApiVersion> {

    /** The API version this build of Nova implements. */
    public static final ApiVersion CURRENT = new ApiVersion(1, 5);

    /** Checks that both parts are non-negative. */
    public ApiVersion {
        if (major < 0 || minor < 0) {
            throw new IllegalArgumentException("API version parts must be >= 0, found " + major + "." + minor);
        }
    }

    /**
     * Parses {@code major.minor} (a bare {@code major} means {@code major.0}).
     *
     * @param text the version, for example {@code "1.0"}
     * @return the parsed version
     * @throws IllegalArgumentException if {@code text} is not of that form
     */
    public static ApiVersion parse(String text) {
        String t = text.strip();
        String[] parts = t.split("\\.", -1);
        try {
            if (parts.length == 1) {
                return new ApiVersion(Integer.parseInt(parts[0]), 0);
            }
            if (parts.length == 2) {
                return new ApiVersion(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]));
            }
        } catch (NumberFormatException e) {
            // fall through to the message below
        }
        throw new IllegalArgumentException("Invalid API version '" + text + "': expected major.minor, for example 1.0");
    }

    @Override
    public int compareTo(ApiVersion o) {
        return major != o.major ? Integer.compare(major, o.major) : Integer.compare(minor, o.minor);
    }

    @Override
    public String toString() {
        return major + "." + minor;
    }
}
