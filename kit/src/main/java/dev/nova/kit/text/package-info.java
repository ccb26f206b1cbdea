/**
 * Text data for character-level models: strict UTF-8 {@link dev.nova.kit.text.Corpus} reading (files, folders,
 * built-in samples; byte-offset errors), a code-point {@link dev.nova.kit.text.Vocabulary}, the held-out tail,
 * and text generation; a corpus is a {@link dev.nova.kit.tokens.TokenSequence}, cut into
 * {@link dev.nova.kit.tokens.Windows} and sampled with the {@link dev.nova.kit.tokens.TokenSampler} of
 * {@code dev.nova.kit.tokens} (where those two lived until 1.4).
 *
 * @since 0.1
 */
package dev.nova.kit.text;
