package dev.nova.host.internal.run;

import dev.nova.api.GenerativeModel;
import dev.nova.api.Tuning;
import dev.nova.host.internal.config.ConfigErrors;
import dev.nova.host.internal.model.GuardedModel;
import dev.nova.host.internal.plan.RunPlan;
import dev.nova.host.internal.support.UsageException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Applies {@code nova.finetune.freeze} to a model after it is created or restored: every pattern must match at least
 * one of the parameters the plugin declares ({@link Tuning}), and the matches are frozen for the whole run (a resume
 * freezes them again: freezing is a setting of the run, not state of the payload).
 */
final class Freezing {

    private Freezing() {
    }

    /**
     * Freezes what the plan's patterns match.
     *
     * @param plan the run's plan
     * @param model the model, just created or restored
     * @param err where the summary line goes
     * @throws ConfigErrors naming each pattern that matches no parameter
     * @throws UsageException when patterns are given and the plugin cannot freeze
     */
    static void apply(RunPlan plan, GuardedModel model, PrintStream err) {
        List<String> patterns = plan.freeze();
        if (patterns.isEmpty()) {
            return;
        }
        Optional<Tuning> tuning = model.tuning();
        if (tuning.isEmpty()) {
            throw new UsageException("nova.finetune.freeze: plugin '" + plan.pluginId() + "' cannot freeze parameters (its"
                    + " models do not offer GenerativeModel.tuning(), plugin API 1.3)");
        }
        List<Tuning.Parameter> parameters = tuning.get().parameters();
        Set<String> frozen = new LinkedHashSet<>();
        List<String> byPattern = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String pattern : patterns) {
            Pattern regex = glob(pattern);
            List<String> hits = parameters.stream().map(Tuning.Parameter::name)
                    .filter(n -> regex.matcher(n).matches()).toList();
            if (hits.isEmpty()) {
                problems.add("nova.finetune.freeze: pattern '" + pattern + "' matches no parameter of plugin '"
                        + plan.pluginId() + "'; its parameters are " + names(parameters)
                        + " ('nova inspect CHECKPOINT --parameters' lists them with their shapes)");
            }
            frozen.addAll(hits);
            byPattern.add(pattern + " (" + hits.size() + ")");
        }
        if (!problems.isEmpty()) {
            throw new ConfigErrors(problems);
        }
        tuning.get().freeze(frozen);
        long values = parameters.stream().filter(p -> frozen.contains(p.name())).mapToLong(Tuning.Parameter::count).sum();
        long all = parameters.stream().mapToLong(Tuning.Parameter::count).sum();
        // Each name while they are few; past a dozen, each pattern with what it matched (GPT-2 small's freeze of ten
        // blocks named 122 parameters on one line).
        err.println("nova: freezing " + frozen.size() + " of " + parameters.size() + " parameters (" + values + " of "
                + all + " values): " + String.join(", ", frozen.size() <= 12 ? List.copyOf(frozen) : byPattern));
    }

    private static String names(List<Tuning.Parameter> parameters) {
        List<String> names = parameters.stream().map(Tuning.Parameter::name).toList();
        return names.size() <= 12 ? String.join(", ", names)
                : String.join(", ", names.subList(0, 12)) + ", ... (" + names.size() + " in all)";
    }

    /**
     * A glob as a regular expression: {@code *} any run of characters, {@code ?} one character, everything else
     * literal.
     *
     * @param glob the pattern
     * @return the expression, matched against whole names
     */
    static Pattern glob(String glob) {
        StringBuilder b = new StringBuilder();
        StringBuilder literal = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*' || c == '?') {
                if (literal.length() > 0) {
                    b.append(Pattern.quote(literal.toString()));
                    literal.setLength(0);
                }
                b.append(c == '*' ? ".*" : ".");
            } else {
                literal.append(c);
            }
        }
        if (literal.length() > 0) {
            b.append(Pattern.quote(literal.toString()));
        }
        return Pattern.compile(b.toString());
    }
}
