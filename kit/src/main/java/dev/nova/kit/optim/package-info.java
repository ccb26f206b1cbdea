/**
 * Optimisation: {@link dev.nova.kit.optim.Adam} (Adam or AdamW with PyTorch's update rule), global-norm clipping,
 * weight decay, and the warm-up plus cosine learning-rate schedule, all read from one
 * {@link dev.nova.kit.optim.TrainSettings}.
 *
 * @since 0.1
 */
package dev.nova.kit.optim;
