/**
 * Numerics for plugins that write their own forward and backward passes on ND4J: deterministic parallel loops,
 * copies between Java arrays and ND4J buffers, named parameter sets, layers ({@link dev.nova.kit.nn.Dense},
 * {@link dev.nova.kit.nn.Embedding}, {@link dev.nova.kit.nn.Gru}, {@link dev.nova.kit.nn.Dropout}), losses fused
 * with their gradients ({@link dev.nova.kit.nn.Losses}) and a finite-difference {@link dev.nova.kit.nn.GradientCheck}.
 *
 * <p>Why hand-written passes: measured on a 2-core machine at text-gru's parity size, SameDiff's {@code gru} op
 * trained 5x slower than the backpropagation through time here (1.06 s against 0.15 s a step), a SameDiff VAE 4x
 * slower (40.9 ms against about 10 ms). Matrix products run as BLAS {@code gemm} into row-major arrays; the
 * element-wise parts run in Java over bulk copies, split across the cores.
 *
 * <p>Layers compute in the data type of their {@link dev.nova.kit.nn.ParamSet}: {@code FLOAT} for training,
 * {@code DOUBLE} for gradient checks. They are not thread-safe: a layer keeps what its forward pass computed for
 * its backward pass.
 *
 * @since 0.1
 */
package dev.nova.kit.nn;
