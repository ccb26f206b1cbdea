/**
 * Nova plugin {@code audio-gru}: a sample-level GRU over μ-law levels that writes audio.
 *
 * <p>Exports nothing: the host reaches it only through {@code dev.nova.api.GeneratorProvider}.
 */
module dev.nova.audiogru {
    requires dev.nova.api;
    requires dev.nova.runtime;
    // Layers (TokenGru), Adam, WAV reading, resampling, μ-law and the token sampler.
    requires dev.nova.kit;

    provides dev.nova.api.GeneratorProvider with dev.nova.audiogru.AudioGruProvider;
}
