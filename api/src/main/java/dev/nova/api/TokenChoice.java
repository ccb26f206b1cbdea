package dev.nova.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Arrays;
import org.apiguardian.api.API;

/**
 * A generated token and how likely the model found it: the natural logarithm of its probability under the model's own
 * distribution (the softmax of its scores, before temperature, top-k or top-p shape the draw), and the most likely
 * tokens at that position with theirs, most likely first.
 *
 * @param token the token's id in the model's tokenizer
 * @param logprob its log-probability, at most 0
 * @param alternatives the most likely tokens' ids, most likely first
 * @param alternativeLogprobs their log-probabilities, in the same order
 * @since 1.4
 */
@API(status = EXPERIMENTAL, since = "1.4")
public record TokenChoice(int token, double logprob, int[] alternatives, double[] alternativeLogprobs) {

    /** The most alternatives a request may ask for. */
    public static final int MAX_ALTERNATIVES = 20;

    /** Checks and copies the arguments. */
    public TokenChoice {
        if (alternatives.length != alternativeLogprobs.length || alternatives.length > MAX_ALTERNATIVES) {
            throw new IllegalArgumentException(alternatives.length + " alternatives and " + alternativeLogprobs.length
                    + " log-probabilities; expected as many of each, at most " + MAX_ALTERNATIVES);
        }
        alternatives = alternatives.clone();
        alternativeLogprobs = alternativeLogprobs.clone();
    }

    @Override
    public int[] alternatives() {
        return alternatives.clone();
    }

    @Override
    public double[] alternativeLogprobs() {
        return alternativeLogprobs.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TokenChoice c && c.token == token && Double.compare(c.logprob, logprob) == 0
                && Arrays.equals(c.alternatives, alternatives) && Arrays.equals(c.alternativeLogprobs, alternativeLogprobs);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * Integer.hashCode(token) + Double.hashCode(logprob)) + Arrays.hashCode(alternatives);
    }

    @Override
    public String toString() {
        return "TokenChoice[" + token + ", " + logprob + ", " + Arrays.toString(alternatives) + "]";
    }
}
