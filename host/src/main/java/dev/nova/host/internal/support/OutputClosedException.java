package dev.nova.host.internal.support;

/**
 * Standard output was closed by its reader ({@code nova generate ... | head}): the command stops at once and
 * quietly, with exit code 141 (128 + SIGPIPE), as Unix tools killed by SIGPIPE do.
 */
public class OutputClosedException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** The exit code. */
    public static final int EXIT_CODE = 141;

    /** Creates the exception. */
    public OutputClosedException() {
        super("standard output was closed", null, false, false);
    }
}
