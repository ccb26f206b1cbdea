package dev.nova.tck.selftest;

import dev.nova.api.GeneratorProvider;
import dev.nova.api.Modality;
import dev.nova.tck.GeneratorVerification;
import java.util.Map;
import java.util.Optional;

/**
 * The verification class applied to each fixture. Not run directly by the build (the names do not end in
 * {@code Tests}); {@link SelfTests} runs them with JUnit's EngineTestKit and checks what fails.
 */
final class FixtureVerifications {

    private FixtureVerifications() {
    }

    /** Common hooks: the fixtures declare their vocabulary and one invalid setting. */
    abstract static class Base extends GeneratorVerification {
        abstract Modality modality();

        abstract Flaw flaw();

        @Override
        protected GeneratorProvider provider() {
            return new FixtureProvider(modality(), flaw());
        }

        @Override
        protected Optional<String> vocabulary() {
            return Optional.of(FixtureModel.VOCABULARY);
        }

        @Override
        protected Optional<Map.Entry<String, Object>> invalidSetting() {
            return Optional.of(Map.entry("learning-rate", -1.0));
        }
    }

    abstract static class Text extends Base {
        @Override
        Modality modality() {
            return Modality.TEXT;
        }
    }

    abstract static class Image extends Base {
        @Override
        Modality modality() {
            return Modality.IMAGE;
        }
    }

    static final class CorrectText extends Text {
        @Override Flaw flaw() { return Flaw.NONE; }
    }

    static final class CorrectImage extends Image {
        @Override Flaw flaw() { return Flaw.NONE; }
    }

    static final class IgnoresSeed extends Text {
        @Override Flaw flaw() { return Flaw.IGNORES_SEED; }
    }

    static final class OneSampleShort extends Text {
        @Override Flaw flaw() { return Flaw.ONE_SAMPLE_SHORT; }
    }

    static final class PixelsOutOfRange extends Image {
        @Override Flaw flaw() { return Flaw.PIXELS_OUT_OF_RANGE; }
    }

    static final class TokensOutsideVocabulary extends Text {
        @Override Flaw flaw() { return Flaw.TOKENS_OUTSIDE_VOCABULARY; }
    }

    static final class LossBecomesNan extends Text {
        @Override Flaw flaw() { return Flaw.LOSS_BECOMES_NAN; }
    }

    static final class SaveLosesState extends Text {
        @Override Flaw flaw() { return Flaw.SAVE_LOSES_STATE; }
    }

    static final class AcceptsUnknownKeys extends Text {
        @Override Flaw flaw() { return Flaw.ACCEPTS_UNKNOWN_KEYS; }
    }

    static final class WritesOutsideWorkDirectory extends Image {
        @Override Flaw flaw() { return Flaw.WRITES_OUTSIDE_WORK_DIRECTORY; }
    }

    static final class IgnoresCancellation extends Text {
        @Override Flaw flaw() { return Flaw.IGNORES_CANCELLATION; }

        @Override
        protected long cancellationBoundMillis() {
            return 1_500;
        }
    }

    static final class ThrowsUndocumentedException extends Text {
        @Override Flaw flaw() { return Flaw.THROWS_UNDOCUMENTED_EXCEPTION; }
    }

    static final class AcceptsTruncatedPayload extends Text {
        @Override Flaw flaw() { return Flaw.ACCEPTS_TRUNCATED_PAYLOAD; }
    }

    static final class LossDoesNotFall extends Image {
        @Override Flaw flaw() { return Flaw.LOSS_DOES_NOT_FALL; }
    }

    static final class SkipsProgressEvents extends Text {
        @Override Flaw flaw() { return Flaw.SKIPS_PROGRESS_EVENTS; }
    }

    static final class DropsPrompt extends Text {
        @Override Flaw flaw() { return Flaw.DROPS_PROMPT; }
    }

    static final class TrainsNondeterministically extends Text {
        @Override Flaw flaw() { return Flaw.TRAINS_NONDETERMINISTICALLY; }
    }
}
