package dev.nova.tck.selftest;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.nova.api.CheckpointException;
import dev.nova.api.ConfigProblem;
import dev.nova.api.ConformanceProfile;
import dev.nova.api.FineTuneRequest;
import dev.nova.api.FineTuning;
import dev.nova.api.GenerationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.GeneratorProvider;
import dev.nova.api.InvalidConfigException;
import dev.nova.api.Modality;
import dev.nova.api.ModelContext;
import dev.nova.api.OpenWeights;
import dev.nova.api.PluginInfo;
import dev.nova.api.VersionRange;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small, real generator for the kit's self-tests: a bigram text model or a per-pixel Bernoulli image model,
 * both trained by gradient descent, with one optional {@link Flaw}. Its conformance profile declares every fact
 * the kit asks for, so the correct fixtures exercise every rule.
 */
class FixtureProvider implements GeneratorProvider {

    private static final AtomicInteger CALLS = new AtomicInteger();

    private final Modality modality;
    private final Flaw flaw;

    FixtureProvider(Modality modality, Flaw flaw) {
        this.modality = modality;
        this.flaw = flaw;
        if (flaw == Flaw.SLOW_PROVIDER) {
            // Heavy work in a constructor, as rule 1.5 warns of: 300 ms of this thread's CPU time (the rule's measure),
            // however busy the machine is.
            java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
            long until = threads.getCurrentThreadCpuTime() + 300_000_000L;
            while (threads.getCurrentThreadCpuTime() < until) {
                Thread.onSpinWait();
            }
        }
        if (flaw == Flaw.PROVIDER_STARTS_THREAD) {
            Thread warmer = new Thread(() -> {
                try {
                    Thread.sleep(1_000);
                } catch (InterruptedException ignored) {
                    // a cache warmer a provider should not start
                }
            }, "fixture-cache-warmer");
            warmer.setDaemon(true);
            warmer.start();
        }
    }

    String id() {
        if (flaw == Flaw.NO_REFERENCE) {
            return "fixture-unreferenced";
        }
        return own();
    }

    private String own() {
        return switch (modality) {
            case TEXT -> "fixture-text";
            case IMAGE -> "fixture-image";
            case AUDIO -> "fixture-audio";
        };
    }

    /** The id under which other plugins' exceptions would come: the WRONG_PLUGIN_ID flaw uses it. */
    String exceptionId() {
        return flaw == Flaw.WRONG_PLUGIN_ID ? "someone-else" : id();
    }

    @Override
    public PluginInfo info() {
        String description = "TCK self-test fixture (" + flaw + ")"
                + (flaw == Flaw.INFO_CHANGES ? " call " + CALLS.incrementAndGet() : "");
        return new PluginInfo(id(), "0.1.0", modality, VersionRange.parse(flaw == Flaw.FUTURE_API ? "[2.0,3.0)" : "[1.0,2.0)"),
                description);
    }

