package dev.nova.attention;

import dev.nova.api.GeneratorProvider;
import dev.nova.tck.ConfigurationVariant;
import dev.nova.tck.GeneratorVerification;

/**
 * attention against the compatibility kit with a byte-level BPE trained on the conformance corpus, and a tied head:
 * a model GPT-2's formats hold, so that rule 12.1 writes it as safetensors and GGUF and reads it back.
 */
class AttentionBpeTckTests extends GeneratorVerification {

    @Override
    protected GeneratorProvider provider() {
        return ConfigurationVariant.of(new AttentionProvider(),
                "data.tokenizer = bpe, tokenizer.vocab-size = 270, model.tie-weights = true", true);
    }
}
