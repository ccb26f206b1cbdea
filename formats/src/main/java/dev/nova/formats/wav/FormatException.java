package dev.nova.formats.wav;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * A file that is not what its format says, in one line: the file's name, the byte offset where it went wrong, and what
 * was wrong and expected there.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class FormatException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final long offset;

    /**
     * Creates the exception.
     *
     * @param name the file's name
     * @param offset the byte offset of what is wrong
     * @param what what is wrong, and what was expected
     */
    public FormatException(String name, long offset, String what) {
        super(name + " at byte " + offset + ": " + what);
        this.offset = offset;
    }

    /**
     * Creates the exception for what is wrong with a file as a whole (its size).
     *
     * @param message the file's name and what is wrong, in one line
     */
    public FormatException(String message) {
        super(message);
        this.offset = -1;
    }

    /** The byte offset of what is wrong, or -1 when it is the file as a whole. */
    public long offset() {
        return offset;
    }
}
