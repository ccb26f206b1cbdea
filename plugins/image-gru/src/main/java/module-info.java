/**
 * Nova plugin {@code image-gru}: a class-conditional image generator that writes an image row by row with a GRU
 * whose initial state comes from a class and a latent code.
 *
 * <p>Exports nothing: the host reaches it only through {@code dev.nova.api.GeneratorProvider}.
 */
module dev.nova.imagegru {
    requires dev.nova.api;
    requires dev.nova.runtime;
    // GRU, dense layers, losses, the Gaussian latent, Adam and the image readers.
    requires dev.nova.kit;

    provides dev.nova.api.GeneratorProvider with dev.nova.imagegru.ImageGruProvider;
}
