package dev.nova.tck;

import static dev.nova.tck.DocumentedLimits.labelRefused;
import static dev.nova.tck.DocumentedLimits.labelled;
import static dev.nova.tck.DocumentedLimits.limitRequest;
import static dev.nova.tck.DocumentedLimits.limits;
import static dev.nova.tck.Harness.applicableOnlyIf;
import static dev.nova.tck.Harness.describe;
import static dev.nova.tck.Harness.outsideVocabulary;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nova.api.ConformanceProfile;
import dev.nova.api.GenerationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.Modality;
import dev.nova.api.PluginException;
import dev.nova.api.ReferenceData;
import dev.nova.api.Sample;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * SPEC §4, generation: counts, shapes, vocabulary, prompts and options.
 *
 * <p>The section's rules in SPEC order, as JUnit tests that {@link GeneratorVerification} runs on a plugin.
 */
interface Section4Generation extends Rules {

    @Test
    default void required_spec4_1_countIsHonoured() {
        Harness h = harness();
        GenerativeModel m = h.warm();
        for (int count : Harness.COUNTS) {
            List<Sample> s = h.generate(m, h.request(count, 5));
            assertEquals(count, s.size(), h.violation("4.1", "produced " + s.size() + " samples for count=" + count));
        }
    }

    @Test
    default void required_spec4_2_samplesHaveTheRequestedShape() {
        Harness h = harness();
        GenerativeModel m = h.warm();
        if (h.info().modality() == Modality.TEXT) {
            for (int length : Harness.LENGTHS) {
                for (Sample s : h.generate(m, GenerationRequest.of(2, 5).with(GenerationRequest.LENGTH, length))) {
                    assertTrue(s instanceof Sample.Text, h.violation("4.2", "a text plugin produced " + s));
                    int n = ((Sample.Text) s).text().codePointCount(0, ((Sample.Text) s).text().length());
                    if (h.anyCharacter()) {
                        // length counts tokens of bytes: a token may decode to several characters, or complete one
                        assertTrue(length == 0 ? n == 0 : n >= 1, h.violation("4.2", "produced " + n
                                + " characters for length=" + length + " tokens: \"" + ((Sample.Text) s).text() + "\""));
                        continue;
                    }
                    assertEquals(length, n, h.violation("4.2", "produced " + n + " characters for length=" + length
                            + ": \"" + ((Sample.Text) s).text() + "\""));
                }
            }
        } else if (h.info().modality() == Modality.AUDIO) {
            Sample.Audio first = null;
            java.util.List<Double> durations = new java.util.ArrayList<>(List.of(0.05, 0.1));
            for (int d = 0; d < durations.size(); d++) {
                double seconds = durations.get(d);
                for (Sample s : h.generate(m, h.request(2, 5).with(GenerationRequest.SECONDS, seconds))) {
                    assertTrue(s instanceof Sample.Audio, h.violation("4.2", "an audio plugin produced " + s));
                    Sample.Audio a = (Sample.Audio) s;
                    first = first == null ? a : first;
                    assertEquals(first.sampleRate(), a.sampleRate(), h.violation("4.2", "audio at different rates from"
                            + " one model: " + first + " and " + a));
                    long expected = Math.round(seconds * a.sampleRate());          // SPEC 4.2: round(seconds x rate)
                    assertEquals(expected, a.samples().length, h.violation("4.2", "produced " + a.samples().length
                            + " audio samples for seconds=" + seconds + " at " + a.sampleRate() + " Hz; expected "
                            + expected));
                }
                if (d == 0) {
                    // Durations that are not a whole number of samples at the model's rate: 0.4 and 0.6 of a sample
                    // past 0.05 s, which round down and up (a floor or a ceiling gets one of them wrong).
                    long whole = Math.round(0.05 * first.sampleRate());
                    durations.add((whole + 0.4) / first.sampleRate());
                    durations.add((whole + 0.6) / first.sampleRate());
                }
            }
        } else {
            Sample.Image first = null;
            for (int count : new int[] {2, 3}) {
                for (Sample s : h.generate(m, h.request(count, 5))) {
                    assertTrue(s instanceof Sample.Image, h.violation("4.2", "an image plugin produced " + s));
                    Sample.Image i = (Sample.Image) s;
                    first = first == null ? i : first;
                    assertTrue(i.width() == first.width() && i.height() == first.height(), h.violation("4.2",
                            "images of different sizes from one model and options: " + first + " and " + i));
                }
            }
        }
    }

