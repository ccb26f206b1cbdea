package dev.nova.host.internal.config;

import dev.nova.host.internal.support.UsageException;
import java.util.List;

/** Every problem found in a configuration, each one line with its origin. */
public final class ConfigErrors extends UsageException {

    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    /**
     * Creates the exception.
     *
     * @param problems one line each: {@code origin: path message}
     */
    public ConfigErrors(List<String> problems) {
        super(problems.size() == 1 ? problems.get(0)
                : problems.size() + " configuration problems:\n  " + String.join("\n  ", problems));
        this.problems = List.copyOf(problems);
    }

    /** The problems, one line each. */
    public List<String> problems() {
        return problems;
    }
}
