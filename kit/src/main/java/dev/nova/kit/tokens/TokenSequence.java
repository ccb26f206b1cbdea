package dev.nova.kit.tokens;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * A sequence of tokens to train on, split into a training head and a held-out tail: what training windows are cut
 * from, whatever the tokens stand for (characters of a text, levels of a sound).
 *
 * @since 1.4
 */
@API(status = EXPERIMENTAL, since = "1.4")
public interface TokenSequence {

    /** The whole sequence, as token indices. */
    int[] tokens();

    /** Tokens before this index are for training; the rest are held out. */
    int trainEnd();
}