    /**
     * Image pixels are finite and in [0,1]; a second of audio is made without a value outside [-1,1] (the {@link
     * Sample.Audio} constructor refuses one, so the rule names that refusal rather than the undocumented exception).
     */
    @Test
    default void required_spec4_3_valuesAreWithinTheirRange() {
        Harness h = harness();
        applicableOnlyIf(h.info().modality() != Modality.TEXT, "not an image or audio plugin");
        GenerativeModel m = h.warm();
        if (h.info().modality() == Modality.AUDIO) {
            GenerationRequest r = h.request(2, 5).with(GenerationRequest.SECONDS, 1.0);
            h.call("4.3", "generate 1 second of audio", () -> {
                try {
                    return m.generate(r);
                } catch (IllegalArgumentException e) {
                    if (String.valueOf(e.getMessage()).startsWith("Audio samples are finite and in [-1, 1]")) {
                        throw new AssertionError(h.violation("4.3", "generating 1 second of audio made a value outside"
                                + " [-1,1], which Sample.Audio refused: " + e.getMessage()), e);
                    }
                    throw e;
                }
            });
            return;
        }
        for (Sample s : h.generate(m, h.request(3, 5))) {
            float[] p = ((Sample.Image) s).pixels();
            for (int k = 0; k < p.length; k++) {
                float v = p[k];
                if (!(v >= 0f && v <= 1f)) {
                    fail(h.violation("4.3", "pixel " + k + " of " + s + " is " + v + ", outside [0,1]"));
                }
            }
        }
    }

    @Test
    default void required_spec4_4_textUsesOnlyTheVocabulary() {
        Harness h = harness();
        applicableOnlyIf(h.info().modality() == Modality.TEXT, "not a text plugin");
        applicableOnlyIf(!h.anyCharacter(), "at this configuration the model's tokens are bytes: any character can be"
                + " sampled");
        Optional<String> vocab = h.vocabulary();
        h.requireFact(vocab.isPresent(), "no vocabulary declared (ConformanceProfile.withVocabulary)");
        for (Sample s : h.generate(h.warm(), h.request(3, 5))) {
            String text = ((Sample.Text) s).text();
            text.codePoints().filter(cp -> vocab.get().indexOf(cp) < 0).findFirst().ifPresent(cp ->
                    fail(h.violation("4.4", "produced U+" + String.format("%04X", cp) + " '" + new String(Character.toChars(cp))
                            + "', not in its vocabulary, in \"" + text + "\"")));
        }
    }

    @Test
    default void required_spec4_5_promptIsAPrefix() {
        Harness h = harness();
        applicableOnlyIf(h.isText(), "the plugin does not take prompts");
        Optional<String> vocab = h.vocabulary();
        String prompt = vocab.map(v -> v.substring(0, Math.min(3, v.length()))).orElse("a");
        for (Sample s : h.generate(h.warm(), h.request(2, 5).with(GenerationRequest.PROMPT, prompt))) {
            String text = ((Sample.Text) s).text();
            assertTrue(text.startsWith(prompt), h.violation("4.5", "sample \"" + text + "\" does not start with prompt \"" + prompt + "\""));
        }
    }

    @Test
    default void required_spec4_6_invalidOptionValueIsRejected() {
        Harness h = harness();
        Optional<Map.Entry<String, Object>> option = h.invalidGenerationOption();
        h.requireFact(option.isPresent(), "no invalid generation option declared"
                + " (ConformanceProfile.withInvalidGenerationOption)");
        String key = option.get().getKey();
        Object value = option.get().getValue();
        GenerativeModel m = h.warm();
        try {
            m.generate(h.request(1, 5).with(key, value));
            fail(h.violation("4.6", "accepted " + key + " = " + value));
        } catch (PluginException e) {
            assertTrue(e.getMessage().contains(key), h.violation("4.6", "message does not name the option: " + e.getMessage()));
        } catch (RuntimeException e) {
            fail(h.violation("8.1", "rejected " + key + " = " + value + " with undocumented " + e.getClass().getName()));
        }
    }

