package dev.nova.tck;

import static dev.nova.tck.Harness.describe;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.nova.api.GenerationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.Modality;
import dev.nova.api.PluginException;
import dev.nova.api.Sample;
import java.util.List;
import java.util.Map;

/**
 * What rules 4.12 and 4.13 ask of a model at the limits the API documents for an option: the requests they send, the
 * samples of each accepted value, and the refusals they expect.
 */
final class DocumentedLimits {

    private DocumentedLimits() {
    }

    /** Samples of one class (rule 4.13): three, seed 31; audio of 0.05 s. */
    static List<Sample> labelled(Harness h, GenerativeModel m, Object label) {
        String what = "generate with label = " + (label instanceof String ? "\"" + label + "\"" : label);
        List<Sample> s = h.call("4.13", what, () -> m.generate(limitRequest(h, 31).with(GenerationRequest.LABEL, label)));
        assertTrue(s != null && s.size() == 3, h.violation("4.13", what + " gave " + (s == null ? null : describe(s))
                + " for count 3"));
        for (Sample one : s) {
            assertTrue(h.isOfModality(one), h.violation("4.13", what + " gave " + one + " from a "
                    + h.info().modality() + " plugin"));
        }
        return s;
    }

    /** A label the model must refuse (rule 4.13), with a {@code PluginException} naming {@code label}. */
    static void labelRefused(Harness h, GenerativeModel m, int label, String why) {
        h.refuses("4.13", "label = " + label, GenerationRequest.LABEL, "it is refused: " + why,
                () -> m.generate(limitRequest(h, 31).with(GenerationRequest.LABEL, label)));
    }

    /** The request of rule 4.12: three samples (text of the kit's length; audio of 0.05 s). */
    static GenerationRequest limitRequest(Harness h, long seed) {
        GenerationRequest r = h.request(3, seed);
        return h.info().modality() == Modality.AUDIO ? r.with(GenerationRequest.SECONDS, 0.05) : r;
    }

    /**
     * Asks for samples at each documented value of an option: the samples of each value accepted, by value. A refusal
     * must name the option; refusing one documented value while accepting another fails rule 4.12.
     */
    static Map<Object, List<Sample>> limits(Harness h, GenerativeModel m, String key, List<Object> values) {
        Map<Object, List<Sample>> accepted = new java.util.LinkedHashMap<>();
        Map<Object, String> refused = new java.util.LinkedHashMap<>();
        for (Object value : values) {
            String what = key + " = " + value;
            try {
                List<Sample> s = m.generate(limitRequest(h, 21).with(key, value));
                assertTrue(s != null && s.size() == 3, h.violation("4.12", what + " gave " + (s == null ? null
                        : describe(s)) + " for count 3"));
                for (Sample one : s) {
                    assertTrue(h.isOfModality(one), h.violation("4.12", what + " gave " + one + " from a "
                            + h.info().modality() + " plugin"));
                    if (one instanceof Sample.Text t && h.isText() && !h.anyCharacter()) {
                        assertEquals(Harness.SAMPLE_LENGTH, t.text().codePointCount(0, t.text().length()),
                                h.violation("4.12", what + " gave \"" + t.text() + "\" for length "
                                        + Harness.SAMPLE_LENGTH));
                    }
                }
                accepted.put(value, s);
            } catch (PluginException e) {
                assertTrue(String.valueOf(e.getMessage()).contains(key), h.violation("4.12", what + " was refused"
                        + " without naming the option: " + e.getMessage()));
                refused.put(value, e.getMessage());
            } catch (RuntimeException e) {
                fail(h.violation("8.1", what + " threw undocumented " + e.getClass().getName() + ": "
                        + e.getMessage()));
            }
        }
        if (!accepted.isEmpty() && !refused.isEmpty()) {
            Map.Entry<Object, String> r = refused.entrySet().iterator().next();
            fail(h.violation("4.12", key + " = " + r.getKey() + " was refused (" + r.getValue() + ") though the API"
                    + " documents it, while " + key + " = " + accepted.keySet().iterator().next() + " was accepted"));
        }
        return accepted;
    }
}
