package dev.nova.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nova.api.FineTuneRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.Tuning;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** What several rules of section 10 check alike: a model's parameters, their growth, its notices and its classes. */
final class FineTuningChecks {

    private FineTuningChecks() {
    }

    /**
     * Rules 10.3 and 10.7: {@link FineTuneRequest#notices()} "receives one-line messages for the user (what grew, and
     * by which characters or classes)": a model that grew said so, in lines, naming each of {@code added} (a character
     * by itself or as its code point, U+XXXX).
     */
    static void announced(Harness h, String rule, List<String> notices, List<String> added, String why) {
        for (String n : notices) {
            assertTrue(n != null && n.indexOf('\n') < 0 && n.indexOf('\r') < 0, h.violation(rule, "a notice of the"
                    + " model fine-tuned " + why + " is not one line: " + n));
        }
        for (String a : added) {
            String code = a.codePointCount(0, a.length()) == 1 ? String.format("U+%04X", a.codePointAt(0)) : a;
            assertTrue(notices.stream().anyMatch(n -> n.contains(a) || n.contains(code)), h.violation(rule,
                    "the model fine-tuned " + why + " grew, but no notice (FineTuneRequest.notices) names '" + a
                    + "': the user is not told what the model now knows; its notices: " + notices));
        }
    }

    static Map<String, float[]> values(Harness h, String rule, Tuning t) {
        Map<String, float[]> out = new java.util.LinkedHashMap<>();
        for (Tuning.Parameter p : h.call(rule, "tuning().parameters", t::parameters)) {
            float[] v = h.call(rule, "tuning().values", () -> t.values(p.name()));
            assertEquals(p.count(), v.length, h.violation(rule, "values(\"" + p.name() + "\") has " + v.length
                    + " values, the parameter declares " + p.count()));
            out.put(p.name(), v);
        }
        return out;
    }

    /**
     * Rules 10.3 and 10.7: every parent parameter is in the child; one that kept its size kept its values to the bit,
     * one that grew holds all its parent's values.
     *
     * @return whether any parameter grew
     */
    static boolean keptWhileGrowing(Harness h, String rule, Map<String, float[]> before, Map<String, float[]> after, String why) {
        boolean grew = false;
        for (Map.Entry<String, float[]> e : before.entrySet()) {
            float[] c = after.get(e.getKey());
            assertTrue(c != null, h.violation(rule, "the model fine-tuned " + why + " has no parameter " + e.getKey()));
            if (c.length == e.getValue().length) {
                assertTrue(Arrays.equals(c, e.getValue()), h.violation(rule, "parameter " + e.getKey()
                        + " did not grow " + why + ", and differs from its parent's"));
            } else {
                grew = true;
                assertTrue(contains(c, e.getValue()), h.violation(rule, "parameter " + e.getKey() + " grew from "
                        + e.getValue().length + " to " + c.length + " values " + why + " and lost some of its"
                        + " parent's values"));
            }
        }
        return grew;
    }

    /** Whether every value of {@code part} is in {@code whole}, as often as it is in {@code part}. */
    private static boolean contains(float[] whole, float[] part) {
        float[] w = whole.clone();
        float[] p = part.clone();
        Arrays.sort(w);
        Arrays.sort(p);
        int i = 0;
        for (float x : p) {
            while (i < w.length && Float.compare(w[i], x) < 0) {
                i++;
            }
            if (i == w.length || Float.compare(w[i], x) != 0) {
                return false;
            }
            i++;
        }
        return true;
    }

    /** A model's class names from its reference data; empty when it offers none. */
    static List<String> classes(Harness h, String rule, GenerativeModel m) {
        Optional<dev.nova.api.ReferenceData> data = h.call(rule, "referenceData()", m::referenceData);
        return data == null || data.isEmpty() ? List.of()
                : h.call(rule, "referenceData().classes()", () -> data.get().classes());
    }

    /** Whether a model's reference data says it is class-conditional; false when it offers none. */
    static boolean conditional(Harness h, String rule, GenerativeModel m) {
        Optional<dev.nova.api.ReferenceData> data = h.call(rule, "referenceData()", m::referenceData);
        return data != null && data.isPresent()
                && h.call(rule, "referenceData().conditional()", () -> data.get().conditional());
    }
}