    @Test
    default void required_spec4_7_aPromptOutsideTheVocabularyIsRejected() {
        Harness h = harness();
        applicableOnlyIf(h.isText(), "the plugin does not take prompts");
        applicableOnlyIf(!h.anyCharacter(), "at this configuration the model's tokens are bytes: every prompt encodes");
        Optional<String> vocab = h.vocabulary();
        h.requireFact(vocab.isPresent(), "no vocabulary declared (ConformanceProfile.withVocabulary)");
        String prompt = vocab.get().substring(0, Math.min(2, vocab.get().length())) + outsideVocabulary(vocab.get());
        GenerativeModel m = h.warm();
        try {
            List<Sample> s = m.generate(h.request(1, 5).with(GenerationRequest.PROMPT, prompt));
            fail(h.violation("4.7", "accepted the prompt \"" + prompt + "\", whose last character is not in its vocabulary,"
                    + " and generated " + describe(s)));
        } catch (PluginException e) {
            assertTrue(e.getMessage().contains("prompt"), h.violation("4.7", "the message does not name the prompt: "
                    + e.getMessage()));
        } catch (RuntimeException e) {
            fail(h.violation("8.1", "a prompt outside the vocabulary raised undocumented " + e.getClass().getName()));
        }
    }

    @Test
    default void required_spec4_8_temperatureChangesTheSamples() {
        Harness h = harness();
        applicableOnlyIf(h.info().modality() == Modality.TEXT, "not a text plugin");
        GenerativeModel m = h.warm();
        List<Sample> cold = h.generate(m, h.request(3, 9).with(GenerationRequest.TEMPERATURE, 0.05));
        List<Sample> hot = h.generate(m, h.request(3, 9).with(GenerationRequest.TEMPERATURE, 20.0));
        assertTrue(!cold.equals(hot), h.violation("4.8", "temperature 0.05 and 20 gave the same samples " + describe(cold)
                + ": the option is accepted but has no effect"));
    }

    @Test
    default void required_spec4_9_streamedTextIsTheSample() {
        Harness h = harness();
        applicableOnlyIf(h.info().modality() == Modality.TEXT, "not a text plugin");
        GenerativeModel m = h.warm();
        Map<Integer, StringBuilder> streamed = new TreeMap<>();
        GenerationRequest r = new GenerationRequest(2, 5, h.request(2, 5).options(),
                (i, text) -> streamed.computeIfAbsent(i, k -> new StringBuilder()).append(text));
        List<Sample> samples = h.generate(m, r);
        // A plugin need not stream; one that streams nothing has not shown this rule holds, so it is not applicable
        // rather than passed.
        applicableOnlyIf(!streamed.isEmpty(), "the plugin streamed no text to the request's listener");
        for (int i = 0; i < samples.size(); i++) {
            String sample = ((Sample.Text) samples.get(i)).text();
            String got = streamed.getOrDefault(i, new StringBuilder()).toString();
            assertEquals(sample, got, h.violation("4.9", "sample " + i + " streamed \"" + got + "\" but returned \""
                    + sample + "\"; what streams to standard output must be the sample"));
        }
        assertTrue(streamed.keySet().stream().allMatch(k -> k >= 0 && k < samples.size()),
                h.violation("4.9", "streamed text for samples " + streamed.keySet() + " of " + samples.size()));
    }

