package dev.nova.host.internal.quality;

import dev.nova.api.GenerativeModel;
import dev.nova.api.ReferenceData;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Control characters in a text model's training text: terminal escape codes from a captured terminal session, form
 * feeds, NULs. A model trains on them as on any character and samples them back; a terminal then runs them (colours,
 * a cleared screen) and the report shows them as their pictures. Nothing is wrong enough to refuse the run, so the
 * host says so once, when training starts, with what they are and where the first one is.
 */
public final class ControlCharacters {

    private ControlCharacters() {
    }

    /**
     * The warning about a text's control characters, if it has any besides line breaks and tabs.
     *
     * @param text the training text
     * @return one line, or empty
     */
    public static Optional<String> describe(String text) {
        Map<Integer, Integer> counts = new TreeMap<>();
        int first = -1;
        int line = 1;
        int firstLine = 0;
        int total = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\n') {
                line++;
            }
            if (control(c)) {
                counts.merge((int) c, 1, Integer::sum);
                total++;
                if (first < 0) {
                    first = i;
                    firstLine = line;
                }
            }
        }
        if (total == 0) {
            return Optional.empty();
        }
        StringBuilder kinds = new StringBuilder();
        counts.entrySet().stream().sorted((a, b) -> b.getValue() - a.getValue()).limit(4).forEach(e -> kinds.append(
                kinds.length() == 0 ? "" : ", ").append(name(e.getKey())).append(" \u00d7").append(String.format(
                        Locale.ROOT, "%,d", e.getValue())));
        if (counts.size() > 4) {
            kinds.append(", and ").append(counts.size() - 4).append(" more kinds");
        }
        boolean escapes = counts.containsKey(0x1b);
        return Optional.of(String.format(Locale.ROOT, "the training text holds %,d control character%s (%s), the first"
                + " at character %,d (line %,d)%s; the model trains on them and will sample them, and a terminal runs"
                + " what it prints (the report shows them as pictures, \u241b for ESC)%s", total, total == 1 ? "" : "s",
                kinds, first + 1, firstLine, escapes ? ": terminal escape codes, from a captured terminal session?" : "",
                escapes ? "; strip them, for example: sed -E 's/\\x1b\\[[0-9;?]*[A-Za-z]//g' IN > OUT" : ""));
    }

    /**
     * Warns of a model's training text's control characters, when it offers its text.
     *
     * @param model the model about to train
     * @return the warning, or empty
     */
    public static Optional<String> of(GenerativeModel model) {
        return model.referenceData().flatMap(d -> d.text(ReferenceData.Split.TRAINING)).flatMap(ControlCharacters::describe);
    }

    private static boolean control(char c) {
        return c < 0x20 && c != '\n' && c != '\r' && c != '\t' || c == 0x7f || c >= 0x80 && c < 0xa0;
    }

    private static String name(int c) {
        return switch (c) {
            case 0x1b -> "ESC";
            case 0x00 -> "NUL";
            case 0x07 -> "BEL";
            case 0x08 -> "BS";
            case 0x0c -> "FF";
            case 0x0b -> "VT";
            case 0x7f -> "DEL";
            default -> String.format(Locale.ROOT, "U+%04X", c);
        };
    }
}
