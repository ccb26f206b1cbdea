package dev.nova.attention.internal;

import dev.nova.api.ModelContext;
import dev.nova.kit.text.Corpus;
import dev.nova.kit.text.Vocabulary;
import jakarta.inject.Inject;

/** Reads the training corpus on first use, so that restoring a model to sample from it needs no data. */
public final class CorpusLoader {

    private final Settings settings;
    private final ModelContext context;
    private final Vocabulary vocabulary;
    private Corpus corpus;

    @Inject
    CorpusLoader(Settings settings, ModelContext context, Vocabulary vocabulary) {
        this.settings = settings;
        this.context = context;
        this.vocabulary = vocabulary;
    }

    /**
     * The corpus path with a relative path resolved against the run's base directory.
     *
     * @param path as configured
     * @param context the model's context
     * @return the path to read
     */
    public static String resolve(String path, ModelContext context) {
        return path.startsWith(Corpus.BUILTIN) ? path : context.resolve(path).toString();
    }

    /**
     * Reads text the way this plugin does.
     *
     * @param path a resolved path or {@code builtin:<name>}
     * @return the text
     */
    public static String read(String path) {
        return Corpus.read(Attention.ID, path, CorpusLoader.class.getModule());
    }

    /** Sets an already read corpus. */
    void preload(Corpus c) {
        corpus = c;
    }

    /** The corpus, read and encoded with the model's vocabulary. */
    public Corpus get() {
        if (corpus == null) {
            String path = resolve(settings.dataPath(), context);
            corpus = Corpus.of(Attention.ID, read(path), vocabulary, settings.holdout(), settings.context() + 1, path);
        }
        return corpus;
    }
}
