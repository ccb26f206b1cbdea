package dev.nova.host.internal.quality;

import dev.nova.api.GenerationListener;
import dev.nova.api.GenerationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.Modality;
import dev.nova.api.ReferenceData;
import dev.nova.api.Sample;
import dev.nova.host.internal.support.UsageException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The sample-quality metrics of a model, computed by the host from samples and the model's {@link ReferenceData}, so
 * that every plugin of a modality has them without code of its own. Each metric comes with its reference, the same
 * figure on real held-out data ({@code real.<metric>}). The host hands it models from its one door
 * ({@code internal.model}), so that every call into the plugin here is guarded.
 */
public final class SampleQuality {

    /** The prefix of a metric's reference, measured on real held-out data. */
    public static final String REAL = "real.";

    private final String pluginId;
    private final Modality modality;
    private TextQuality index;
    private String indexed;

    /**
     * Creates the measurer of one plugin's models.
     *
     * @param pluginId the plugin
     * @param modality its modality
     */
    public SampleQuality(String pluginId, Modality modality) {
        this.pluginId = pluginId;
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
    public Map<String, Double> measure(GenerativeModel model, int samples, int length, long seed) {
        ReferenceData ref = reference(model);
        if (modality == Modality.IMAGE) {
            return images(model, ref, samples, seed);
        }
        String training = text(ref, ReferenceData.Split.TRAINING);
        String heldOut = text(ref, ReferenceData.Split.HELD_OUT);
        if (index == null || !training.equals(indexed)) {
            index = new TextQuality(training);
            indexed = training;
        }
        GenerationRequest request = new GenerationRequest(samples, seed, Map.of(GenerationRequest.LENGTH, length),
                GenerationListener.NONE);
        List<Sample> generated = model.generate(request);
        List<String> texts = new ArrayList<>();
        List<Integer> lengths = new ArrayList<>();
        for (Sample s : generated) {
            if (s instanceof Sample.Text t) {
                texts.add(t.text());
                lengths.add(t.text().codePointCount(0, t.text().length()));
            }
        }
        Map<String, Double> out = new LinkedHashMap<>(index.of(texts));
        long wanted = lengths.stream().mapToLong(Integer::longValue).sum();
        long available = heldOut.codePointCount(0, heldOut.length());
        if (wanted > available) {
            // The passages would overlap (or repeat): real text's distinct-n and repetition fall with the overlap, not
            // with any property of text (distinct-1 0.76 with 10 passages, 0.17 with 100 on one 3,904-character tail).
            // Not a number, rather than a wrong one; the summary says why.
            TextQuality.NAMES.forEach(k -> out.put(REAL + k, Double.NaN));
            long fit = available / Math.max(1, lengths.get(0));
            realCaveat = "real: not measured: the held-out text has " + available + " characters, fewer than the "
                    + wanted + " of the samples, so its passages would overlap; " + (fit > 0 ? "ask for fewer"
                    + " samples (--samples " + fit + ") or hold out more text" : "it is shorter than one sample: hold"
                    + " out more text or ask for shorter samples (nova.quality.length)");
        } else {
            index.of(TextQuality.passages(heldOut, lengths)).forEach((k, v) -> out.put(REAL + k, v));
            realCaveat = "real: passages of the held-out text of the same lengths";
        }
        wordUnit = index.wordUnit();
        return out;
    }

    /** What the last text measure's real figures are, or why there are none. */
    private String realCaveat = "real: passages of the held-out text of the same lengths";

    /** What the last text measure's word metrics count. */
    private String wordUnit = "words";

    /**
     * Whether this modality's sample quality reports a metric (one of its own, or its {@value #REAL} counterpart): what a
     * gate may name besides the plugin's held-out metrics.
     *
     * @param metric the metric's name
     * @return whether {@link #measure} can report it
     */
    public boolean reports(String metric) {
        String m = metric.startsWith(REAL) ? metric.substring(REAL.length()) : metric;
        return switch (modality) {
            case TEXT -> TextQuality.NAMES.contains(m);
            case IMAGE -> List.of("fd", "precision", "recall", "class-consistency").contains(m) || m.startsWith("fd.");
            default -> false;
        };
    }

    /**
     * The model's reference data, when this version can measure the model.
     *
     * @param model the model
     * @return its reference data
     * @throws UsageException naming the plugin when its models offer none, or when the modality has no metrics yet
     */
    public ReferenceData reference(GenerativeModel model) {
        if (modality != Modality.TEXT && modality != Modality.IMAGE) {
            throw new UsageException("sample-quality metrics of " + modality.toString().toLowerCase(java.util.Locale.ROOT)
                    + " models are not in this version; text and image models have them");
        }
        Optional<ReferenceData> ref = model.referenceData();
        if (ref.isEmpty()) {
            throw new UsageException("plugin '" + pluginId + "' offers no reference data for sample-quality metrics"
                    + " (GenerativeModel.referenceData(), plugin API 1.3)");
        }
        return ref.get();
    }

    /**
     * Checks, before a run that measures quality at each evaluation starts, that this version can measure its model:
     * reference data, and for an image model a feature space (trained now, and cached, when it is not yet).
     *
     * @param model the model about to train
     * @throws UsageException naming the plugin and what is missing
     */
    public void requireMeasurable(GenerativeModel model) {
        ReferenceData ref = reference(model);
        if (modality == Modality.IMAGE) {
            Optional<ReferenceData.Features> f = ref.features();
            if (f.isEmpty()) {
                throw new UsageException("nova.train.quality: plugin '" + pluginId + "' offers no feature space for"
                        + " image metrics (its data has no classes to train the reference extractor on)");
            }
        }
    }

    /** What the image metrics were measured with: the extractor's description, key and accuracy. */
    private String extractor = "";

    /**
     * What a measure was, for the line before its table: how many samples against what, the seed, the time, and what
     * the real figures compare (and for images, the reference extractor).
     *
     * @param samples how many samples
     * @param length characters per text sample
     * @param seed the samples' seed
     * @param seconds how long it took
     * @return the lines, each ending in a line break
     */
    public String summary(int samples, int length, long seed, double seconds) {
        if (modality == Modality.IMAGE) {
            return String.format("sample quality: %d samples against %d held-out images, seed %d, %.1f s (real: training"
                    + " images against the held-out ones)%nreference extractor: %s%n", samples, samples, seed, seconds,
                    extractor);
        }
        return String.format("sample quality: %d samples of %d characters, seed %d, %.1f s (%s)%n%s", samples, length,
                seed, seconds, realCaveat, wordUnit.equals("words") ? "" : "word metrics: " + wordUnit
                        + System.lineSeparator());
    }

    /** The reference extractor of the last image measure, for reports; empty for text. */
    public String extractor() {
        return extractor;
    }

    /**
     * Image metrics in the reference extractor's space: the Fréchet distance ({@code fd}), precision and recall
     * against held-out real images, and for a class-conditional model, samples drawn class by class, class
     * consistency and each class's distance ({@code fd.<class>}); the references compare real training images with
     * the held-out ones.
     */
    private Map<String, Double> images(GenerativeModel model, ReferenceData ref, int samples, long seed) {
        Optional<ReferenceData.Features> f = ref.features();
        if (f.isEmpty()) {
            throw new UsageException("plugin '" + pluginId + "' offers no feature space for image metrics (its data has"
                    + " no classes to train the reference extractor on)");
        }
        ReferenceData.Features space = f.get();
        List<ReferenceData.LabelledImage> heldOut = ref.images(ReferenceData.Split.HELD_OUT, samples, seed);
        List<ReferenceData.LabelledImage> training = ref.images(ReferenceData.Split.TRAINING, samples, seed + 1);
        List<String> classes = ref.classes();
        boolean conditional = ref.conditional() && !classes.isEmpty();
        List<Sample.Image> generated = new ArrayList<>();
        List<Integer> asked = new ArrayList<>();
        if (conditional) {
            for (int c = 0; c < classes.size(); c++) {
                int count = samples / classes.size() + (c < samples % classes.size() ? 1 : 0);
                if (count == 0) {
                    continue;
                }
                int label = c;
                GenerationRequest r = new GenerationRequest(count, seed + c, Map.of(GenerationRequest.LABEL, label),
                        GenerationListener.NONE);
                for (Sample s : model.generate(r)) {
                    generated.add((Sample.Image) s);
                    asked.add(label);
                }
            }
        } else {
            GenerationRequest r = GenerationRequest.of(samples, seed);
            for (Sample s : model.generate(r)) {
                generated.add((Sample.Image) s);
            }
        }
        List<Sample.Image> held = heldOut.stream().map(ReferenceData.LabelledImage::image).toList();
        List<Sample.Image> train = training.stream().map(ReferenceData.LabelledImage::image).toList();
        float[][] g = space.embed(generated);
        float[][] h = space.embed(held);
        float[][] t = space.embed(train);
        Map<String, Double> out = new LinkedHashMap<>();
        Map<String, Double> real = new LinkedHashMap<>();
        out.put("fd", ImageQuality.frechet(g, h));
        real.put("fd", ImageQuality.frechet(t, h));
        double[] pr = ImageQuality.precisionRecall(h, g, ImageQuality.K);
        double[] prReal = ImageQuality.precisionRecall(h, t, ImageQuality.K);
        out.put("precision", pr[0]);
        out.put("recall", pr[1]);
        real.put("precision", prReal[0]);
        real.put("recall", prReal[1]);
        if (conditional) {
            int[] seen = space.classify(generated);
            int[] seenReal = space.classify(held);
            out.put("class-consistency", agreement(seen, asked.stream().mapToInt(Integer::intValue).toArray()));
            real.put("class-consistency", agreement(seenReal, heldOut.stream().mapToInt(ReferenceData.LabelledImage::label)
                    .toArray()));
            for (int c = 0; c < classes.size(); c++) {
                float[][] gc = rows(g, asked.stream().mapToInt(Integer::intValue).toArray(), c);
                float[][] hc = rows(h, heldOut.stream().mapToInt(ReferenceData.LabelledImage::label).toArray(), c);
                float[][] tc = rows(t, training.stream().mapToInt(ReferenceData.LabelledImage::label).toArray(), c);
                if (gc.length > 1 && hc.length > 1 && tc.length > 1) {
                    out.put("fd." + classes.get(c), ImageQuality.frechet(gc, hc));
                    real.put("fd." + classes.get(c), ImageQuality.frechet(tc, hc));
                }
            }
        }
        out.put("extractor-accuracy", space.accuracy());
        real.put("extractor-accuracy", space.accuracy());
        extractor = space.description() + "; key " + space.key() + String.format("; held-out accuracy %.4f",
                space.accuracy());
        real.forEach((k, v) -> out.put(REAL + k, v));
        return out;
    }

    private static double agreement(int[] a, int[] b) {
        int same = 0;
        for (int i = 0; i < a.length; i++) {
            same += a[i] == b[i] ? 1 : 0;
        }
        return a.length == 0 ? Double.NaN : (double) same / a.length;
    }

    private static float[][] rows(float[][] x, int[] labels, int c) {
        List<float[]> out = new ArrayList<>();
        for (int i = 0; i < x.length; i++) {
            if (labels[i] == c) {
                out.add(x[i]);
            }
        }
        return out.toArray(float[][]::new);
    }

    private String text(ReferenceData ref, ReferenceData.Split split) {
        Optional<String> t = ref.text(split);
        if (t.isEmpty()) {
            throw new UsageException("plugin '" + pluginId + "' gives no " + (split == ReferenceData.Split.TRAINING
                    ? "training" : "held-out") + " text for sample-quality metrics (ReferenceData.text)");
        }
        return t.get();
    }
}
