/**
 * Nova's formats: plumbing below the host and the kit, with no DL4J and nothing of Nova's.
 *
 * <p>Both the host and the kit read it, so that a file the kit accepts for training is read the same way when the host
 * is given it (a WAV prompt), with the same message when it is refused.
 */
module dev.nova.formats {
    // Stability markers; not needed at run time.
    requires static org.apiguardian.api;
    // GPT-2's vocabulary files (vocab.json, encoder.json) are JSON.
    requires com.fasterxml.jackson.jr.ob;

    /** WAV files: a strict reader and a 16-bit PCM writer. */
    exports dev.nova.formats.wav;
    /** A module's own resources (its reference.conf), on the module path and the class path alike. */
    exports dev.nova.formats.resources;
    /** Byte-level BPE tokenizers: trained on a text, read from GPT-2's files, streamed back into text. */
    exports dev.nova.formats.tokens;
    /** Weights files of other tools: safetensors, memory-mapped and checked before any tensor is read. */
    exports dev.nova.formats.weights;
}
