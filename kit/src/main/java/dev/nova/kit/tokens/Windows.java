package dev.nova.kit.tokens;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nova.kit.support.Seeds;
import java.util.Random;
import org.apiguardian.api.API;

/**
 * Batches of token windows for next-token training, time-major: {@code inputs[t][b]} is position t of window b,
 * {@code labels[t][b]} the token after it.
 *
 * @param inputs {@code [time][batch]} tokens
 * @param labels {@code [time][batch]} next tokens
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record Windows(int[][] inputs, int[][] labels) {

    /**
     * Windows at random offsets of the training head, one uniform draw per window in order (a pure function of
     * the random source: key it by seed and step, and resume is exact).
     *
     * @param corpus the token sequence (a text corpus, a sound's levels)
     * @param time window length
     * @param batch windows
     * @param random the source of the offsets
     * @return the batch
     */
    public static Windows random(TokenSequence corpus, int time, int batch, Random random) {
        int[][] idx = new int[time][batch];
        int[][] lab = new int[time][batch];
        int span = corpus.trainEnd() - time;
        int[] tokens = corpus.tokens();
        for (int j = 0; j < batch; j++) {
            int off = random.nextInt(span);
            for (int i = 0; i < time; i++) {
                idx[i][j] = tokens[off + i];
                lab[i][j] = tokens[off + i + 1];
            }
        }
        return new Windows(idx, lab);
    }

    /**
     * Windows {@code [from, to)} of step {@code step}'s batch of windows at random offsets of the training head,
     * window {@code j}'s offset drawn from its own stream ({@code Seeds.item(seed, Seeds.DATA, step, j)}): a
     * window does not depend on how the batch is sliced, which data-parallel training needs.
     *
     * @param corpus the token sequence (a text corpus, a sound's levels)
     * @param time window length
     * @param seed the run's seed
     * @param step the step
     * @param from the first window of the step's batch
     * @param to the window after the last
     * @return {@code to − from} windows
     * @since 0.2
     */
    public static Windows random(TokenSequence corpus, int time, long seed, long step, int from, int to) {
        return at(corpus.tokens(), randomOffsets(corpus, time, seed, step, from, to), time);
    }

    /**
     * Where {@link #random} starts windows {@code [from, to)} of step {@code step}.
     *
     * @param corpus the token sequence (a text corpus, a sound's levels)
     * @param time window length
     * @param seed the run's seed
     * @param step the step
     * @param from the first window of the step's batch
     * @param to the window after the last
     * @return {@code to − from} offsets into the corpus's tokens
     * @since 1.4
     */
    public static int[] randomOffsets(TokenSequence corpus, int time, long seed, long step, int from, int to) {
        int span = corpus.trainEnd() - time;
        int[] offsets = new int[to - from];
        for (int j = 0; j < offsets.length; j++) {
            offsets[j] = Seeds.item(seed, Seeds.DATA, step, from + j).nextInt(span);
        }
        return offsets;
    }

    /**
     * Windows of {@code time} tokens at the given offsets, each with the next {@code time} tokens as labels.
     *
     * @param tokens the tokens
     * @param offsets where each window starts ({@code offset + time} is within the tokens)
     * @param time window length
     * @return the windows
     * @since 1.4
     */
    public static Windows at(int[] tokens, int[] offsets, int time) {
        int batch = offsets.length;
        int[][] idx = new int[time][batch];
        int[][] lab = new int[time][batch];
        for (int j = 0; j < batch; j++) {
            int off = offsets[j];
            for (int i = 0; i < time; i++) {
                idx[i][j] = tokens[off + i];
                lab[i][j] = tokens[off + i + 1];
            }
        }
        return new Windows(idx, lab);
    }

    /**
     * Batch {@code k} of consecutive, non-overlapping windows of {@code time + 1} tokens, for evaluation.
     *
     * @param tokens the text
     * @param k the batch index (windows {@code k·batch} to {@code (k+1)·batch − 1})
     * @param time window length
     * @param batch windows per batch
     * @return the batch
     */
    public static Windows consecutive(int[] tokens, int k, int time, int batch) {
        int[][] idx = new int[time][batch];
        int[][] lab = new int[time][batch];
        for (int j = 0; j < batch; j++) {
            int off = (k * batch + j) * (time + 1);
            for (int i = 0; i < time; i++) {
                idx[i][j] = tokens[off + i];
                lab[i][j] = tokens[off + i + 1];
            }
        }
        return new Windows(idx, lab);
    }

    /**
     * Windows {@code first} to {@code first + count − 1} of a tiling of the text into windows of {@code time} inputs
     * that start {@code time} tokens apart, each with the next {@code time} tokens as labels: every token after the
     * first is scored exactly once over the tiling (as a transformer with a context of {@code time} is evaluated).
     *
     * @param tokens the text
     * @param first the first window
     * @param count windows
     * @param time window length
     * @return the windows
     * @since 1.1
     */
    public static Windows tiled(int[] tokens, int first, int count, int time) {
        int[][] idx = new int[time][count];
        int[][] lab = new int[time][count];
        for (int j = 0; j < count; j++) {
            int off = (first + j) * time;
            for (int i = 0; i < time; i++) {
                idx[i][j] = tokens[off + i];
                lab[i][j] = tokens[off + i + 1];
            }
        }
        return new Windows(idx, lab);
    }

    /** Window length. */
    public int time() {
        return inputs.length;
    }

    /** Windows. */
    public int batch() {
        return inputs[0].length;
    }

    /**
     * The inputs flattened time-major ({@code t·batch + b}).
     *
     * @return {@code time·batch} tokens
     */
    public int[] flatInputs() {
        return flatten(inputs);
    }

    /**
     * The labels flattened time-major ({@code t·batch + b}).
     *
     * @return {@code time·batch} tokens
     */
    public int[] flatLabels() {
        return flatten(labels);
    }

    /**
     * The inputs flattened batch-major ({@code b·time + t}), as attention layers read sequences.
     *
     * @return {@code time·batch} tokens
     */
    public int[] batchMajorInputs() {
        return transpose(inputs);
    }

    /**
     * The labels flattened batch-major ({@code b·time + t}).
     *
     * @return {@code time·batch} tokens
     */
    public int[] batchMajorLabels() {
        return transpose(labels);
    }

    private static int[] transpose(int[][] tokens) {
        int t = tokens.length;
        int b = tokens[0].length;
        int[] flat = new int[t * b];
        for (int i = 0; i < t; i++) {
            for (int j = 0; j < b; j++) {
                flat[j * t + i] = tokens[i][j];
            }
        }
        return flat;
    }

    private static int[] flatten(int[][] tokens) {
        int t = tokens.length;
        int b = tokens[0].length;
        int[] flat = new int[t * b];
        for (int i = 0; i < t; i++) {
            System.arraycopy(tokens[i], 0, flat, i * b, b);
        }
        return flat;
    }
}
