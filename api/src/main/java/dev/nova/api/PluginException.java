package dev.nova.api;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * The exception a plugin throws across the SPI; its message names the plugin and says what went wrong.
 *
 * @since 1.0
 */
@API(status = STABLE, since = "1.0")
public class PluginException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String pluginId;

    /**
     * Creates the exception; the message is prefixed with {@code plugin '<id>': }.
     *
     * @param pluginId the plugin that failed
     * @param message what went wrong
     */
    public PluginException(String pluginId, String message) {
        super("plugin '" + pluginId + "': " + message);
        this.pluginId = pluginId;
    }

    /**
     * Creates the exception with a cause.
     *
     * @param pluginId the plugin that failed
     * @param message what went wrong
     * @param cause the underlying failure
     */
    public PluginException(String pluginId, String message, Throwable cause) {
        super("plugin '" + pluginId + "': " + message, cause);
        this.pluginId = pluginId;
    }

    /**
     * The plugin that failed.
     *
     * @return its id
     */
    public String pluginId() {
        return pluginId;
    }
}
