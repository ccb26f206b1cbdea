package dev.nova.formats.tokens;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * A tokenizer's file that cannot be used, in one line: the file, the line (where there is one), what was wrong and
 * what was expected.
 *
 * @since 1.4
 */
@API(status = EXPERIMENTAL, since = "1.4")
public final class TokenizerFileException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message the file, what was wrong and what was expected, in one line
     */
    public TokenizerFileException(String message) {
        super(message);
    }

    /**
     * Creates the exception for a line of a file.
     *
     * @param file the file
     * @param line the line number, from 1
     * @param what what was wrong and what was expected
     */
    public TokenizerFileException(java.nio.file.Path file, int line, String what) {
        super(file + " line " + line + ": " + what);
    }
}
