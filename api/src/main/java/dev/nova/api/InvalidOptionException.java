package dev.nova.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * A generation or evaluation option is unknown, of the wrong type or out of range: a mistake in what the user
 * asked for, not a failure of the model. The host reports it as a usage error (exit code 2) and the message
 * names the option, what was expected and what was found.
 *
 * @since 1.1
 */
@API(status = EXPERIMENTAL, since = "1.1")
public class InvalidOptionException extends PluginException {

    private static final long serialVersionUID = 1L;

    private final String option;

    /**
     * Creates the exception.
     *
     * @param pluginId the plugin
     * @param option the option at fault
     * @param message what was wrong and what was expected, for example {@code option top-k must be >= 1, found 0}
     */
    public InvalidOptionException(String pluginId, String option, String message) {
        super(pluginId, message);
        this.option = option;
    }

    /**
     * The option at fault.
     *
     * @return its key
     */
    public String option() {
        return option;
    }
}
