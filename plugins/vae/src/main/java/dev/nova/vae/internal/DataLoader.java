package dev.nova.vae.internal;

import dev.nova.api.ModelContext;
import dev.nova.kit.image.ImageData;
import dev.nova.kit.image.ImageSet;
import jakarta.inject.Inject;

/** Reads the data on first use, so that restoring a model to sample from the prior needs no data. */
public final class DataLoader {

    private final Settings settings;
    private final ModelContext context;
    private ImageSet.Split split;

    @Inject
    DataLoader(Settings settings, ModelContext context) {
        this.settings = settings;
        this.context = context;
    }

    /** The data path with a relative path resolved against the run's base directory. */
    String location() {
        String path = settings.dataPath();
        return path.startsWith(ImageData.BUILTIN) ? path : context.resolve(path).toString();
    }

    /** The training (limited to {@code data.limit}) and held-out images. */
    public ImageSet.Split get() {
        if (split == null) {
            ImageSet.Split s = ImageData.load(Vae.ID, location(), settings.imageSize(), settings.holdout());
            split = new ImageSet.Split(s.train().limit(settings.limit()), s.test());
        }
        return split;
    }
}
