package dev.nova.api;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.Objects;
import java.util.regex.Pattern;
import org.apiguardian.api.API;

/**
 * What a plugin says about itself; cheap to produce (no native code, no I/O).
 *
 * @param id unique plugin id: lower case letters, digits and dashes, starting with a letter, at most 40
 *     characters (for example {@code text-gru}); it is also the plugin's config path {@code plugins.<id>}
 * @param version the plugin's own version, free form but non-blank (for example {@code 0.1.0})
 * @param modality the kind of samples it generates
 * @param apiRange the Nova API versions it supports
 * @param description one line, at most 120 characters, no line breaks
 * @since 1.0
 */
@API(status = STABLE, since = "1.0")
public record PluginInfo(String id, String version, Modality modality, VersionRange apiRange, String description) {

    /** The pattern every plugin id matches. */
    public static final Pattern ID_PATTERN = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

    /** Checks every component, naming the plugin in the message. */
    public PluginInfo {
        Objects.requireNonNull(id, "id");
        if (id.length() > 40 || !ID_PATTERN.matcher(id).matches()) {
            throw new IllegalArgumentException("Invalid plugin id '" + id
                    + "': expected lower-case letters, digits and single dashes, starting with a letter, at most 40 characters");
        }
        if (version == null || version.isBlank()) {
            throw new IllegalArgumentException("Plugin '" + id + "' has a blank version");
        }
        Objects.requireNonNull(modality, () -> "Plugin '" + id + "' has no modality");
        Objects.requireNonNull(apiRange, () -> "Plugin '" + id + "' has no API range");
        if (description == null || description.isBlank() || description.length() > 120
                || description.indexOf('\n') >= 0 || description.indexOf('\r') >= 0) {
            throw new IllegalArgumentException("Plugin '" + id + "' needs a one-line description of 1 to 120 characters");
        }
    }
}
