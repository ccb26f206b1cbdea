package dev.nova.vae.internal;

import dagger.BindsInstance;
import dagger.Component;
import dagger.Provides;
import dev.nova.api.ModelContext;
import dev.nova.kit.image.ImageSource;
import dev.nova.kit.optim.Adam;

/** Builds a model's internals from its settings and the host's context. */
@jakarta.inject.Singleton
@Component(modules = VaeComponent.Wiring.class)
public interface VaeComponent {

    /** The model. */
    VaeModel model();

    /** Creates the component. */
    @Component.Factory
    interface Factory {
        /**
         * Creates the graph.
         *
         * @param settings the plugin's settings
         * @param context what the host handed the model
         * @return the component
         */
        VaeComponent create(@BindsInstance Settings settings, @BindsInstance ModelContext context);
    }

    /**
     * The factory.
     *
     * @return Dagger's generated factory
     */
    static Factory factory() {
        return DaggerVaeComponent.factory();
    }

    /** How the network and optimiser are made. */
    @dagger.Module
    final class Wiring {
        private Wiring() {
        }

        @Provides
        @jakarta.inject.Singleton
        static VaeNetwork network(Settings s, ModelContext context) {
            return new VaeNetwork(s.pixels(), s.encoder(), s.latent(), s.decoder(), s.activation(), s.likelihood(),
                    s.gaussianSigma(), context.seed());
        }

        @Provides
        @jakarta.inject.Singleton
        static ImageSource data(Settings s, ModelContext context) {
            return new ImageSource(Vae.ID, s.dataPath(), context, s.imageSize(), s.holdout(), s.limit());
        }

        @Provides
        @jakarta.inject.Singleton
        static Adam optimizer(Settings s, VaeNetwork network) {
            return new Adam(s.train(), network.params());
        }
    }
}
