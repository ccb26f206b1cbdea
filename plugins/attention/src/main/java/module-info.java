/**
 * Nova plugin {@code attention}: a decoder-only character transformer (GPT-style, pre-LayerNorm) that samples with
 * a key/value cache.
 *
 * <p>Exports nothing: the host reaches it only through {@code dev.nova.api.GeneratorProvider}.
 */
module dev.nova.attention {
    requires dev.nova.api;
    requires dev.nova.runtime;
    // Attention, layer norm, GELU, embeddings, Adam/AdamW, the corpus and the token sampler.
    requires dev.nova.kit;

    provides dev.nova.api.GeneratorProvider with dev.nova.attention.AttentionProvider;
}
