package dev.nova.api;

import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * A checkpoint payload could not be written or read: truncated, corrupt, or from another plugin or format.
 *
 * @since 1.0
 */
@API(status = STABLE, since = "1.0")
public class CheckpointException extends PluginException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param pluginId the plugin
     * @param message what is wrong with the payload
     */
    public CheckpointException(String pluginId, String message) {
        super(pluginId, message);
    }

    /**
     * Creates the exception with a cause.
     *
     * @param pluginId the plugin
     * @param message what is wrong with the payload
     * @param cause the underlying failure
     */
    public CheckpointException(String pluginId, String message, Throwable cause) {
        super(pluginId, message, cause);
    }
}
