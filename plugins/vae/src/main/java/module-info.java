/**
 * Nova plugin {@code vae}: a variational autoencoder for grey-scale images.
 *
 * <p>Exports nothing: the host reaches it only through {@code dev.nova.api.GeneratorProvider}.
 */
module dev.nova.vae {
    requires dev.nova.api;
    requires dev.nova.runtime;
    // Dense layers, losses, Adam, image readers and payload framing: the plugin is only its model, settings and
    // generation modes.
    requires dev.nova.kit;
    // Figure drawing (the latent scatter plot).
    requires java.desktop;

    provides dev.nova.api.GeneratorProvider with dev.nova.vae.VaeProvider;
}
