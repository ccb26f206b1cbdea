package dev.nova.imagegru.internal;

import dagger.BindsInstance;
import dagger.Component;
import dagger.Provides;
import dev.nova.api.ModelContext;
import dev.nova.kit.image.ImageSource;
import dev.nova.kit.optim.Adam;
import jakarta.inject.Named;
import java.util.List;

/** Builds a model's internals from its settings, the host's context, its data and its classes. */
@jakarta.inject.Singleton
@Component(modules = ImageGruComponent.Wiring.class)
public interface ImageGruComponent {

    /** The model. */
    ImageGruModel model();

    /** Creates the component. */
    @Component.Factory
    interface Factory {
        /**
         * Creates the graph.
         *
         * @param settings the plugin's settings
         * @param context what the host handed the model
         * @param data the images (read on first use)
         * @param classes the class names the model conditions on (from the data, or the checkpoint)
         * @return the component
         */
        ImageGruComponent create(@BindsInstance Settings settings, @BindsInstance ModelContext context,
                                 @BindsInstance ImageSource data, @BindsInstance @Named("classes") List<String> classes);
    }

    /**
     * The factory.
     *
     * @return Dagger's generated factory
     */
    static Factory factory() {
        return DaggerImageGruComponent.factory();
    }

    /** How the network and optimiser are made. */
    @dagger.Module
    final class Wiring {
        private Wiring() {
        }

        @Provides
        @jakarta.inject.Singleton
        static RowGruNetwork network(Settings s, ModelContext context, @Named("classes") List<String> classes) {
            return new RowGruNetwork(s.imageSize(), s.conditional() ? classes.size() : 0, s.latent(), s.hidden(), s.layers(),
                    s.encoderMode(), s.encoder(), s.activation(), context.seed());
        }

        @Provides
        @jakarta.inject.Singleton
        static Adam optimizer(Settings s, RowGruNetwork network) {
            return new Adam(s.train(), network.params());
        }
    }
}
