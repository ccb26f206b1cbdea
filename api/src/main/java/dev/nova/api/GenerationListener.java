package dev.nova.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;
import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * Receives generated text as it is produced, so that the host can stream it.
 *
 * <p>STABLE since API 1.3 (EXPERIMENTAL from 1.0): the STABLE {@link GenerationRequest} holds it, and {@link #onText}
 * has not changed since 1.0; {@link #onNotice}, added in 1.1, stays EXPERIMENTAL.
 *
 * @since 1.0
 */
@API(status = STABLE, since = "1.3")
@FunctionalInterface
public interface GenerationListener {

    /**
     * Called with each new piece of a sample, in order; the prompt is not repeated.
     *
     * @param sampleIndex which sample, from 0
     * @param text the new text
     */
    void onText(int sampleIndex, String text);

    /**
     * A notice about the request that does not stop it, for the user (the host prints it on standard error), for
     * example that a prompt longer than the model's context was cropped to its last part.
     *
     * @param message one line
     * @since 1.1
     */
    @API(status = EXPERIMENTAL, since = "1.1")
    default void onNotice(String message) {
    }

    /**
     * A generated token with its log-probability, when the request asks for them ({@link GenerationRequest#LOGPROBS}):
     * called before the text the token completes reaches {@link #onText}.
     *
     * @param sampleIndex which sample, from 0
     * @param choice the token, its log-probability and the most likely alternatives
     * @since 1.4
     */
    @API(status = EXPERIMENTAL, since = "1.4")
    default void onToken(int sampleIndex, TokenChoice choice) {
    }

    /** A listener that ignores everything. */
    GenerationListener NONE = (i, t) -> { };
}
