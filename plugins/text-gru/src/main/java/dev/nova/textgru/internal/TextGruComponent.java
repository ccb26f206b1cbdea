package dev.nova.textgru.internal;

import dagger.BindsInstance;
import dagger.Component;
import dagger.Provides;
import dev.nova.api.ModelContext;
import dev.nova.kit.optim.Adam;
import dev.nova.kit.text.TextSource;
import dev.nova.kit.text.Vocabulary;

/** Builds a model's internals from its settings, the host's context and the vocabulary. */
@jakarta.inject.Singleton
@Component(modules = TextGruComponent.Wiring.class)
public interface TextGruComponent {

    /** The model. */
    TextGruModel model();

    /** Creates the component. */
    @Component.Factory
    interface Factory {
        /**
         * Creates the graph.
         *
         * @param settings the plugin's settings
         * @param context what the host handed the model
         * @param vocabulary from the corpus (new model) or the checkpoint (restore)
         * @param text the training text (read already for a new model, on first use for a restored one)
         * @return the component
         */
        TextGruComponent create(@BindsInstance Settings settings, @BindsInstance ModelContext context,
                                @BindsInstance Vocabulary vocabulary, @BindsInstance TextSource text);
    }

    /**
     * The factory.
     *
     * @return Dagger's generated factory
     */
    static Factory factory() {
        return DaggerTextGruComponent.factory();
    }

    /** How the network and optimiser are made. */
    @dagger.Module
    final class Wiring {
        private Wiring() {
        }

        @Provides
        @jakarta.inject.Singleton
        static GruNetwork network(Settings s, Vocabulary v, ModelContext context) {
            return new GruNetwork(v.size(), s.embedding(), s.layers(), s.hidden(), s.dropout(), context.seed());
        }

        @Provides
        @jakarta.inject.Singleton
        static Adam optimizer(Settings s, GruNetwork network) {
            return new Adam(s.train(), network.params());
        }
    }
}
