package dev.nova.tck.selftest;

/** One deliberate defect of a fixture plugin; {@link #NONE} is the correct reference. */
enum Flaw {
    NONE,
    IGNORES_SEED,
    ONE_SAMPLE_SHORT,
    PIXELS_OUT_OF_RANGE,
    TOKENS_OUTSIDE_VOCABULARY,
    LOSS_BECOMES_NAN,
    SAVE_LOSES_STATE,
    ACCEPTS_UNKNOWN_KEYS,
    WRITES_OUTSIDE_WORK_DIRECTORY,
    IGNORES_CANCELLATION,
    THROWS_UNDOCUMENTED_EXCEPTION,
    ACCEPTS_TRUNCATED_PAYLOAD,
    LOSS_DOES_NOT_FALL,
    SKIPS_PROGRESS_EVENTS,
    DROPS_PROMPT,
    TRAINS_NONDETERMINISTICALLY,
    // TCK 0.2
    INFO_CHANGES,
    FUTURE_API,
    NO_REFERENCE,
    REJECTS_OWN_CONFIG,
    ACCEPTS_INVALID_VALUE,
    CREATE_THROWS_UNDOCUMENTED,
    SHARED_RANDOM,
    /** One scratch buffer shared by every generate() call: correct alone, wrong when calls overlap (rule 7.1). */
    RACY_SCRATCH,
    /** Every sample of a request draws from the request seed's one stream, restarted (3.5). */
    SAME_DRAW_PER_SAMPLE,
    /** length = 0 still generates one character (an off-by-one in the sampling loop) (4.2). */
    LENGTH_ZERO_GIVES_ONE,
    /** More than four samples are capped at four (the model's batch) (4.1). */
    CAPS_COUNT_AT_FOUR,
    /** A static memo of the last step's gradient, keyed by the step number: correct while one model trains (3.4). */
    STATIC_STEP_CACHE,
    /** save() rewinds the data cursor, then writes it: saved and restored model agree, an unsaved one not (6.7). */
    SAVE_CHANGES_STATE,
    /** The payload names a file in the work directory that holds the weights, instead of holding them (6.8). */
    STATE_IN_WORK_DIRECTORY,
    WRONG_LENGTH,
    ACCEPTS_INVALID_OPTION,
    ACCEPTS_UNKNOWN_PROMPT,
    IGNORES_TEMPERATURE,
    EVENTS_RESTART,
    METRIC_IS_NAN,
    GENERATION_ADVANCES_TRAINING,
    NEGATIVE_LOSS,
    ACCEPTS_FOREIGN_PAYLOAD,
    IGNORES_SHAPE_ON_RESTORE,
    WRONG_PLUGIN_ID,
    PRINTS_TO_STDOUT,
    LEAKS_THREAD,
    WRITES_TO_HOME,
    WRITES_TO_WORKING_DIRECTORY,
    STREAMS_EXTRA_TEXT,
    PROVIDER_STARTS_THREAD,
    /** Constructing the provider takes 300 ms (SHOULD rule 1.5: a warning, not a failure). */
    SLOW_PROVIDER,
    STOPS_AT_FIRST_PROBLEM,
    // TCK 0.3
    DP_WRITE_SHIFTS,
    DP_SUM_HAS_SIDE_EFFECT,
    DP_SLICES_DO_NOT_ADD_UP,
    DP_UPDATE_DIFFERS,
    // TCK 0.4
    /** {@code applyUpdate} applies plain steps: no clipping, warm-up or decay (rule 9.6 only). */
    DP_IGNORES_SCHEDULE,
    /** {@code evaluate} scores its own held-out data whatever {@code EvaluationRequest.data()} names (rule 5.8). */
    EVAL_IGNORES_DATA,
    // TCK 0.5
    /** A fine-tuned model starts from fresh parameters, not its parent's (rules 10.1, 10.3). */
    FINE_TUNE_FORGETS_PARAMETERS,
    /** Fine-tuning starts a model of another architecture from the parent's checkpoint (rule 10.2). */
    ACCEPTS_OTHER_ARCHITECTURE,
    /** A vocabulary that grows is initialised afresh, the parent's rows lost (rule 10.3 only). */
    GROWS_BY_REINITIALISING,
    /** Frozen parameters are still updated (rule 10.4). */
    FROZEN_PARAMETERS_MOVE,
    // TCK 0.6
    /** Audio one value short: the level generation starts from is counted as generated (rules 4.2, 4.11). */
    WRONG_AUDIO_LENGTH,
    /** An offset grows along the audio, past 1 after 128 samples (rule 4.3). */
    AUDIO_DRIFTS_OUT_OF_RANGE,
    /** The audio continues the prompt but does not include it (rule 4.11). */
    DROPS_AUDIO_PROMPT,
    /** The audio includes the prompt, then starts afresh from silence instead of from the prompt (rule 4.11). */
    IGNORES_AUDIO_PROMPT,
    /** Saved in two parts, the data cursor is written as 0: the one-part save is exact, the two-part one not (6.9). */
    TWO_PARTS_LOSE_STATE,
    // TCK 0.7
    /** top-k is accepted and ignored: top-k = 1 still samples (rule 4.12). */
    TOP_K_ONE_IGNORED,
    /** top-p = 1 is refused as out of range, (0, 1) instead of the documented (0, 1] (rule 4.12). */
    TOP_P_ONE_REFUSED,
    /** top-k above the number of tokens is refused, though it keeps every token as 0 does (rule 4.12). */
    TOP_K_ABOVE_TOKENS_REFUSED,
    /** A label one past the last class is taken as the last class (clamped) instead of refused (rule 4.13). */
    LABEL_PAST_LAST_ACCEPTED,
    /** A label outside the classes is refused naming the plugin's own option, class, not label (rule 4.13). */
    LABEL_REFUSAL_NAMES_CLASS,
    /** A label is accepted and ignored: every class gives the same samples (rule 4.13). */
    LABEL_IGNORED,
    /** The reference text is the raw file (upper case) where the model reads it lower-cased (rule 11.1). */
    REFERENCE_TEXT_NOT_AS_READ,
    /** Reference images are drawn from a generator shared across calls, not a fixed function of the seed (11.1). */
    REFERENCE_DRAW_VARIES,
    /** Reference images at the data's size, twice the size the model generates (rule 11.1). */
    REFERENCE_IMAGES_OTHER_SIZE,
    /** Audio of {@code (int) (seconds × rate)} samples, a floor where the API says round (rule 4.2 at 0.6 of a sample). */
    AUDIO_LENGTH_TRUNCATED,
    /** tuning().values hands out one array per step, so a caller writing into it changes the next answer (10.5). */
    TUNING_VALUES_NOT_A_COPY,
    /** freeze sets what is frozen instead of adding to it: freeze([]) unfreezes (rule 10.5). */
    FREEZE_REPLACES,
    /** freeze ignores names that are not a parameter's, as a pattern matching nothing would (rule 10.5). */
    FREEZE_UNKNOWN_IGNORED,
    /** Freezing is written into the payload: a restored model comes back frozen (rule 10.5). */
    FREEZE_SAVED,
    /**
     * The learning-rate schedule counts from the restore, not from step 0: invisible at the defaults (no warm-up or
     * decay), a warm-up again after every restore under the profile's optimiser settings (rule 6.5).
     */
    SCHEDULE_RESTARTS_ON_RESTORE,
    /** textTokens().encode leaves out a character the vocabulary lacks instead of refusing it (rule 4.14). */
    ENCODE_DROPS_UNKNOWN,
    /** textTokens().decode renders a token out of range as U+FFFD instead of refusing it (rule 4.14). */
    DECODE_OUT_OF_RANGE_UNCHECKED,
    /** fineTuning().architecture() still names a setting by its old path, which reference.conf no longer has (10.6). */
    ARCHITECTURE_NAMES_STALE_PATH,
    /** A request in a batch is seeded by its position there: the first alone is right, later ones not (rule 7.2). */
    BATCH_SEEDS_BY_POSITION,
    /** A listener's exception ends every request in the batch, not its own alone (rule 7.2). */
    BATCH_LISTENER_FAILURE_ENDS_ALL,
    /** A cancelled request goes on until it ends (rule 7.2). */
    BATCH_CANCEL_IGNORED,
    /** A prompt at another rate is taken as if at the model's, not resampled (rule 4.11). */
    AUDIO_PROMPT_RATE_IGNORED,
    /**
     * Called from a fork-join pool, training cuts the batch into one slice per thread of the pool and drops the
     * remainder (16 windows over 3 threads: 15); from an ordinary thread it takes one slice, all of it (rule 3.6).
     */
    THREAD_SLICES_DROP_REMAINDER,
    /**
     * Fine-tuned on class folders, the classes are sorted by name, the parent's with the new ones: class rows go with
     * their names, but a parent's label names another class in the child (rule 10.7).
     */
    CLASSES_SORTED_ON_GROWTH,
    /**
     * Fine-tuned on a text, the vocabulary is the text's characters alone: rows go with their characters, but a parent's
     * character the text lacks is dropped and the others move (rule 10.8).
     */
    VOCABULARY_SHRINKS_TO_DATA,
    /**
     * Fine-tuned on class folders, the classes are the folders' alone: rows go with their names, but a parent's class the
     * data lacks is dropped and the others move (rule 10.8).
     */
    CLASSES_SHRINK_TO_DATA,
    /** Fine-tuning grows the vocabulary or the classes as it should, and tells the user nothing (rules 10.3, 10.7). */
    GROWTH_UNANNOUNCED,
    /** Export writes a second copy of the weights as a part file it does not return (rule 12.1). */
    EXPORT_LEAVES_PART_FILE,
    /** Import reads the bigram matrix transposed: the imported model is another model (rule 12.1). */
    IMPORT_TRANSPOSED,
    /** Import takes logits missing from a truncated weights file as zeros (rule 12.1). */
    IMPORT_ACCEPTS_TRUNCATED,
    /** Fine-tuning never carries the optimiser's state, asked to or not (rule 10.9). */
    CARRY_IGNORED,
    /** Fine-tuning carries the optimiser's state from a payload that holds it, even when not asked to (rule 10.9). */
    CARRY_WHEN_OFF,
    /** Fine-tuning carries the state held in the payload, and ignores the training state written apart (rule 10.9). */
    CARRY_IGNORES_STATE_APART,
    /**
     * The batch is cut into one slice per native thread ({@code OMP_NUM_THREADS}, when set) and the remainder dropped:
     * 15 of 16 windows over 3 threads (rule 3.7).
     */
    NATIVE_THREAD_SLICES_DROP_REMAINDER
}