    Config reference() {
        String own = own();
        try (InputStream in = getClass().getModule().getResourceAsStream("reference.conf")) {
            return ConfigFactory.parseReader(new InputStreamReader(in, StandardCharsets.UTF_8)).getConfig("plugins." + own);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public List<ConfigProblem> validate(Config config) {
        List<ConfigProblem> problems = new ArrayList<>();
        if (flaw != Flaw.ACCEPTS_UNKNOWN_KEYS) {
            problems.addAll(ConfigProblem.unknownKeys(config, reference()));
        }
        if (flaw != Flaw.ACCEPTS_INVALID_VALUE && config.hasPath("learning-rate") && config.getDouble("learning-rate") <= 0) {
            problems.add(new ConfigProblem("learning-rate", "must be > 0, found " + config.getDouble("learning-rate")));
        }
        if (flaw == Flaw.STOPS_AT_FIRST_PROBLEM && problems.size() > 1) {
            return List.of(problems.get(0));
        }
        if (flaw == Flaw.REJECTS_OWN_CONFIG && config.hasPath("batch") && config.getInt("batch") > 8) {
            problems.add(new ConfigProblem("batch", "must be at most 8, found " + config.getInt("batch")));
        }
        return problems;
    }

    @Override
    public Optional<ConformanceProfile> conformance(Path scratch) {
        Config config = ConfigFactory.parseString(flaw == Flaw.NO_REFERENCE
                ? "batch = 16, learning-rate = 0.5, hidden = 4" : "batch = 16");
        ConformanceProfile profile = ConformanceProfile.of(config)
                .withInvalidSetting("learning-rate", -1.0)
                .withGenerationOption(GenerationRequest.TEMPERATURE, 0.5, 2.0)
                .withIncompatibleSetting("hidden", 5)
                .withOptimizerSettings(ConfigFactory.parseString("gradient-clip = 0.05, warmup-steps = 5, decay-steps = 15"));
        if (modality == Modality.AUDIO) {                     // no vocabulary, no training file: a built-in tone
            return Optional.of(profile.withInvalidGenerationOption(GenerationRequest.SECONDS, -1.0)
                    .withDataSetting("audio-folder"));
        }
        return Optional.of(profile.withVocabulary(FixtureModel.VOCABULARY)
                .withInvalidGenerationOption(GenerationRequest.TEMPERATURE, -1.0)
                .withDataSetting(modality == Modality.IMAGE ? "image-folder" : "text-file"));
    }

    /** Fine-tuning: the parent's logits, the vocabulary grown by the new text's characters. */
    @Override
    public Optional<FineTuning> fineTuning() {
        return Optional.of(new FineTuning() {
            @Override
            public List<String> architecture() {
                // ARCHITECTURE_NAMES_STALE_PATH: a setting's old name left in the list after a rename.
                return flaw == Flaw.ARCHITECTURE_NAMES_STALE_PATH ? List.of("hidden", "model.hidden") : List.of("hidden");
            }

            @Override
            public GenerativeModel create(Config config, ModelContext context, FineTuneRequest request) {
                Config c = config.withFallback(reference());
                Config parent = request.parentConfig().withFallback(reference());
                List<ConfigProblem> problems = FineTuning.mismatches(architecture(), parent, c);
                if (!problems.isEmpty() && flaw != Flaw.ACCEPTS_OTHER_ARCHITECTURE) {
                    throw new InvalidConfigException(exceptionId(), problems);
                }
                // The parent's training state, apart or inline, is read only to carry it (CARRY_IGNORES_STATE_APART:
                // the part apart never).
                java.util.Optional<InputStream> state = flaw == Flaw.CARRY_IGNORES_STATE_APART
                        ? java.util.Optional.empty() : request.parentTrainingState();
                FixtureModel p = (FixtureModel) restore(request.parentConfig(), context, request.parent(), state);
                return p.fineTuned(c, context.seed(), request.notices(), request.carryOptimizerState());
            }
        });
    }

    /**
     * Open weights (rule 12.1), text only: a family of the fixture's own, {@code fixture-bigram}, written and read in
     * Hugging Face's layout (see {@link FixtureModel#exportTo}).
     */
    @Override
    public Optional<OpenWeights> openWeights() {
        if (modality != Modality.TEXT) {
            return Optional.empty();
        }
        return Optional.of(new OpenWeights() {
            @Override
            public List<String> families() {
                return List.of("fixture-bigram");
            }

            @Override
            public Config settings(String family, Path folder) {
                return FixtureModel.importedSettings(exceptionId(), folder);
            }

            @Override
            public List<Path> files(String family, Path folder) {
                return List.of(folder.resolve("model.safetensors"), folder.resolve("config.json"));
            }

            @Override
            public GenerativeModel create(String family, Path folder, Config config, ModelContext context) {
                FixtureModel m = FixtureModel.imported(id(), exceptionId(), flaw, config.withFallback(reference()),
                        context.seed(), folder);
                m.workDirectory = context.workDirectory();
                return m;
            }

            @Override
            public List<Format> exportFormats(String family) {
                return List.of(Format.SAFETENSORS);
            }

            @Override
            public List<Path> export(String family, GenerativeModel model, Format format, Precision precision,
                                     Path folder) {
                return ((FixtureModel) model).exportTo(folder);
            }
        });
    }

    @Override
    public GenerativeModel create(Config config, ModelContext context) {
        Config c = config.withFallback(reference());
        if (c.getDouble("learning-rate") <= 0) {
            if (flaw == Flaw.CREATE_THROWS_UNDOCUMENTED) {
                throw new IllegalArgumentException("learning rate " + c.getDouble("learning-rate"));
            }
            if (flaw != Flaw.ACCEPTS_INVALID_VALUE) {
                throw new InvalidConfigException(exceptionId(), List.of(new ConfigProblem("learning-rate",
                        "must be > 0, found " + c.getDouble("learning-rate"))));
            }
        }
        if (flaw == Flaw.WRITES_OUTSIDE_WORK_DIRECTORY) {
            try {
                Files.writeString(context.workDirectory().resolveSibling("fixture-cache.bin"), "cache");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        long seed = flaw == Flaw.TRAINS_NONDETERMINISTICALLY ? System.nanoTime() : context.seed();
        FixtureModel m = new FixtureModel(id(), exceptionId(), modality, flaw, c, seed);
        m.workDirectory = context.workDirectory();
        return m;
    }

    /** The payload, then the velocity from the training state written apart (see {@link FixtureModel#save}). */
    @Override
    public GenerativeModel restore(Config config, ModelContext context, InputStream payload,
                                   Optional<InputStream> trainingState) {
        FixtureModel m = (FixtureModel) restore(config, context, payload);
        if (trainingState.isPresent()) {
            try {
                byte[] state = trainingState.get().readAllBytes();
                if (state.length > 0) {               // empty without momentum: the optimiser has no state
                    m.readVelocity(new DataInputStream(new java.io.ByteArrayInputStream(state)));
                }
            } catch (IOException e) {
                throw new CheckpointException(exceptionId(), "training state is truncated or unreadable (" + e + ")", e);
            }
        }
        return m;
    }

    @Override
    public GenerativeModel restore(Config config, ModelContext context, InputStream payload) {
        try {
            FixtureModel m = FixtureModel.read(id(), exceptionId(), modality, flaw, config.withFallback(reference()),
                    new DataInputStream(payload));
            m.workDirectory = context.workDirectory();
            return m;
        } catch (IOException e) {
            throw new CheckpointException(exceptionId(), "payload is truncated or unreadable (" + e + ")", e);
        }
    }
}
