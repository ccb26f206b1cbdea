/**
 * Token sequences, below the numerics and the readers of any modality: a {@link dev.nova.kit.tokens.TokenSequence}
 * with its training head, training and evaluation {@link dev.nova.kit.tokens.Windows} cut from it (each a pure function
 * of seed, step and window index), and the {@link dev.nova.kit.tokens.TokenSampler} that draws the next token
 * (temperature, top-k, top-p, greedy). Layers read windows, readers make sequences, and neither reads the other.
 *
 * @since 1.4
 */
package dev.nova.kit.tokens;
