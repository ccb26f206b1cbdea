package dev.nova.host.internal.run;

import dev.nova.api.GenerationListener;
import dev.nova.api.GenerationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.Modality;
import dev.nova.api.ReferenceData;
import dev.nova.api.Sample;
import dev.nova.host.internal.quality.TextQuality;
import dev.nova.host.internal.support.PluginCalls;
import dev.nova.host.internal.support.UsageException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The sample-quality metrics of a model, computed by the host from samples and the model's {@link ReferenceData}, so
 * that every plugin of a modality has them without code of its own. Each metric comes with its reference, the same
 * figure on real held-out data ({@code real.<metric>}).
 */
final class SampleQuality {

    /** The prefix of a metric's reference, measured on real held-out data. */
    static final String REAL = "real.";

    private final String pluginId;
    private final Class<?> pluginClass;
    private final Modality modality;
    private TextQuality index;
    private String indexed;

    /**
     * Creates the measurer of one plugin's models.
     *
     * @param pluginId the plugin
     * @param pluginClass its provider's class, for messages
     * @param modality its modality
     */
    SampleQuality(String pluginId, Class<?> pluginClass, Modality modality) {
        this.pluginId = pluginId;
        this.pluginClass = pluginClass;
        this.modality = modality;
    }

    /**
     * Measures a model.
     *
     * @param model the model
     * @param samples how many samples
     * @param length characters per text sample
     * @param seed the samples' seed
     * @return each metric of the samples, then each reference ({@value #REAL}...)
     * @throws UsageException when the plugin's models offer no reference data, or the modality has no metrics yet
     */
    Map<String, Double> measure(GenerativeModel model, int samples, int length, long seed) {
        ReferenceData ref = reference(model);
        String training = text(ref, ReferenceData.Split.TRAINING);
        String heldOut = text(ref, ReferenceData.Split.HELD_OUT);
        if (index == null || !training.equals(indexed)) {
            index = new TextQuality(training);
            indexed = training;
        }
        GenerationRequest request = new GenerationRequest(samples, seed, Map.of(GenerationRequest.LENGTH, length),
                GenerationListener.NONE);
        List<Sample> generated = PluginCalls.call(pluginId, pluginClass, "generate", () -> model.generate(request));
        List<String> texts = new ArrayList<>();
        List<Integer> lengths = new ArrayList<>();
        for (Sample s : generated) {
            if (s instanceof Sample.Text t) {
                texts.add(t.text());
                lengths.add(t.text().codePointCount(0, t.text().length()));
            }
        }
        Map<String, Double> out = new LinkedHashMap<>(index.of(texts));
        index.of(TextQuality.passages(heldOut, lengths)).forEach((k, v) -> out.put(REAL + k, v));
        return out;
    }

    /**
     * The model's reference data, when this version can measure the model.
     *
     * @param model the model
     * @return its reference data
     * @throws UsageException naming the plugin when its models offer none, or when the modality has no metrics yet
     */
    ReferenceData reference(GenerativeModel model) {
        if (modality != Modality.TEXT) {
            throw new UsageException("sample-quality metrics of " + modality.toString().toLowerCase(java.util.Locale.ROOT)
                    + " models (Fréchet distance, precision and recall, class consistency) are not in this version yet;"
                    + " text models have them");
        }
        Optional<ReferenceData> ref = PluginCalls.call(pluginId, pluginClass, "referenceData", model::referenceData);
        if (ref == null || ref.isEmpty()) {
            throw new UsageException("plugin '" + pluginId + "' offers no reference data for sample-quality metrics"
                    + " (GenerativeModel.referenceData(), plugin API 1.3)");
        }
        return ref.get();
    }

    private String text(ReferenceData ref, ReferenceData.Split split) {
        Optional<String> t = PluginCalls.call(pluginId, pluginClass, "referenceData().text", () -> ref.text(split));
        if (t == null || t.isEmpty()) {
            throw new UsageException("plugin '" + pluginId + "' gives no " + (split == ReferenceData.Split.TRAINING
                    ? "training" : "held-out") + " text for sample-quality metrics (ReferenceData.text)");
        }
        return t.get();
    }
}
