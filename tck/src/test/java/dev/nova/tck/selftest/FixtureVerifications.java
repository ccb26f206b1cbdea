package dev.nova.tck.selftest;

import dev.nova.api.GeneratorProvider;
import dev.nova.api.Modality;
import dev.nova.tck.GeneratorVerification;

/**
 * The verification class applied to each fixture. Not run directly by the build (the names do not end in
 * {@code Tests}); {@link SelfTests} runs them with JUnit's EngineTestKit and checks what fails.
 */
final class FixtureVerifications {

    private FixtureVerifications() {
    }

    /** Only the provider: every fact the kit needs comes from the provider's conformance profile, as in nova tck. */
    abstract static class Base extends GeneratorVerification {
        abstract Modality modality();

        abstract Flaw flaw();

        @Override
        protected GeneratorProvider provider() {
            return new FixtureProvider(modality(), flaw());
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

    abstract static class Audio extends Base {
        @Override
        Modality modality() {
            return Modality.AUDIO;
        }
    }

    /** Declares no facts: each rule that needs one fails in a build (not in the matrix: it breaks no rule). */
    static final class BareText extends GeneratorVerification {
        @Override
        protected GeneratorProvider provider() {
            return new BareTextProvider();
        }
    }

    /**
     * A test class as TCK 0.3 documented it (issue 44): the provider declares only its configuration, and the class
     * overrides the fact hooks the kit removed in 0.4 and two bounds. It must still compile against this kit, its facts
     * must still be used, and the bounds ignored.
     */
    @SuppressWarnings({"deprecation", "removal"})
    static final class LegacyHooksText extends GeneratorVerification {
        @Override
        protected GeneratorProvider provider() {
            return new BareTextProvider();
        }

        @Override
        protected java.util.Optional<String> vocabulary() {
            return java.util.Optional.of(FixtureModel.VOCABULARY);
        }

        @Override
        protected java.util.Optional<java.util.Map.Entry<String, Object>> invalidSetting() {
            return java.util.Optional.of(java.util.Map.entry("learning-rate", -1.0));
        }

        @Override
        protected java.util.Optional<java.util.Map.Entry<String, Object>> incompatibleSetting() {
            return java.util.Optional.of(java.util.Map.entry("hidden", 5));
        }

        @Override
        protected int lossDropSteps() {
            return 1_000;
        }

        @Override
        protected long cancellationBoundMillis() {
            return 60_000;
        }
    }

    /** Declares no facts, but opts every rule that needs one out with a reason. */
    static final class BareTextOptedOut extends GeneratorVerification {
        @Override
        protected GeneratorProvider provider() {
            return new BareTextProvider(true);
        }
    }

    /** Breaks only a SHOULD rule (1.5); not in the matrix, since it fails nothing. */
    static final class SlowProvider extends Text {
        @Override Flaw flaw() { return Flaw.SLOW_PROVIDER; }
    }

    static final class StaticStepCache extends Text {
        @Override Flaw flaw() { return Flaw.STATIC_STEP_CACHE; }
    }

    static final class SaveChangesState extends Text {
        @Override Flaw flaw() { return Flaw.SAVE_CHANGES_STATE; }
    }

    static final class StateInWorkDirectory extends Image {
        @Override Flaw flaw() { return Flaw.STATE_IN_WORK_DIRECTORY; }
    }

    static final class LengthZeroGivesOne extends Text {
        @Override Flaw flaw() { return Flaw.LENGTH_ZERO_GIVES_ONE; }
    }

    static final class CapsCountAtFour extends Image {
        @Override Flaw flaw() { return Flaw.CAPS_COUNT_AT_FOUR; }
    }

    static final class IgnoresTemperatureImage extends Image {
        @Override Flaw flaw() { return Flaw.IGNORES_TEMPERATURE; }
    }

    static final class SameDrawPerSample extends Image {
        @Override Flaw flaw() { return Flaw.SAME_DRAW_PER_SAMPLE; }
    }

    static final class RacyScratch extends Text {
        @Override Flaw flaw() { return Flaw.RACY_SCRATCH; }
    }

    /** The correct fixtures are public classes a JVM of its own can construct (rule 3.7 trains them in one). */
    static final class CorrectText extends Text {
        @Override Flaw flaw() { return Flaw.NONE; }

        @Override
        protected GeneratorProvider provider() {
            return new CorrectTextProvider();
        }
    }

    static final class CorrectImage extends Image {
        @Override Flaw flaw() { return Flaw.NONE; }

        @Override
        protected GeneratorProvider provider() {
            return new CorrectImageProvider();
        }
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

    static final class InfoChanges extends Text {
        @Override Flaw flaw() { return Flaw.INFO_CHANGES; }
    }

    static final class FutureApi extends Text {
        @Override Flaw flaw() { return Flaw.FUTURE_API; }
    }

    static final class NoReference extends Text {
        @Override Flaw flaw() { return Flaw.NO_REFERENCE; }
    }

    static final class RejectsOwnConfig extends Text {
        @Override Flaw flaw() { return Flaw.REJECTS_OWN_CONFIG; }
    }

    static final class AcceptsInvalidValue extends Text {
        @Override Flaw flaw() { return Flaw.ACCEPTS_INVALID_VALUE; }
    }

    static final class CreateThrowsUndocumented extends Image {
        @Override Flaw flaw() { return Flaw.CREATE_THROWS_UNDOCUMENTED; }
    }

    static final class SharedRandom extends Text {
        @Override Flaw flaw() { return Flaw.SHARED_RANDOM; }
    }

    static final class WrongLength extends Text {
        @Override Flaw flaw() { return Flaw.WRONG_LENGTH; }
    }

    static final class AcceptsInvalidOption extends Text {
        @Override Flaw flaw() { return Flaw.ACCEPTS_INVALID_OPTION; }
    }

    static final class AcceptsUnknownPrompt extends Text {
        @Override Flaw flaw() { return Flaw.ACCEPTS_UNKNOWN_PROMPT; }
    }

    static final class TopKOneIgnored extends Text {
        @Override Flaw flaw() { return Flaw.TOP_K_ONE_IGNORED; }
    }

    static final class TopPOneRefused extends Audio {
        @Override Flaw flaw() { return Flaw.TOP_P_ONE_REFUSED; }
    }

    static final class TopKAboveTokensRefused extends Text {
        @Override Flaw flaw() { return Flaw.TOP_K_ABOVE_TOKENS_REFUSED; }
    }

    static final class LabelPastLastAccepted extends Image {
        @Override Flaw flaw() { return Flaw.LABEL_PAST_LAST_ACCEPTED; }
    }

    static final class LabelRefusalNamesClass extends Image {
        @Override Flaw flaw() { return Flaw.LABEL_REFUSAL_NAMES_CLASS; }
    }

    static final class LabelIgnored extends Image {
        @Override Flaw flaw() { return Flaw.LABEL_IGNORED; }
    }

    static final class ReferenceTextNotAsRead extends Text {
        @Override Flaw flaw() { return Flaw.REFERENCE_TEXT_NOT_AS_READ; }
    }

    static final class ReferenceDrawVaries extends Image {
        @Override Flaw flaw() { return Flaw.REFERENCE_DRAW_VARIES; }
    }

    static final class ReferenceImagesOtherSize extends Image {
        @Override Flaw flaw() { return Flaw.REFERENCE_IMAGES_OTHER_SIZE; }
    }

    static final class AudioLengthTruncated extends Audio {
        @Override Flaw flaw() { return Flaw.AUDIO_LENGTH_TRUNCATED; }
    }

    static final class TuningValuesNotACopy extends Text {
        @Override Flaw flaw() { return Flaw.TUNING_VALUES_NOT_A_COPY; }
    }

    static final class FreezeReplaces extends Image {
        @Override Flaw flaw() { return Flaw.FREEZE_REPLACES; }
    }

    static final class FreezeUnknownIgnored extends Text {
        @Override Flaw flaw() { return Flaw.FREEZE_UNKNOWN_IGNORED; }
    }

    static final class FreezeSaved extends Image {
        @Override Flaw flaw() { return Flaw.FREEZE_SAVED; }
    }

    static final class ScheduleRestartsOnRestore extends Text {
        @Override Flaw flaw() { return Flaw.SCHEDULE_RESTARTS_ON_RESTORE; }
    }

    static final class EncodeDropsUnknown extends Text {
        @Override Flaw flaw() { return Flaw.ENCODE_DROPS_UNKNOWN; }
    }

    static final class DecodeOutOfRangeUnchecked extends Text {
        @Override Flaw flaw() { return Flaw.DECODE_OUT_OF_RANGE_UNCHECKED; }
    }

    static final class ArchitectureNamesStalePath extends Image {
        @Override Flaw flaw() { return Flaw.ARCHITECTURE_NAMES_STALE_PATH; }
    }

    static final class BatchSeedsByPosition extends Text {
        @Override Flaw flaw() { return Flaw.BATCH_SEEDS_BY_POSITION; }
    }

    static final class BatchListenerFailureEndsAll extends Text {
        @Override Flaw flaw() { return Flaw.BATCH_LISTENER_FAILURE_ENDS_ALL; }
    }

    static final class BatchCancelIgnored extends Text {
        @Override Flaw flaw() { return Flaw.BATCH_CANCEL_IGNORED; }
    }

    static final class ThreadSlicesDropRemainder extends Text {
        @Override Flaw flaw() { return Flaw.THREAD_SLICES_DROP_REMAINDER; }
    }

    static final class ClassesSortedOnGrowth extends Image {
        @Override Flaw flaw() { return Flaw.CLASSES_SORTED_ON_GROWTH; }
    }

    static final class VocabularyShrinksToData extends Text {
        @Override Flaw flaw() { return Flaw.VOCABULARY_SHRINKS_TO_DATA; }
    }

    static final class ClassesShrinkToData extends Image {
        @Override Flaw flaw() { return Flaw.CLASSES_SHRINK_TO_DATA; }
    }

    static final class GrowthUnannounced extends Text {
        @Override Flaw flaw() { return Flaw.GROWTH_UNANNOUNCED; }
    }

    static final class ClassesUnannounced extends Image {
        @Override Flaw flaw() { return Flaw.GROWTH_UNANNOUNCED; }
    }

    static final class ExportLeavesPartFile extends Text {
        @Override Flaw flaw() { return Flaw.EXPORT_LEAVES_PART_FILE; }
    }

    static final class ImportTransposed extends Text {
        @Override Flaw flaw() { return Flaw.IMPORT_TRANSPOSED; }
    }

    static final class ImportAcceptsTruncated extends Text {
        @Override Flaw flaw() { return Flaw.IMPORT_ACCEPTS_TRUNCATED; }
    }

    static final class CarryIgnored extends Text {
        @Override Flaw flaw() { return Flaw.CARRY_IGNORED; }
    }

    static final class CarryWhenOff extends Text {
        @Override Flaw flaw() { return Flaw.CARRY_WHEN_OFF; }
    }

    static final class CarryIgnoresStateApart extends Text {
        @Override Flaw flaw() { return Flaw.CARRY_IGNORES_STATE_APART; }
    }

    static final class NativeThreadSlicesDropRemainder extends Text {
        @Override Flaw flaw() { return Flaw.NATIVE_THREAD_SLICES_DROP_REMAINDER; }

        @Override
        protected GeneratorProvider provider() {
            return new NativeThreadSlicesProvider();
        }
    }

    static final class ClassesGrowByReinitialising extends Image {
        @Override Flaw flaw() { return Flaw.GROWS_BY_REINITIALISING; }
    }

    static final class AudioPromptRateIgnored extends Audio {
        @Override Flaw flaw() { return Flaw.AUDIO_PROMPT_RATE_IGNORED; }
    }

    static final class IgnoresTemperature extends Text {
        @Override Flaw flaw() { return Flaw.IGNORES_TEMPERATURE; }
    }

    static final class EventsRestart extends Image {
        @Override Flaw flaw() { return Flaw.EVENTS_RESTART; }
    }

    static final class MetricIsNan extends Image {
        @Override Flaw flaw() { return Flaw.METRIC_IS_NAN; }
    }

    static final class TwoPartsLoseState extends Text {
        @Override Flaw flaw() { return Flaw.TWO_PARTS_LOSE_STATE; }
    }

    static final class GenerationAdvancesTraining extends Text {
        @Override Flaw flaw() { return Flaw.GENERATION_ADVANCES_TRAINING; }
    }

    static final class NegativeLoss extends Text {
        @Override Flaw flaw() { return Flaw.NEGATIVE_LOSS; }
    }

    static final class AcceptsForeignPayload extends Text {
        @Override Flaw flaw() { return Flaw.ACCEPTS_FOREIGN_PAYLOAD; }
    }

    static final class IgnoresShapeOnRestore extends Image {
        @Override Flaw flaw() { return Flaw.IGNORES_SHAPE_ON_RESTORE; }
    }

    static final class WrongPluginId extends Text {
        @Override Flaw flaw() { return Flaw.WRONG_PLUGIN_ID; }
    }

    static final class PrintsToStdout extends Text {
        @Override Flaw flaw() { return Flaw.PRINTS_TO_STDOUT; }
    }

    static final class LeaksThread extends Image {
        @Override Flaw flaw() { return Flaw.LEAKS_THREAD; }
    }

    static final class WritesToHome extends Text {
        @Override Flaw flaw() { return Flaw.WRITES_TO_HOME; }
    }

    static final class WritesToWorkingDirectory extends Text {
        @Override Flaw flaw() { return Flaw.WRITES_TO_WORKING_DIRECTORY; }
    }

    static final class StreamsExtraText extends Text {
        @Override Flaw flaw() { return Flaw.STREAMS_EXTRA_TEXT; }
    }

    static final class ProviderStartsThread extends Text {
        @Override Flaw flaw() { return Flaw.PROVIDER_STARTS_THREAD; }
    }

    static final class StopsAtFirstProblem extends Image {
        @Override Flaw flaw() { return Flaw.STOPS_AT_FIRST_PROBLEM; }
    }

    static final class DpWriteShifts extends Text {
        @Override Flaw flaw() { return Flaw.DP_WRITE_SHIFTS; }
    }

    static final class DpSumHasSideEffect extends Text {
        @Override Flaw flaw() { return Flaw.DP_SUM_HAS_SIDE_EFFECT; }
    }

    static final class DpSlicesDoNotAddUp extends Text {
        @Override Flaw flaw() { return Flaw.DP_SLICES_DO_NOT_ADD_UP; }
    }

    static final class DpUpdateDiffers extends Image {
        @Override Flaw flaw() { return Flaw.DP_UPDATE_DIFFERS; }
    }

    static final class DpIgnoresSchedule extends Text {
        @Override Flaw flaw() { return Flaw.DP_IGNORES_SCHEDULE; }
    }

    static final class EvalIgnoresData extends Image {
        @Override Flaw flaw() { return Flaw.EVAL_IGNORES_DATA; }
    }

    static final class FineTuneForgetsParameters extends Text {
        @Override Flaw flaw() { return Flaw.FINE_TUNE_FORGETS_PARAMETERS; }
    }

    static final class AcceptsOtherArchitecture extends Image {
        @Override Flaw flaw() { return Flaw.ACCEPTS_OTHER_ARCHITECTURE; }
    }

    static final class GrowsByReinitialising extends Text {
        @Override Flaw flaw() { return Flaw.GROWS_BY_REINITIALISING; }
    }

    static final class FrozenParametersMove extends Image {
        @Override Flaw flaw() { return Flaw.FROZEN_PARAMETERS_MOVE; }
    }

    static final class CorrectAudio extends Audio {
        @Override Flaw flaw() { return Flaw.NONE; }

        @Override
        protected GeneratorProvider provider() {
            return new CorrectAudioProvider();
        }
    }

    static final class IgnoresSeedAudio extends Audio {
        @Override Flaw flaw() { return Flaw.IGNORES_SEED; }
    }

    static final class WrongAudioLength extends Audio {
        @Override Flaw flaw() { return Flaw.WRONG_AUDIO_LENGTH; }
    }

    static final class AudioDriftsOutOfRange extends Audio {
        @Override Flaw flaw() { return Flaw.AUDIO_DRIFTS_OUT_OF_RANGE; }
    }

    static final class DropsAudioPrompt extends Audio {
        @Override Flaw flaw() { return Flaw.DROPS_AUDIO_PROMPT; }
    }

    static final class IgnoresAudioPrompt extends Audio {
        @Override Flaw flaw() { return Flaw.IGNORES_AUDIO_PROMPT; }
    }
}
