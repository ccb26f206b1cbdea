package dev.nova.kit.nn;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nova.api.GenerativeModel;
import dev.nova.api.StepEvent;
import dev.nova.api.TrainingRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;
import org.apiguardian.api.API;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Model FLOPs, for model-FLOP utilisation: the floating-point operations of a training step's matrix products
 * (2·m·n·k for an m×k by k×n product), forward and backward, plus the optimiser's arithmetic per parameter.
 * Element-wise work (activations, bias additions and sums, normalisation, softmax, the loss) is not counted: it
 * grows with the activations, not with the weights, and is a few percent of the products at the sizes Nova trains.
 *
 * <p>Each layer counts its own products analytically ({@link Dense#trainingFlops}, {@link Gru#trainingFlops},
 * {@link CausalSelfAttention#trainingFlops}), counting the products kit runs: a GRU reading an embedding multiplies
 * the vocabulary's embeddings once per step instead of every position's, and causal attention multiplies only the
 * blocks on and below the diagonal. A plugin sums its layers' counts and declares them to its
 * the optimiser's {@code TrainingCore}; the training loop reports them with every step as
 * {@link #STEP_EVENT_KEY}. The same count serves a peer implementation of the same model, so that utilisations
 * compare as speeds do.
 *
 * <p>The analytic counts are checked against the products a step really runs: every product kit runs for a model
 * goes through {@link #gemm} or {@link #ran}, which add to a count that {@link #counting} reads around a step
 * (a test of each plugin compares the two on a tiny configuration). Counting costs one volatile read per product
 * when nothing counts.
 *
 * @since 1.3
 */
@API(status = EXPERIMENTAL, since = "1.3")
public final class Flops {

    /**
     * The {@link dev.nova.api.StepEvent} extra that carries a step's model FLOPs (a plugin that does not count
     * them leaves it out).
     */
    public static final String STEP_EVENT_KEY = StepEvent.MODEL_FLOPS;

    private static final LongAdder RAN = new LongAdder();
    private static volatile boolean counting;

    private Flops() {
    }

    /**
     * The FLOPs of a product.
     *
     * @param m rows of the result
     * @param n columns of the result
     * @param k the inner dimension
     * @return {@code 2·m·n·k}
     */
    public static double product(long m, long n, long k) {
        return 2.0 * m * n * k;
    }

    /**
     * {@code Nd4j.gemm}, counted as a model product: {@code c = alpha·op(a)·op(b) + beta·c}.
     *
     * @param a the left operand
     * @param b the right operand
     * @param c the result
     * @param transposeA whether to transpose {@code a}
     * @param transposeB whether to transpose {@code b}
     * @param alpha the product's factor
     * @param beta the factor of {@code c}'s previous value
     */
    public static void gemm(INDArray a, INDArray b, INDArray c, boolean transposeA, boolean transposeB, double alpha,
                            double beta) {
        if (counting) {
            ran(c.rows(), c.columns(), transposeA ? a.rows() : a.columns());
        }
        Nd4j.gemm(a, b, c, transposeA, transposeB, alpha, beta);
    }

    /**
     * Records a model product run some other way (a direct BLAS call).
     *
     * @param m rows of the result
     * @param n columns of the result
     * @param k the inner dimension
     */
    public static void ran(long m, long n, long k) {
        if (counting) {
            RAN.add(2L * m * n * k);
        }
    }

    /**
     * Records element-wise model arithmetic that is counted (the optimiser's).
     *
     * @param flops the operations
     */
    public static void ran(long flops) {
        if (counting) {
            RAN.add(flops);
        }
    }

    /**
     * Runs {@code work} and counts the model FLOPs it ran, on any thread. One count at a time in the JVM (it is
     * for tests and benchmarks, not for training runs).
     *
     * @param work what to count
     * @param <T> its result
     * @return the result and the count
     */
    public static synchronized <T> Counted<T> counting(Supplier<T> work) {
        RAN.reset();
        counting = true;
        try {
            T result = work.get();
            return new Counted<>(result, RAN.sum());
        } finally {
            counting = false;
        }
    }

    /**
     * Trains {@code model} one step while counting: the model FLOPs the step declared (its
     * {@link #STEP_EVENT_KEY} extra) next to those its products ran. A model's test compares the two on a tiny
     * configuration; they are equal when the model's count is right.
     *
     * @param model a model that declares its FLOPs
     * @return both counts
     * @throws IllegalStateException if the step declared none
     */
    public static StepCount countStep(GenerativeModel model) {
        List<StepEvent> events = new ArrayList<>();
        long ran = counting(() -> model.train(TrainingRequest.of(1), events::add)).flops();
        Double declared = events.isEmpty() ? null : events.get(0).extras().get(STEP_EVENT_KEY);
        if (declared == null) {
            throw new IllegalStateException("the step declared no " + STEP_EVENT_KEY);
        }
        return new StepCount(declared, ran);
    }

    /**
     * A step's model FLOPs as declared and as counted ({@link #countStep}).
     *
     * @param declared what the model declared
     * @param ran what its products and optimiser ran
     */
    public record StepCount(double declared, long ran) {
    }

    /**
     * What {@link #counting} counted.
     *
     * @param result the work's result
     * @param flops the model FLOPs it ran
     * @param <T> the result's type
     */
    public record Counted<T>(T result, long flops) {
    }
}
