/**
 * Nova plugin {@code vae}: a variational autoencoder for grey-scale images.
 *
 * <p>Exports nothing: the host reaches it only through {@code dev.nova.api.GeneratorProvider}.
 */
module dev.nova.vae {
    requires dev.nova.api;
    requires dev.nova.runtime;
    // Bulk copies between Java arrays and ND4J buffers.
    requires org.bytedeco.javacpp;
    // PNG/JPEG reading (image folders, reconstruction inputs) and figure drawing.
    requires java.desktop;
    requires dagger;
    requires jakarta.inject;
    // @Generated on Dagger's generated code.
    requires static java.compiler;

    provides dev.nova.api.GeneratorProvider with dev.nova.vae.VaeProvider;
}