    /**
     * Each generation option the profile declares (text plugins that declare none: {@code temperature} 0.5 and 2.0),
     * given alone with each of its values: accepted, samples of the count and modality asked for, the same samples
     * twice, and some value changes the samples (an option that is accepted has an effect).
     */
    @Test
    default void required_spec4_10_declaredOptionsWorkAloneAndHaveAnEffect() {
        Harness h = harness();
        Map<String, List<Object>> options = h.generationOptions();
        h.requireFact(!options.isEmpty(), "no generation option declared (ConformanceProfile.withGenerationOption)");
        GenerativeModel m = h.warm();
        List<Sample> plain = h.generate(m, h.request(2, 11));
        for (Map.Entry<String, List<Object>> o : options.entrySet()) {
            boolean effect = false;
            for (Object value : o.getValue()) {
                String what = "generate with " + o.getKey() + " = " + value;
                GenerationRequest r = h.request(2, 11).with(o.getKey(), value);
                List<Sample> a = h.call("4.10", what, () -> m.generate(r));
                List<Sample> b = h.call("4.10", what, () -> m.generate(r));
                assertEquals(2, a == null ? -1 : a.size(), h.violation("4.10", what + " returned " + a + " for count 2"));
                for (Sample s : a) {
                    assertTrue(h.isOfModality(s),
                            h.violation("4.10", what + " gave " + s + " from a " + h.info().modality() + " plugin"));
                }
                assertEquals(a, b, h.violation("4.10", what + " twice with seed 11 gave " + describe(a) + " then "
                        + describe(b)));
                effect |= !a.equals(plain);
            }
            assertTrue(effect, h.violation("4.10", "option " + o.getKey() + " = " + o.getValue() + " gave the samples of"
                    + " the request without it: an accepted option has no effect"));
        }
    }

    /**
     * The documented limits of the sampling options ({@link GenerationRequest}'s Javadoc), beyond the values a
     * profile declares, for text and audio plugins: {@code top-k} 1 and {@code greedy} take the most likely token, so
     * their samples do not depend on the seed and are the same; {@code top-p} near 0 keeps the most likely token alone
     * (seed-independent too); {@code top-k} at and above the number of tokens and {@code top-p} 1 keep every token and
     * are values the API documents, accepted wherever the option is; a text plugin's {@code temperature} 0.001 gives
     * valid samples. An option the plugin refuses at every value tried (a {@code PluginException} naming it) is not
     * offered, which the API allows; one refused at a documented value and accepted at another is a violation.
     */
    @Test
    default void required_spec4_12_sampleOptionsHoldAtTheirDocumentedLimits() {
        Harness h = harness();
        applicableOnlyIf(h.info().modality() == Modality.TEXT || h.info().modality() == Modality.AUDIO,
                "the sampling options are for text and audio plugins");
        GenerativeModel m = h.warm();
        // the number of tokens: the declared vocabulary's characters, or a byte-level model's 256 at least
        int tokens = h.anyCharacter() ? 256 : h.vocabulary().map(v -> v.codePointCount(0, v.length())).orElse(256);
        Map<Object, List<Sample>> topK = limits(h, m, GenerationRequest.TOP_K, List.of(1, tokens, tokens + 1000));
        Map<Object, List<Sample>> greedy = limits(h, m, GenerationRequest.GREEDY, List.of(Boolean.TRUE));
        Map<Object, List<Sample>> topP = limits(h, m, GenerationRequest.TOP_P, List.of(1.0, 1e-9));
        if (h.isText()) {
            Map<Object, List<Sample>> cold = limits(h, m, GenerationRequest.TEMPERATURE, List.of(1e-3));
            assertTrue(!cold.isEmpty(), h.violation("4.12", "temperature = 0.001 was refused; temperature is any value"
                    + " > 0"));
        }
        List<Map.Entry<String, List<Sample>>> mostLikely = new java.util.ArrayList<>();
        if (topK.containsKey(1)) {
            mostLikely.add(Map.entry("top-k = 1", topK.get(1)));
        }
        if (greedy.containsKey(Boolean.TRUE)) {
            mostLikely.add(Map.entry("greedy = true", greedy.get(Boolean.TRUE)));
        }
        if (topP.containsKey(1e-9)) {
            mostLikely.add(Map.entry("top-p = 1e-9", topP.get(1e-9)));
        }
        for (Map.Entry<String, List<Sample>> e : mostLikely) {
            String key = e.getKey().substring(0, e.getKey().indexOf(' '));
            Object value = key.equals(GenerationRequest.TOP_K) ? (Object) 1 : key.equals(GenerationRequest.GREEDY)
                    ? (Object) Boolean.TRUE : (Object) 1e-9;
            List<Sample> other = h.call("4.12", "generate with " + e.getKey() + " and seed 22",
                    () -> m.generate(limitRequest(h, 22).with(key, value)));
            assertEquals(e.getValue(), other, h.violation("4.12", e.getKey() + " takes the most likely token, yet seeds"
                    + " 21 and 22 gave " + describe(e.getValue()) + " and " + describe(other)));
            assertEquals(mostLikely.get(0).getValue(), e.getValue(), h.violation("4.12", mostLikely.get(0).getKey()
                    + " and " + e.getKey() + " both take the most likely token, yet gave " + describe(mostLikely.get(0)
                    .getValue()) + " and " + describe(e.getValue())));
        }
    }

