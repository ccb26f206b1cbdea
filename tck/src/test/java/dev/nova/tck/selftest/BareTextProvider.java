package dev.nova.tck.selftest;

import com.typesafe.config.Config;
import dev.nova.api.ConformanceProfile;
import dev.nova.api.Modality;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The correct text fixture declaring only its tiny configuration, none of the facts some rules need (and, when asked,
 * opting those rules out with a reason).
 */
public final class BareTextProvider extends FixtureProvider {

    /** The rules that need a fact this provider does not declare. */
    static final List<String> RULES_NEEDING_FACTS = List.of("2.4", "2.5", "2.6", "4.4", "4.7", "5.8", "6.6", "9.6", "10.2",
            "10.3", "10.8");

    private final boolean optOut;

    /** Creates the provider; it opts nothing out. */
    public BareTextProvider() {
        this(false);
    }

    /**
     * Creates the provider.
     *
     * @param optOut whether its profile opts out the rules that need the facts it does not declare
     */
    public BareTextProvider(boolean optOut) {
        super(Modality.TEXT, Flaw.NONE);
        this.optOut = optOut;
    }

    @Override
    public Optional<Config> conformanceConfig(Path scratch) {
        return super.conformance(scratch).map(ConformanceProfile::config);
    }

    @Override
    public Optional<ConformanceProfile> conformance(Path scratch) {
        Optional<ConformanceProfile> bare = conformanceConfig(scratch).map(ConformanceProfile::of);
        if (optOut) {
            for (String rule : RULES_NEEDING_FACTS) {
                bare = bare.map(p -> p.withRuleNotExercised(rule, "the fixture declares no facts on purpose"));
            }
        }
        return bare;
    }
}
