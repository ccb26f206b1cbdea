package dev.nova.api;

import static org.apiguardian.api.API.Status.STABLE;

import java.util.List;
import java.util.stream.Collectors;
import org.apiguardian.api.API;

/**
 * A plugin's configuration is invalid; carries every problem found.
 *
 * @since 1.0
 */
@API(status = STABLE, since = "1.0")
public class InvalidConfigException extends PluginException {

    private static final long serialVersionUID = 1L;

    private final transient List<ConfigProblem> problems;

    /**
     * Creates the exception.
     *
     * @param pluginId the plugin
     * @param problems at least one problem
     */
    public InvalidConfigException(String pluginId, List<ConfigProblem> problems) {
        super(pluginId, "invalid configuration: " + problems.stream()
                .map(p -> "plugins." + pluginId + "." + p.path() + " " + p.message())
                .collect(Collectors.joining("; ")));
        this.problems = List.copyOf(problems);
    }

    /**
     * The problems found.
     *
     * @return at least one problem
     */
    public List<ConfigProblem> problems() {
        return problems;
    }
}
