package dev.nova.tck;

import com.typesafe.config.Config;
import dev.nova.api.ConformanceProfile;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * TCK 0.3's hooks that a plugin's test class overrides (deprecated since 0.4, removed in 0.8): the facts it overrides
 * are layered over the provider's conformance profile, so that its build keeps working for this minor version; the
 * bounds it overrides are ignored (the SPEC's apply). Which hooks a class overrides, and what to do instead, is said
 * once per class on standard error.
 */
final class LegacyHooks {

    /** Fact hooks: the name, and where the fact goes now. */
    private static final Map<String, String> FACTS = Map.of(
            "conformance", "the provider's GeneratorProvider.conformance(Path)",
            "conformanceConfig", "ConformanceProfile.of(config) in the provider's conformance(Path)",
            "vocabulary", "ConformanceProfile.withVocabulary",
            "invalidSetting", "ConformanceProfile.withInvalidSetting",
            "invalidGenerationOption", "ConformanceProfile.withInvalidGenerationOption",
            "incompatibleSetting", "ConformanceProfile.withIncompatibleSetting");

    /** Bound hooks: ignored since 0.4. */
    private static final List<String> BOUNDS = List.of("supportsPrompt", "supportsLength", "lossDropSteps",
            "lossDropMargin", "warmUpSteps", "sampleLength", "cancellationBoundMillis");

    private static final Set<Class<?>> TOLD = ConcurrentHashMap.newKeySet();

    private final GeneratorVerification test;
    private final Set<String> overridden;

    private LegacyHooks(GeneratorVerification test, Set<String> overridden) {
        this.test = test;
        this.overridden = overridden;
    }

    /**
     * The old hooks a test class overrides; said once per class.
     *
     * @param test the test instance
     * @return its hooks
     */
    static LegacyHooks of(GeneratorVerification test) {
        Set<String> found = new java.util.LinkedHashSet<>();
        for (String name : FACTS.keySet()) {
            if (overrides(test.getClass(), name)) {
                found.add(name);
            }
        }
        for (String name : BOUNDS) {
            if (overrides(test.getClass(), name)) {
                found.add(name);
            }
        }
        if (!found.isEmpty() && TOLD.add(test.getClass())) {
            List<String> moves = new ArrayList<>();
            found.stream().filter(FACTS::containsKey).forEach(n -> moves.add(n + "() -> " + FACTS.get(n)));
            found.stream().filter(n -> !FACTS.containsKey(n)).forEach(n -> moves.add(n + "() is ignored (the SPEC's"
                    + " bound applies)"));
            System.err.println("Nova TCK: " + test.getClass().getName() + " overrides hooks deprecated since TCK 0.4,"
                    + " to be removed in 0.8 (still honoured where they declare facts): " + String.join("; ", moves)
                    + ". nova tck reads only the provider's profile, so move the facts there.");
        }
        return new LegacyHooks(test, found);
    }

    /** Whether a class below GeneratorVerification declares a hook of that name (any parameters). */
    private static boolean overrides(Class<?> c, String name) {
        for (Class<?> k = c; k != null && k != GeneratorVerification.class; k = k.getSuperclass()) {
            for (java.lang.reflect.Method m : k.getDeclaredMethods()) {
                if (m.getName().equals(name) && !m.isSynthetic() && !m.isBridge()) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The profile the rules use: the provider's, with the facts the test class's old hooks declare layered over it.
     *
     * @param declared the provider's profile
     * @param scratch a folder for small data files
     * @return the profile
     */
    @SuppressWarnings("removal")
    Optional<ConformanceProfile> layer(Optional<ConformanceProfile> declared, Path scratch) {
        if (overridden.isEmpty()) {
            return declared;
        }
        Optional<ConformanceProfile> p = overridden.contains("conformance") ? test.conformance(scratch) : declared;
        if (overridden.contains("conformanceConfig")) {
            Optional<Config> config = test.conformanceConfig(scratch);
            if (config.isPresent()) {
                p = Optional.of(p.map(q -> new ConformanceProfile(config.get(), q.vocabulary(), q.invalidSetting(),
                        q.invalidGenerationOption(), q.incompatibleSetting(), q.shapeless(), q.rulesNotExercised(),
                        q.generationOptions(), q.optimizerSettings(), q.dataSetting()))
                        .orElse(ConformanceProfile.of(config.get())));
            }
        }
        if (p.isEmpty()) {
            return p;
        }
        ConformanceProfile q = p.get();
        if (overridden.contains("vocabulary") && test.vocabulary().isPresent()) {
            q = q.withVocabulary(test.vocabulary().get());
        }
        if (overridden.contains("invalidSetting") && test.invalidSetting().isPresent()) {
            q = q.withInvalidSetting(test.invalidSetting().get().getKey(), test.invalidSetting().get().getValue());
        }
        if (overridden.contains("invalidGenerationOption") && test.invalidGenerationOption().isPresent()) {
            q = q.withInvalidGenerationOption(test.invalidGenerationOption().get().getKey(),
                    test.invalidGenerationOption().get().getValue());
        }
        if (overridden.contains("incompatibleSetting") && test.incompatibleSetting().isPresent()) {
            q = q.withIncompatibleSetting(test.incompatibleSetting().get().getKey(),
                    test.incompatibleSetting().get().getValue());
        }
        return Optional.of(q);
    }
}
