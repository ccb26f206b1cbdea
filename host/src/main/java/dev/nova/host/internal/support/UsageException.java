package dev.nova.host.internal.support;

/** A mistake in what the user asked for (arguments, config, files): reported in one line, exit code 2. */
public class UsageException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message one line naming the file, key or plugin, what was wrong and what was expected
     */
    public UsageException(String message) {
        super(message);
    }
}
