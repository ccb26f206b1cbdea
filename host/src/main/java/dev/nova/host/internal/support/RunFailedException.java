package dev.nova.host.internal.support;

/**
 * A run stopped by a failure: the model diverged, the disk failed, a plugin call failed. Its one-line message says
 * what happened at which step and names the last good checkpoint (or says there is none); exit code 1.
 */
public class RunFailedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message one line: what failed, at which step, and where the last good checkpoint is
     * @param cause the failure, if any
     */
    public RunFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
