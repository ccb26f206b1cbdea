package dev.nova.attention;

import dev.nova.api.GeneratorProvider;
import dev.nova.tck.ConfigurationVariant;
import dev.nova.tck.GeneratorVerification;

/** attention against the compatibility kit with a byte-level BPE trained on the conformance corpus. */
class AttentionBpeTckTests extends GeneratorVerification {

    @Override
    protected GeneratorProvider provider() {
        return ConfigurationVariant.of(new AttentionProvider(), "data.tokenizer = bpe, tokenizer.vocab-size = 270", true);
    }
}
