package dev.nova.formats.weights;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.nio.file.Path;
import org.apiguardian.api.API;

/**
 * A weights file that cannot be used, in one line: the file, the byte offset where it goes wrong (where there is one),
 * what was wrong and what was expected.
 *
 * @since 1.4
 */
@API(status = EXPERIMENTAL, since = "1.4")
public final class WeightsFileException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception for a place in a file.
     *
     * @param file the file
     * @param offset the byte offset from the file's start
     * @param what what was wrong and what was expected
     */
    public WeightsFileException(Path file, long offset, String what) {
        super(file + " at byte " + offset + ": " + what);
    }

    /**
     * Creates the exception for a file as a whole.
     *
     * @param file the file
     * @param what what was wrong and what was expected
     */
    public WeightsFileException(Path file, String what) {
        super(file + ": " + what);
    }
}
