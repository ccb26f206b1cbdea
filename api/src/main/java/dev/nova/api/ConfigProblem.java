package dev.nova.api;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Objects;
import org.apiguardian.api.API;

/**
 * One problem with a plugin's configuration.
 *
 * @param path the offending key, relative to the plugin's subtree (for example {@code hidden})
 * @param message what is wrong and what was expected (for example {@code must be > 0, found -3})
 * @since 0.1
 */
@API(status = STABLE, since = "0.1")
public record ConfigProblem(String path, String message) {

    /** Checks the arguments. */
    public ConfigProblem {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(message, "message");
    }
}
