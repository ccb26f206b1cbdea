package dev.nova.tck.selftest;

import com.typesafe.config.Config;
import dev.nova.api.ConformanceProfile;
import dev.nova.api.Modality;
import java.nio.file.Path;
import java.util.Optional;

/** The correct text fixture declaring only its tiny configuration, none of the facts some rules need. */
public final class BareTextProvider extends FixtureProvider {
    /** Creates the provider. */
    public BareTextProvider() {
        super(Modality.TEXT, Flaw.NONE);
    }

    @Override
    public Optional<Config> conformanceConfig(Path scratch) {
        return super.conformance(scratch).map(ConformanceProfile::config);
    }

    @Override
    public Optional<ConformanceProfile> conformance(Path scratch) {
        return conformanceConfig(scratch).map(ConformanceProfile::of);
    }
}
