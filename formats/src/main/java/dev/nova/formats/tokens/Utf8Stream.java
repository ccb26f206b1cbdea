package dev.nova.formats.tokens;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apiguardian.api.API;

/**
 * Decodes a stream of bytes that arrive in pieces (a token's bytes at a time) into text, never emitting part of a
 * character: the bytes of a character cut between two tokens are held back until it is complete. What it emits,
 * joined, equals decoding all the bytes at once (a malformed sequence becomes U+FFFD either way).
 *
 * @since 1.4
 */
@API(status = EXPERIMENTAL, since = "1.4")
public final class Utf8Stream {

    private byte[] pending = new byte[8];
    private int length;

    /** Creates an empty stream. */
    public Utf8Stream() {
    }

    /**
     * Adds bytes.
     *
     * @param bytes the next bytes
     * @return the text they complete (empty while a character is still incomplete)
     */
    public String push(byte[] bytes) {
        if (length + bytes.length > pending.length) {
            pending = Arrays.copyOf(pending, Math.max(pending.length * 2, length + bytes.length));
        }
        System.arraycopy(bytes, 0, pending, length, bytes.length);
        length += bytes.length;
        int cut = completeLength(pending, length);
        String text = new String(pending, 0, cut, StandardCharsets.UTF_8);
        System.arraycopy(pending, cut, pending, 0, length - cut);
        length -= cut;
        return text;
    }

    /**
     * Ends the stream.
     *
     * @return what is held back, decoded (an incomplete character at the end becomes U+FFFD)
     */
    public String finish() {
        String text = new String(pending, 0, length, StandardCharsets.UTF_8);
        length = 0;
        return text;
    }

    /** How many bytes can be decoded now: all but an incomplete character at the end, if any. */
    static int completeLength(byte[] b, int length) {
        for (int p = length - 1; p >= Math.max(0, length - 4); p--) {
            int x = b[p] & 0xff;
            if ((x & 0xC0) == 0x80) {
                continue; // a continuation byte: look further back for its lead
            }
            int needed = x >= 0xC2 && x <= 0xDF ? 2 : x >= 0xE0 && x <= 0xEF ? 3 : x >= 0xF0 && x <= 0xF4 ? 4 : 1;
            return p + needed > length ? p : length;
        }
        return length;
    }
}
