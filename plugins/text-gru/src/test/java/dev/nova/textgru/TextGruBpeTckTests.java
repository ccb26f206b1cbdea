package dev.nova.textgru;

import dev.nova.api.GeneratorProvider;
import dev.nova.tck.ConfigurationVariant;
import dev.nova.tck.GeneratorVerification;

/** text-gru against the compatibility kit with a byte-level BPE trained on the conformance corpus. */
class TextGruBpeTckTests extends GeneratorVerification {

    @Override
    protected GeneratorProvider provider() {
        return ConfigurationVariant.of(new TextGruProvider(), "data.tokenizer = bpe, tokenizer.vocab-size = 270", true);
    }
}
