/**
 * The Nova plugin kit: what a plugin computes with, so that a plugin is only its model, its settings and its
 * generation modes.
 *
 * <p>Plugins may read {@code dev.nova.api}, {@code dev.nova.runtime} and this module, nothing else of Nova's. The
 * host loads it in the shared parent layer next to the runtime (one copy for every plugin layer); the host and
 * the TCK never read it, so listing plugins starts no ND4J.
 */
module dev.nova.kit {
    requires transitive dev.nova.api;
    requires transitive dev.nova.runtime;
    // WAV files and the plugin's own reference.conf, read as the host reads them.
    requires dev.nova.formats;
    // Bulk copies between Java arrays and ND4J's native buffers.
    requires org.bytedeco.javacpp;
    // Per-head attention products through the BLAS ND4J calls, skipping the causal upper triangle.
    requires org.bytedeco.openblas;
    // PNG/JPEG reading for image folders.
    requires java.desktop;
    // Stability markers; not needed at run time.
    requires static org.apiguardian.api;

    /** Plugin plumbing without ND4J: reference configs, settings checks, payload framing, options, seeds. */
    exports dev.nova.kit.support;
    /** Numerics: parallel loops, buffers, parameter sets, layers with backward passes, losses, gradient checks. */
    exports dev.nova.kit.nn;
    /** Optimisation: Adam/AdamW, warm-up and cosine schedule, clipping, weight decay. */
    exports dev.nova.kit.optim;
    /** Token sequences below every modality: training and evaluation windows, token sampling. */
    exports dev.nova.kit.tokens;
    /** Text: strict UTF-8 corpora, code-point vocabularies, text generation. */
    exports dev.nova.kit.text;
    /** Images: IDX files, PNG/JPEG folders, builtin:shapes, epoch orders, image samples. */
    exports dev.nova.kit.image;
    /** Audio: WAV files, resampling, μ-law, builtin:tones, audio folders split by file. */
    exports dev.nova.kit.audio;
    /** Published weights: safetensors files copied into parameters, Hugging Face GPT-2 configurations. */
    exports dev.nova.kit.weights;
}
