/**
 * Nova plugin {@code text-gru}: a character-level GRU language model that writes text.
 *
 * <p>Exports nothing: the host reaches it only through {@code dev.nova.api.GeneratorProvider}.
 */
module dev.nova.textgru {
    requires dev.nova.api;
    requires dev.nova.runtime;
    // Layers, Adam, the corpus and the token sampler: the plugin is only its model, settings and generation.
    requires dev.nova.kit;

    provides dev.nova.api.GeneratorProvider with dev.nova.textgru.TextGruProvider;
}
