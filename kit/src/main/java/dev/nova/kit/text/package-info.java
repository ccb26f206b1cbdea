/**
 * Text data for character-level models: strict UTF-8 {@link dev.nova.kit.text.Corpus} reading (files, folders,
 * built-in samples; byte-offset errors), a code-point {@link dev.nova.kit.text.Vocabulary}, the held-out tail,
 * training and evaluation {@link dev.nova.kit.text.Windows}, and {@link dev.nova.kit.text.TokenSampler}
 * (temperature, top-k, top-p, greedy).
 *
 * @since 0.1
 */
package dev.nova.kit.text;