    /**
     * The class option at the limits its documentation sets ({@link GenerationRequest#LABEL} indexes
     * {@link ReferenceData#classes()}), for a model that offers reference data: a conditional model takes the first
     * and the last class by index and (API 1.4) the last by name, the name giving the samples of its index; the two
     * classes give different samples; one past the last class and -1 are refused with a {@code PluginException}
     * naming {@code label}. A model that is not conditional refuses a label, naming it.
     */
    @Test
    default void required_spec4_13_labelsHoldAtTheirLimits() {
        Harness h = harness();
        GenerativeModel m = h.warm();
        Optional<ReferenceData> offered = h.call("4.13", "referenceData()", m::referenceData);
        applicableOnlyIf(offered != null && offered.isPresent(), "the model offers no reference data"
                + " (GenerativeModel.referenceData()), which says whether it is conditional and on which classes");
        ReferenceData data = offered.get();
        boolean conditional = h.call("4.13", "referenceData().conditional()", data::conditional);
        List<String> classes = h.call("4.13", "referenceData().classes()", data::classes);
        if (!conditional) {
            labelRefused(h, m, 0, "the model is not conditional (ReferenceData.conditional() is false): a label it"
                    + " cannot honour gives samples of another class than asked");
            return;
        }
        assertTrue(classes != null && !classes.isEmpty(), h.violation("4.13", "ReferenceData.conditional() is true"
                + " but classes() is empty: the label indexes classes()"));
        int last = classes.size() - 1;
        List<Sample> first = labelled(h, m, 0);
        List<Sample> lastByIndex = labelled(h, m, last);
        List<Sample> lastByName = labelled(h, m, classes.get(last));
        assertEquals(lastByIndex, lastByName, h.violation("4.13", "label \"" + classes.get(last) + "\" (the name of"
                + " class " + last + ") and label " + last + " gave " + describe(lastByName) + " and "
                + describe(lastByIndex) + " for seed 31"));
        if (last > 0) {
            assertTrue(!first.equals(lastByIndex), h.violation("4.13", "labels 0 and " + last + " gave the same samples"
                    + " for seed 31: " + describe(first) + "; an accepted label has no effect"));
        }
        labelRefused(h, m, classes.size(), "one past the last of " + classes.size() + " classes " + classes);
        labelRefused(h, m, -1, "no class has index -1");
    }

