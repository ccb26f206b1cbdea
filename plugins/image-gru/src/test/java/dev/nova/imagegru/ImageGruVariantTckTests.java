package dev.nova.imagegru;

import dev.nova.api.GeneratorProvider;
import dev.nova.tck.ConfigurationVariant;
import dev.nova.tck.GeneratorVerification;

/**
 * image-gru against the compatibility kit at a second configuration that differs from its profile's in every dimension
 * a user varies (issue 44): unconditional, a deeper encoder, two GRU layers of tanh units, AdamW with weight decay and
 * clipping engaged, and another batch and image size. (The prior latent mode is left out: the profile declares the
 * reconstruct mode, which needs the encoder.)
 */
class ImageGruVariantTckTests extends GeneratorVerification {

    @Override
    protected GeneratorProvider provider() {
        return ConfigurationVariant.of(new ImageGruProvider(), """
                data.image-size = 10
                model { conditional = false, encoder = [20, 10], latent = 5, layers = 2, hidden = 12, activation = tanh }
                train { batch = 12, optimizer = adamw, weight-decay = 0.01, gradient-clip = 1.0 }
                """, false);
    }
}
