package dev.nova.vae;

import dev.nova.api.GeneratorProvider;
import dev.nova.tck.ConfigurationVariant;
import dev.nova.tck.GeneratorVerification;

/**
 * vae against the compatibility kit at a second configuration that differs from its profile's in every dimension a
 * user varies (issue 44): a Gaussian likelihood, two encoder layers and a decoder layer of tanh units, a larger latent,
 * AdamW with weight decay and clipping engaged, and another batch and image size.
 */
class VaeVariantTckTests extends GeneratorVerification {

    @Override
    protected GeneratorProvider provider() {
        return ConfigurationVariant.of(new VaeProvider(), """
                data.image-size = 10
                model { likelihood = gaussian, activation = tanh, encoder = [24, 12], decoder = [12], latent = 6 }
                train { batch = 20, optimizer = adamw, weight-decay = 0.01, gradient-clip = 1.0 }
                """, false);
    }
}