    /**
     * A text model's tokens as {@link dev.nova.api.TextTokens}' Javadoc promises them (API 1.4), when it offers them:
     * a kind and a size; samples and a prompt encode to tokens in {@code [0, size())} that decode to the same text; a
     * token out of range is refused on decoding, and (at a configuration whose tokens are characters) a character
     * outside the vocabulary on encoding, each with a {@code PluginException}.
     */
    @Test
    default void required_spec4_14_textTokensRoundTrip() {
        Harness h = harness();
        applicableOnlyIf(h.isText(), "not a text plugin");
        GenerativeModel m = h.warm();
        Optional<dev.nova.api.TextTokens> offered = h.call("4.14", "textTokens()", m::textTokens);
        applicableOnlyIf(offered != null && offered.isPresent(), "the model does not say how its text becomes tokens"
                + " (GenerativeModel.textTokens() is empty)");
        dev.nova.api.TextTokens tokens = offered.get();
        String kind = h.call("4.14", "textTokens().kind()", tokens::kind);
        int size = h.call("4.14", "textTokens().size()", tokens::size);
        assertTrue(kind != null && !kind.isBlank() && size > 0, h.violation("4.14", "textTokens() says kind \"" + kind
                + "\" and size " + size));
        List<String> texts = new java.util.ArrayList<>();
        for (Sample s : h.generate(m, h.request(3, 51))) {
            texts.add(((Sample.Text) s).text());
        }
        h.vocabulary().filter(v -> !h.anyCharacter()).ifPresent(v -> texts.add(v));
        if (h.anyCharacter()) {
            texts.add("Caf\u00e9 \u4e2d\u6587 \ud83d\ude00  end\n");
        }
        for (String text : texts) {
            int[] ids = h.call("4.14", "textTokens().encode(\"" + text + "\")", () -> tokens.encode(text));
            for (int id : ids) {
                assertTrue(id >= 0 && id < size, h.violation("4.14", "encode(\"" + text + "\") gave token " + id
                        + " outside [0, " + size + ")"));
            }
            String back = h.call("4.14", "textTokens().decode", () -> tokens.decode(ids));
            assertEquals(text, back, h.violation("4.14", "\"" + text + "\" encoded to " + Arrays.toString(ids)
                    + " decodes to \"" + back + "\""));
        }
        h.refuses("4.14", "decode([" + size + "])", null, "a token out of [0, " + size + ") is refused",
                () -> tokens.decode(new int[] {size}));
        if (!h.anyCharacter() && h.vocabulary().isPresent()) {
            String outside = outsideVocabulary(h.vocabulary().get());
            h.refuses("4.14", "encode(\"" + outside + "\")", null, "a character outside the vocabulary is refused",
                    () -> tokens.encode(outside));
        }
    }

    /**
     * Audio plugins continue a prompt (API 1.4, {@link GenerationRequest#PROMPT_AUDIO}) given at their own rate:
     * each sample starts with the prompt, then has {@code round(seconds × rate)} more values, and the continuation
     * depends on the prompt (two prompts that end differently, with the same seed, give different continuations);
     * a prompt at another rate (twice the model's, two thirds of it) starts each sample resampled to the model's.
     */
    @Test
    default void required_spec4_11_anAudioPromptIsContinued() {
        Harness h = harness();
        applicableOnlyIf(h.info().modality() == Modality.AUDIO, "not an audio plugin");
        GenerativeModel m = h.warm();
        List<Sample> probe = h.generate(m, h.request(1, 5).with(GenerationRequest.SECONDS, 0.05));
        assertTrue(probe.size() == 1 && probe.get(0) instanceof Sample.Audio, h.violation("4.2",
                "an audio plugin produced " + describe(probe)));
        int rate = ((Sample.Audio) probe.get(0)).sampleRate();
        // A tone of period 8 samples, 0.6 loud, that ends at its trough; its negation ends at its crest.
        int length = 8 * Math.max(2, (int) Math.round(0.02 * rate / 8));
        float[][] prompts = new float[2][length];
        for (int k = 0; k < length; k++) {
            prompts[0][k] = (float) (0.6 * Math.sin(2 * Math.PI * (k - 1) / 8));
            prompts[1][k] = -prompts[0][k];
        }
        long more = Math.max(1, Math.round(0.05 * rate));
        List<List<float[]>> continuations = new java.util.ArrayList<>();
        for (float[] prompt : prompts) {
            GenerationRequest r = h.request(3, 5).with(GenerationRequest.SECONDS, 0.05)
                    .with(GenerationRequest.PROMPT_AUDIO, new Sample.Audio(rate, prompt));
            List<float[]> after = new java.util.ArrayList<>();
            for (Sample s : h.call("4.11", "generate with a prompt of " + length + " samples at " + rate + " Hz",
                    () -> m.generate(r))) {
                assertTrue(s instanceof Sample.Audio a && a.sampleRate() == rate, h.violation("4.11", "a prompt at "
                        + rate + " Hz gave " + s));
                float[] v = ((Sample.Audio) s).samples();
                assertEquals(length + more, v.length, h.violation("4.11", "a prompt of " + length + " samples and"
                        + " seconds=0.05 gave " + v.length + " samples; expected the prompt and " + more + " more"));
                for (int k = 0; k < length; k++) {
                    if (!(Math.abs(v[k] - prompt[k]) <= Harness.PROMPT_TOLERANCE)) {
                        fail(h.violation("4.11", "sample value " + k + " is " + v[k] + " where the prompt has "
                                + prompt[k] + ": the sample does not start with the prompt"));
                    }
                }
                after.add(java.util.Arrays.copyOfRange(v, length, v.length));
            }
            continuations.add(after);
        }
        boolean differ = false;
        for (int i = 0; i < continuations.get(0).size(); i++) {
            differ |= !java.util.Arrays.equals(continuations.get(0).get(i), continuations.get(1).get(i));
        }
        assertTrue(differ, h.violation("4.11", "two prompts that end differently gave the same continuations with the"
                + " same seed: the generation does not continue the prompt"));
        // At another rate ("at any rate: the plugin resamples it"): twice the model's, and two thirds of it.
        for (int promptRate : new int[] {2 * rate, (int) Math.round(rate * 2.0 / 3)}) {
            promptAtAnotherRate(h, m, rate, promptRate, more);
        }
    }

