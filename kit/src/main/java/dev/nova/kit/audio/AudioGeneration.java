package dev.nova.kit.audio;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nova.api.GenerationRequest;
import dev.nova.api.Sample;
import dev.nova.kit.support.Checks;
import dev.nova.kit.support.Options;
import dev.nova.kit.support.Seeds;
import dev.nova.kit.tokens.TokenSampler;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.apiguardian.api.API;

/**
 * Sampling an audio model over μ-law levels one audio sample at a time, and the defaults of its {@code generate}
 * section ({@code seconds}, {@code temperature}, {@code top-k}, {@code top-p}). A prompt ({@link
 * GenerationRequest#PROMPT_AUDIO}, at any rate) is resampled to the model's rate and fed first; the sample starts with
 * it. Without a prompt the model starts from silence. A model conditioned on classes takes {@link
 * GenerationRequest#LABEL} (a class index or name; without it, sample {@code j} is of class {@code j mod classes}).
 *
 * @param seconds default seconds to generate
 * @param temperature default softmax temperature
 * @param topK default top-k (0 = off)
 * @param topP default top-p (1 = off)
 * @since 1.4
 */
@API(status = EXPERIMENTAL, since = "1.4")
public record AudioGeneration(double seconds, double temperature, int topK, double topP) {

    /** The longest generation one request may ask for. */
    public static final double MAX_SECONDS = 3600;
    /** The options this reads. */
    public static final List<String> OPTIONS = List.of(GenerationRequest.PROMPT_AUDIO, GenerationRequest.SECONDS,
            GenerationRequest.TEMPERATURE, GenerationRequest.TOP_K, GenerationRequest.TOP_P, GenerationRequest.GREEDY);
    /** The level of silence. */
    public static final int SILENCE = MuLaw.encode(0f);

    /**
     * Reads and checks the defaults from a plugin's {@code generate} section.
     *
     * @param c the checks of the plugin's subtree
     * @return the defaults (placeholders where a problem was added)
     */
    public static AudioGeneration read(Checks c) {
        return new AudioGeneration(c.getAbove("generate.seconds", 0, MAX_SECONDS), c.getPositive("generate.temperature"),
                c.getInt("generate.top-k", 0, Integer.MAX_VALUE), c.getAbove("generate.top-p", 0, 1));
    }

    /**
     * Generates the request's samples.
     *
     * @param pluginId for messages
     * @param request the request (unknown options are refused)
     * @param rate the model's sample rate
     * @param steppers a new model state per sample: feeds one level, returns the next level's logits
     * @return one audio sample per requested sample: the prompt, then what was generated
     */
    public List<Sample> generate(String pluginId, GenerationRequest request, int rate,
                                 Supplier<IntFunction<float[]>> steppers) {
        return generate(pluginId, request, rate, List.of(), c -> steppers.get());
    }

    /**
     * Generates the request's samples from a model conditioned on classes.
     *
     * @param pluginId for messages
     * @param request the request (unknown options are refused; {@code label} is a class index or name)
     * @param rate the model's sample rate
     * @param classes the model's class names (empty: not conditioned, and {@code label} is refused)
     * @param steppers a new model state per sample of a class (-1 when not conditioned): feeds one level, returns the
     *     next level's logits
     * @return one audio sample per requested sample: the prompt, then what was generated
     * @since 1.4
     */
    public List<Sample> generate(String pluginId, GenerationRequest request, int rate, List<String> classes,
                                 IntFunction<IntFunction<float[]>> steppers) {
        if (classes.isEmpty() && request.options().containsKey(GenerationRequest.LABEL)) {
            throw new dev.nova.api.InvalidOptionException(pluginId, GenerationRequest.LABEL, "option label: the model is"
                    + " not conditioned on classes (model.conditioning = none)");
        }
        List<String> known = new ArrayList<>(OPTIONS);
        known.add(GenerationRequest.LABEL);
        Options o = Options.of(pluginId, request.options(), known);
        int label = -1;
        if (!classes.isEmpty() && request.options().containsKey(GenerationRequest.LABEL)) {
            // A class by name ("us") or index, as image models take it.
            label = o.classIndex(GenerationRequest.LABEL, classes).orElseThrow();
        }
        double s = o.number(GenerationRequest.SECONDS).orElse(seconds);
        if (!(s > 0 && s <= MAX_SECONDS)) {
            throw o.problem(GenerationRequest.SECONDS, "must be in (0, " + (int) MAX_SECONDS + "]", s);
        }
        double t = o.positive(GenerationRequest.TEMPERATURE).orElse(temperature);
        int k = o.integer(GenerationRequest.TOP_K, 0, Integer.MAX_VALUE).orElse(topK);
        double p = o.number(GenerationRequest.TOP_P).orElse(topP);
        if (!(p > 0 && p <= 1)) {
            throw o.problem(GenerationRequest.TOP_P, "must be in (0, 1]", p);
        }
        float[] prompt = new float[0];
        Object promptValue = o.value(GenerationRequest.PROMPT_AUDIO).orElse(null);
        if (promptValue != null) {
            if (!(promptValue instanceof Sample.Audio a)) {
                throw o.problem(GenerationRequest.PROMPT_AUDIO, "must be audio (a Sample.Audio)",
                        promptValue.getClass().getSimpleName());
            }
            prompt = Resampler.resample(a.samples(), a.sampleRate(), rate);
        }
        TokenSampler sampler = new TokenSampler(t, k, p, o.flag(GenerationRequest.GREEDY).orElse(false));
        int n = (int) Math.max(1, Math.round(s * rate));
        int[] promptLevels = MuLaw.encode(prompt);
        List<Sample> samples = new ArrayList<>();
        for (int j = 0; j < request.count(); j++) {
            Random random = Seeds.sample(request.seed(), j);
            IntFunction<float[]> stepper = steppers.apply(classes.isEmpty() ? -1
                    : label >= 0 ? label : j % classes.size());
            float[] logits = promptLevels.length == 0 ? stepper.apply(SILENCE) : null;
            for (int level : promptLevels) {
                logits = stepper.apply(level);
            }
            float[] out = java.util.Arrays.copyOf(prompt, prompt.length + n);
            for (int i = 0; i < n; i++) {
                int next = sampler.next(logits, random);
                out[prompt.length + i] = MuLaw.decode(next);
                if (i < n - 1) {
                    logits = stepper.apply(next);
                }
            }
            samples.add(new Sample.Audio(rate, out));
        }
        return samples;
    }
}
