package dev.nova.attention.internal;

import dagger.BindsInstance;
import dagger.Component;
import dagger.Provides;
import dev.nova.api.ModelContext;
import dev.nova.kit.optim.Adam;
import dev.nova.kit.text.TextSource;
import dev.nova.kit.text.Vocabulary;

/** Builds a model's internals from its settings, the host's context and the vocabulary. */
@jakarta.inject.Singleton
@Component(modules = AttentionComponent.Wiring.class)
public interface AttentionComponent {

    /** The model. */
    AttentionModel model();

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
        AttentionComponent create(@BindsInstance Settings settings, @BindsInstance ModelContext context,
                                  @BindsInstance Vocabulary vocabulary, @BindsInstance TextSource text);
    }

    /**
     * The factory.
     *
     * @return Dagger's generated factory
     */
    static Factory factory() {
        return DaggerAttentionComponent.factory();
    }

    /** How the network and optimiser are made. */
    @dagger.Module
    final class Wiring {
        private Wiring() {
        }

        @Provides
        @jakarta.inject.Singleton
        static TransformerNetwork network(Settings s, Vocabulary v, ModelContext context) {
            return new TransformerNetwork(v.size(), s.layers(), s.heads(), s.width(), s.context(), s.dropout(),
                    s.tieWeights(), context.seed());
        }

        @Provides
        @jakarta.inject.Singleton
        static Adam optimizer(Settings s, TransformerNetwork network) {
            return new Adam(s.train(), network.params());
        }
    }
}