    /**
     * Rule 4.11 at another rate: a tone of period 16 prompt samples given at {@code promptRate} starts each sample
     * resampled to the model's rate: {@code round(length × rate / promptRate)} values (one either way), which follow
     * the tone (correlation at least 0.9 over their middle half, away from a filter's edges).
     */
    private static void promptAtAnotherRate(Harness h, GenerativeModel m, int rate, int promptRate, long more) {
        int length = 16 * Math.max(2, (int) Math.round(0.02 * promptRate / 16));
        float[] prompt = new float[length];
        for (int k = 0; k < length; k++) {
            prompt[k] = (float) (0.6 * Math.sin(2 * Math.PI * (k - 1) / 16));
        }
        GenerationRequest r = h.request(1, 5).with(GenerationRequest.SECONDS, 0.05)
                .with(GenerationRequest.PROMPT_AUDIO, new Sample.Audio(promptRate, prompt));
        String what = "a prompt of " + length + " samples at " + promptRate + " Hz (the model's rate is " + rate + ")";
        List<Sample> got = h.call("4.11", "generate with " + what, () -> m.generate(r));
        assertTrue(got.size() == 1 && got.get(0) instanceof Sample.Audio a && a.sampleRate() == rate,
                h.violation("4.11", what + " gave " + describe(got)));
        float[] v = ((Sample.Audio) got.get(0)).samples();
        long expected = Math.round(length * (double) rate / promptRate);
        long start = v.length - more;
        assertTrue(Math.abs(start - expected) <= 1, h.violation("4.11", what + " and seconds=0.05 gave " + v.length
                + " samples, " + start + " before the " + more + " generated; the prompt resampled to the model's rate"
                + " is " + expected + " (one either way)"));
        double sxy = 0;
        double sxx = 0;
        double syy = 0;
        for (long j = start / 4; j < 3 * start / 4; j++) {
            double ideal = 0.6 * Math.sin(2 * Math.PI * (j * (double) promptRate / rate - 1) / 16);
            sxy += ideal * v[(int) j];
            sxx += ideal * ideal;
            syy += (double) v[(int) j] * v[(int) j];
        }
        double correlation = sxy / Math.sqrt(sxx * syy + 1e-30);
        assertTrue(correlation >= 0.9, h.violation("4.11", what + ": the sample's first " + start + " values do not"
                + " follow the prompt's tone at the model's rate (correlation " + String.format(java.util.Locale.ROOT,
                "%.2f", correlation) + "): the prompt was not resampled"));
    }
}
