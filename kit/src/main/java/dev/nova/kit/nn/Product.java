package dev.nova.kit.nn;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;
import org.nd4j.common.base.Preconditions;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One call site's matrix product, {@code c = alpha·op(a)·op(b) + beta·c}: the op {@link Nd4j#gemm} runs (ND4J's
 * {@code matmul}, oneDNN's kernel), with its native context kept from one call to the next while the operands are
 * the same arrays. {@code Nd4j.gemm} builds the op, a context and the context's native copies of every operand's
 * shape at each call and frees them after: 20-30 µs a product on the 2-core EPYC of 2026-12-07 whatever its size
 * (a 4×4 product took 23-34 µs, against 5-9 µs through a kept context), which a layer's small products (a VAE's
 * 256×64 head, a GRU's per-step recurrent product) paid on every step. The arithmetic is the same op on the same
 * arrays, so the results are {@code Nd4j.gemm}'s to the bit.
 *
 * <p>Operands are compared by identity: a layer's own buffers and its parameters are the same arrays from step to
 * step, so the context is bound once; other arrays bind it again (as costly as {@code Nd4j.gemm}, not more). A
 * call site that multiplies a different array at each position of a sequence keeps one product per position.
 *
 * <p>Not thread-safe: one per call site and thread, as a layer's buffers are. It holds its last operands until
 * others replace them.
 *
 * @since 1.5
 */
@API(status = EXPERIMENTAL, since = "1.5")
public final class Product {

    /** Only the op's name and hash are read by the executioner; the context carries operands and arguments. */
    private final DynamicCustomOp op = DynamicCustomOp.builder("matmul").build();
    private OpContext context;
    private INDArray a;
    private INDArray b;
    private INDArray c;
    private boolean transposeA;
    private boolean transposeB;
    private double alpha;
    private double beta;

    /**
     * Runs the product, counted as a model product ({@link Flops}).
     *
     * @param a the left operand
     * @param b the right operand
     * @param c the result; contiguous (not a view with gaps), as {@code Nd4j.gemm} requires
     * @param transposeA whether to transpose {@code a}
     * @param transposeB whether to transpose {@code b}
     * @param alpha the product's factor
     * @param beta the factor of {@code c}'s previous value
     */
    public void run(INDArray a, INDArray b, INDArray c, boolean transposeA, boolean transposeB, double alpha,
                    double beta) {
        Flops.ran(c.rows(), c.columns(), transposeA ? a.rows() : a.columns());
        if (context == null || a != this.a || b != this.b || c != this.c || transposeA != this.transposeA
                || transposeB != this.transposeB || alpha != this.alpha || beta != this.beta) {
            bind(a, b, c, transposeA, transposeB, alpha, beta);
        }
        Nd4j.getExecutioner().exec(op, context);
    }

    private void bind(INDArray a, INDArray b, INDArray c, boolean transposeA, boolean transposeB, double alpha,
                      double beta) {
        Preconditions.checkArgument(c.elementWiseStride() == 1, "Nd4j.gemm() C array should NOT be a view");
        // The native op reports a mismatch without saying what: checked here, once per binding.
        if (a.rank() != 2 || b.rank() != 2 || c.rank() != 2) {
            throw new IllegalArgumentException("a product of matrices, not of arrays of shapes "
                    + java.util.Arrays.toString(a.shape()) + ", " + java.util.Arrays.toString(b.shape()) + " into "
                    + java.util.Arrays.toString(c.shape()));
        }
        long m = transposeA ? a.columns() : a.rows();
        long k = transposeA ? a.rows() : a.columns();
        long kb = transposeB ? b.columns() : b.rows();
        long n = transposeB ? b.rows() : b.columns();
        if (k != kb || c.rows() != m || c.columns() != n) {
            throw new IllegalArgumentException("cannot multiply " + m + "x" + k + " by " + kb + "x" + n + " into "
                    + c.rows() + "x" + c.columns() + " (transposes " + transposeA + ", " + transposeB + ")");
        }
        if (context == null) {
            context = Nd4j.getExecutioner().buildContext();
        } else {
            // The native context holds every array it was given, and with it a share of the array's native
            // buffer, until purged: without this, a layer given a new input array at every step (image-gru's rows)
            // kept every step's input alive (1,073 MiB of peak RSS after 1,407 steps, against 531).
            context.purge();
        }
        context.setInputArrays(a, b);
        context.setOutputArrays(c);
        // matmul's integer arguments: transpose a, transpose b, transpose the result (as Mmul sets them).
        context.setIArguments(transposeA ? 1 : 0, transposeB ? 1 : 0, 0);
        context.setTArguments(alpha, beta);
        this.a = a;
        this.b = b;
        this.c = c;
        this.transposeA = transposeA;
        this.transposeB = transposeB;
        this.alpha = alpha;
        this.beta = beta;
    }
}
