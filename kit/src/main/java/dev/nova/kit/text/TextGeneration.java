package dev.nova.kit.text;

import dev.nova.api.Batching;
import dev.nova.api.GenerationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.Sample;
import dev.nova.kit.support.Checks;
import dev.nova.kit.support.Options;
import dev.nova.kit.support.Seeds;
import dev.nova.kit.tokens.TokenSampler;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.IntFunction;
import java.util.function.Supplier;
import org.apiguardian.api.API;
import static org.apiguardian.api.API.Status.EXPERIMENTAL;

/**
 * Text generation for character models: reads the text options of a request ({@code prompt}, {@code length},
 * {@code temperature}, {@code top-k}, {@code top-p}, {@code greedy}, typed or as text), feeds the prompt, samples
 * token by token with a {@link TokenSampler} and streams each character to the request's listener.
 *
 * @param length default characters to generate
 * @param temperature default temperature
 * @param topK default top-k (0 = off)
 * @param topP default top-p (1 = off)
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public record TextGeneration(int length, double temperature, int topK, double topP) {

    /** The options this reads. */
    public static final List<String> OPTIONS = List.of(GenerationRequest.PROMPT, GenerationRequest.LENGTH,
            GenerationRequest.TEMPERATURE, GenerationRequest.TOP_K, GenerationRequest.TOP_P, GenerationRequest.GREEDY, GenerationRequest.LOGPROBS);

    /**
     * Reads and checks the defaults from a plugin's {@code generate} section ({@code length}, {@code temperature},
     * {@code top-k}, {@code top-p}): the keys are declared here once, for every text plugin on kit.
     *
     * @param c the checks of the plugin's subtree
     * @return the defaults (placeholders where a problem was added)
     * @since 1.3
     */
    public static TextGeneration read(Checks c) {
        return new TextGeneration(c.getInt("generate.length", 0, 10_000_000), c.getPositive("generate.temperature"),
                c.getInt("generate.top-k", 0, Integer.MAX_VALUE), c.getAbove("generate.top-p", 0, 1));
    }

    /**
     * Generates the request's samples.
     *
     * @param pluginId for messages
     * @param request the request (its options are checked here: unknown ones are refused)
     * @param vocabulary the model's tokenizer (a character vocabulary must have every character of the prompt);
     *                   {@code length} counts its tokens
     * @param steppers a new model state per sample: a function that feeds one token and returns the next token's logits
     * @return one text sample per requested sample, each the prompt followed by what was generated; the listener gets
     *     whole characters only (a character whose bytes span two tokens arrives with the second)
     */
    public List<Sample> generate(String pluginId, GenerationRequest request, Tokenizer vocabulary,
                                 Supplier<IntFunction<float[]>> steppers) {
        Plan plan = plan(pluginId, request, vocabulary);
        List<Sample> samples = new ArrayList<>();
        for (int s = 0; s < request.count(); s++) {
            Sequence sequence = new Sequence(plan, request, s);
            if (!sequence.done()) {
                IntFunction<float[]> stepper = steppers.get();
                while (!sequence.done()) {
                    sequence.accept(stepper.apply(sequence.input()));
                }
            }
            samples.add(sequence.sample());
        }
        return samples;
    }

    /**
     * Generation of several requests together ({@link GenerativeModel#batching()}): each step feeds one token of
     * every active sequence through {@code lanes} at once. A sequence runs exactly as {@link #generate} runs it (the
     * same options checks, prompt, draws and listener calls), so its text equals {@code generate}'s whenever {@code
     * lanes} gives each sequence the logits its stepper would.
     *
     * @param pluginId for messages
     * @param vocabulary the model's tokenizer
     * @param lanes a new set of lanes per batch (taken when the batch opens: the parameters it samples from)
     * @param onAdd called with each request as it is added, before its options are read (a notice about it)
     * @param <S> a sequence's model state
     * @return the capability
     * @since 1.5
     */
    public <S> Batching batching(String pluginId, Tokenizer vocabulary, Supplier<Lanes<S>> lanes,
                                 java.util.function.Consumer<GenerationRequest> onAdd) {
        return () -> new TextBatch<>(pluginId, this, vocabulary, lanes.get(), onAdd);
    }

    /**
     * Several sequences' model states, stepped together: a plugin's half of {@link #batching}.
     *
     * @param <S> one sequence's state (its caches or recurrent state)
     * @since 1.5
     */
    @API(status = EXPERIMENTAL, since = "1.5")
    public interface Lanes<S> {

        /**
         * A new sequence's state, as a fresh stepper of {@link #generate} starts.
         *
         * @return the state
         */
        S open();

        /**
         * Feeds {@code tokens[i]} to {@code states.get(i)} for every i, one forward pass for all of them.
         *
         * @param states the sequences' states
         * @param tokens one token each
         * @return each sequence's next-token logits, as its own stepper would have returned them
         */
        float[][] step(List<S> states, int[] tokens);

        /**
         * Frees a state that left the batch (by default nothing: the garbage collector does).
         *
         * @param state the state
         */
        default void close(S state) {
        }

        /**
         * Lanes of two functions, as a snapshot of the parameters offers them ({@code Lanes.of(weights::stepper,
         * weights::step)}).
         *
         * @param open makes a new sequence's state
         * @param step feeds one token to each state
         * @param <S> a sequence's state
         * @return the lanes
         */
        static <S> Lanes<S> of(Supplier<S> open, java.util.function.BiFunction<List<S>, int[], float[][]> step) {
            return new Lanes<>() {
                @Override
                public S open() {
                    return open.get();
                }

                @Override
                public float[][] step(List<S> states, int[] tokens) {
                    return step.apply(states, tokens);
                }
            };
        }
    }

    /** A request's options, read and checked once for all its samples. */
    record Plan(String prompt, int[] promptTokens, int start, int length, TokenSampler sampler, int alternatives,
                Tokenizer vocabulary) {
    }

    Plan plan(String pluginId, GenerationRequest request, Tokenizer vocabulary) {
        Options o = Options.of(pluginId, request.options(), OPTIONS);
        String prompt = o.text(GenerationRequest.PROMPT).orElse("");
        int n = o.integer(GenerationRequest.LENGTH, 0, 10_000_000).orElse(length);
        double t = o.positive(GenerationRequest.TEMPERATURE).orElse(temperature);
        int k = o.integer(GenerationRequest.TOP_K, 0, Integer.MAX_VALUE).orElse(topK);
        double p = o.number(GenerationRequest.TOP_P).orElse(topP);
        if (!(p > 0 && p <= 1)) {
            throw o.problem(GenerationRequest.TOP_P, "must be in (0, 1]", p);
        }
        TokenSampler sampler = new TokenSampler(t, k, p, o.flag(GenerationRequest.GREEDY).orElse(false));
        int alternatives = o.integer(GenerationRequest.LOGPROBS, 0, dev.nova.api.TokenChoice.MAX_ALTERNATIVES).orElse(-1);
        int[] promptTokens;
        try {
            promptTokens = vocabulary.encode(pluginId, prompt, "the prompt");
        } catch (dev.nova.api.PluginException e) {
            // a prompt is the user's option: a usage error (exit code 2), not a failure of the plugin
            throw new dev.nova.api.InvalidOptionException(pluginId, GenerationRequest.PROMPT,
                    e.getMessage().substring(("plugin '" + pluginId + "': ").length()));
        }
        // Without a prompt, a sample starts after a newline (or the first token of a text without one).
        return new Plan(prompt, promptTokens, vocabulary.startToken(), n, sampler, alternatives, vocabulary);
    }

    /**
     * One sample being generated: which token to feed next, and what to do with the logits that come back (feed the
     * prompt's next token, or draw a token, stream its text and feed it). The sequential and the batched generation
     * both drive this, so they cannot differ.
     */
    static final class Sequence {
        private final Plan plan;
        private final GenerationRequest request;
        private final int index;
        private final Random random;
        private final Tokenizer.Decoder decoder;
        private final StringBuilder text;
        private final int[] first;
        private int fed;
        private int generated;
        private int last;
        private boolean done;

        Sequence(Plan plan, GenerationRequest request, int index) {
            this.plan = plan;
            this.request = request;
            this.index = index;
            this.random = Seeds.sample(request.seed(), index);
            this.decoder = plan.vocabulary().decoder();
            this.text = new StringBuilder(plan.prompt());
            this.first = plan.promptTokens().length == 0 ? new int[] {plan.start()} : plan.promptTokens();
            if (plan.length() == 0) {
                finish();
            }
        }

        boolean done() {
            return done;
        }

        /** The token to feed now. */
        int input() {
            return fed < first.length ? first[fed] : last;
        }

        /** Takes the logits after {@link #input()}: the prompt goes on, or a token is drawn and streamed. */
        void accept(float[] logits) {
            if (fed < first.length) {
                fed++;
                if (fed < first.length) {
                    return;
                }
            }
            int next = plan.sampler().next(logits, random);
            if (plan.alternatives() >= 0) {
                request.listener().onToken(index, TokenSampler.choice(logits, next, plan.alternatives()));
            }
            emit(request, index, decoder.next(next), text);
            generated++;
            last = next;
            if (generated == plan.length()) {
                finish();
            }
        }

        private void finish() {
            emit(request, index, decoder.finish(), text);
            done = true;
        }

        Sample sample() {
            return new Sample.Text(text.toString());
        }
    }

    static void emit(GenerationRequest request, int sample, String piece, StringBuilder text) {
        if (!piece.isEmpty()) {
            text.append(piece);
            request.listener().onText(sample, piece);
        }
    }
}
