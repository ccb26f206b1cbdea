package dev.nova.host.internal.quality;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The text metrics and the gates, against values worked out by hand on tiny inputs. */
class QualityTests {

    private static final String TRAINING = "the cat sat on the mat and the dog sat on the log";

    @Test
    void copyRatesCountWindowsFoundInTheTrainingText() {
        TextQuality q = new TextQuality(TRAINING);
        // "the cat sat" has 11 - 8 + 1 = 4 windows of 8 characters, all in the training text; "zzzzzzzzz" has 2, none.
        Map<String, Double> m = q.of(List.of("the cat sat", "zzzzzzzzz"));
        assertEquals(4.0 / 6, m.get(TextQuality.COPY_CHARS), 1e-12);
        // words: "the cat sat" has no 4-word window; "the dog sat on" (one window) is copied, "a b c d e" (two) are not
        Map<String, Double> w = q.of(List.of("the dog sat on", "a b c d e"));
        assertEquals(1.0 / 3, w.get(TextQuality.COPY_WORDS), 1e-12);
    }

    @Test
    void theLongestCopiedSpanIsTheLongestRunOfASampleInTheTrainingText() {
        TextQuality q = new TextQuality(TRAINING);
        // " sat on the " occurs; "sat on the mat and" too (18 characters); "xx" around it does not
        assertEquals(18.0, q.of(List.of("xxsat on the mat andxx", "cat")).get(TextQuality.LONGEST_COPY));
        assertEquals(0.0, q.of(List.of("qqq")).get(TextQuality.LONGEST_COPY));
        assertEquals((double) TRAINING.length(), q.of(List.of(TRAINING + "!")).get(TextQuality.LONGEST_COPY));
    }

    @Test
    void distinctAndRepetitionCountWordNGrams() {
        TextQuality q = new TextQuality(TRAINING);
        // words: a b a b a b -> unigrams 6, distinct 2; bigrams 5 (ab ba ab ba ab), distinct 2
        // 4-grams: abab baba abab -> the third repeats the first: repetition 1/3
        Map<String, Double> m = q.of(List.of("a b a b a b"));
        assertEquals(2.0 / 6, m.get("distinct-1"), 1e-12);
        assertEquals(2.0 / 5, m.get("distinct-2"), 1e-12);
        assertEquals(2.0 / 4, m.get("distinct-3"), 1e-12);
        assertEquals(2.0 / 3, m.get("distinct-4"), 1e-12);
        assertEquals(1.0 / 3, m.get(TextQuality.REPETITION), 1e-12);
        // across samples: the same sentence twice is one distinct unigram set, but not a repetition within a sample
        Map<String, Double> two = q.of(List.of("one two three four", "one two three four"));
        assertEquals(0.5, two.get("distinct-1"), 1e-12);
        assertEquals(0.0, two.get(TextQuality.REPETITION), 1e-12);
        assertTrue(Double.isNaN(q.of(List.of("short")).get(TextQuality.REPETITION)), "nothing to count: NaN");
    }

    @Test
    void wordsIgnoreCaseAndPunctuation() {
        assertEquals(List.of(TextQuality.words("the")[0], TextQuality.words("dog")[0]),
                List.of(TextQuality.words("The,")[0], TextQuality.words("DOG!")[0]));
        assertEquals(3, TextQuality.words("It's a -- dog.").length);
    }

    /**
     * In scripts written without spaces each character is a word (issue 43, 3): a line of Chinese was one word, so
     * copy-rate-4w was 0 and distinct-4 1.0 for every model; the report of the figures says what they count.
     */
    @Test
    void wordsOfScriptsWithoutSpacesAreCharacters() {
        assertEquals(5, TextQuality.words("床前明月光").length);
        assertEquals(7, TextQuality.words("床前明月光, the moon").length, "five characters, then two words");
        assertEquals(2, TextQuality.words("cafe\u0301 ok").length, "a combining mark stays in its word");
        String poem = "床前明月光，疑是地上霜。举头望明月，低头思故乡。";
        TextQuality q = new TextQuality(poem);
        Map<String, Double> copied = q.of(List.of("举头望明月"));
        assertEquals(1.0, copied.get(TextQuality.COPY_WORDS), 1e-12, "a copied line of Chinese is copied 4-grams");
        assertEquals(0.2, q.of(List.of("明月明月明月明月明月")).get("distinct-1"), 1e-12, "2 distinct characters of 10");
        assertTrue(q.wordUnit().startsWith("words of Han text are its characters"), q.wordUnit());
        assertEquals("words", new TextQuality(TRAINING).wordUnit());
    }

    /**
     * Real-text floors are not numbers when the samples need more text than is held out (issue 43, 3): the passages
     * would overlap, and real distinct-1 fell from 0.76 to 0.17 between 10 and 100 samples of one short tail.
     */
    @Test
    void realFloorsAreNotMeasuredWhenThePassagesWouldOverlap() {
        String heldOut = "a b c d e f g h i j k l m n o p q r s t u v w x y z ".repeat(4);      // 208 characters
        dev.nova.api.GenerativeModel model = new FixedText(TRAINING, heldOut, "the cat sat on the log and the mat");
        SampleQuality quality = new SampleQuality("fixed", dev.nova.api.Modality.TEXT);
        Map<String, Double> few = quality.measure(model, 2, 34, 1);
        assertFalse(few.get(SampleQuality.REAL + "distinct-1").isNaN(), few.toString());
        assertTrue(quality.summary(2, 34, 1, 0).contains("real: passages of the held-out text"));
        Map<String, Double> many = quality.measure(model, 10, 34, 1);
        assertTrue(many.get(SampleQuality.REAL + "distinct-1").isNaN(), many.toString());
        assertFalse(many.get("distinct-1").isNaN(), "the samples' own figures stand");
        String summary = quality.summary(10, 34, 1, 0);
        assertTrue(summary.contains("real: not measured: the held-out text has 208 characters, fewer than the 340 of"
                + " the samples") && summary.contains("--samples 6"), summary);
    }

    /** A text model that generates one fixed continuation and offers its training and held-out texts. */
    private record FixedText(String training, String heldOut, String sample) implements dev.nova.api.GenerativeModel {
        @Override
        public List<dev.nova.api.Sample> generate(dev.nova.api.GenerationRequest request) {
            List<dev.nova.api.Sample> out = new java.util.ArrayList<>();
            for (int i = 0; i < request.count(); i++) {
                out.add(new dev.nova.api.Sample.Text(sample));
            }
            return out;
        }

        @Override
        public java.util.Optional<dev.nova.api.ReferenceData> referenceData() {
            return java.util.Optional.of(new dev.nova.api.ReferenceData() {
                @Override
                public java.util.Optional<String> text(Split split) {
                    return java.util.Optional.of(split == Split.TRAINING ? training : heldOut);
                }

                @Override
                public String fingerprint() {
                    return "fixed";
                }
            });
        }

        @Override
        public dev.nova.api.TrainingResult train(dev.nova.api.TrainingRequest request,
                                                 dev.nova.api.TrainingListener listener) {
            throw new UnsupportedOperationException();
        }

        @Override
        public Map<String, Double> evaluate(dev.nova.api.EvaluationRequest request) {
            throw new UnsupportedOperationException();
        }

        @Override
        public void save(java.io.OutputStream out) {
        }

        @Override
        public long step() {
            return 0;
        }
    }

    @Test
    void heldOutPassagesHaveTheSamplesLengthsAndSpanTheText() {
        List<String> p = TextQuality.passages("abcdefghij", List.of(3, 3, 3));
        assertEquals(List.of("abc", "def", "hij"), p);
        assertEquals(List.of("abcdefghij"), TextQuality.passages("abcdefghij", List.of(50)));
    }

    @Test
    void gatesParseCheckAndNameWhatIsWrong() {
        Gates.Gate g = Gates.parse("held-out-loss < 1.30");
        assertEquals("held-out-loss", g.metric());
        assertTrue(g.passes(1.29) && !g.passes(1.30) && !g.passes(Double.NaN));
        assertTrue(Gates.parse("distinct-2>=0.5").passes(0.5));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> Gates.parse("loss is low"));
        assertTrue(bad.getMessage().contains("expected METRIC OP NUMBER"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Gates.parse("loss < fast"));
        Gates gates = new Gates(List.of(g, Gates.parse("copy-rate-8 < 0.5")));
        List<Gates.Verdict> v = gates.check(Map.of("held-out-loss", 1.2, "copy-rate-8", 0.7));
        assertTrue(v.get(0).passed());
        assertFalse(v.get(1).passed());
        IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
                () -> new Gates(List.of(Gates.parse("fid < 3"))).check(Map.of("held-out-loss", 1.0)));
        assertTrue(unknown.getMessage().contains("names metric 'fid'") && unknown.getMessage().contains("held-out-loss"),
                unknown.getMessage());
        assertTrue(gates.needQuality(java.util.Set.of("loss")));
        assertFalse(new Gates(List.of(g)).needQuality(java.util.Set.of("loss")));
    }

    @Test
    void aHashSetHoldsWhatWasAddedAndGrows() {
        Grams.Set s = new Grams.Set();
        for (long i = 1; i <= 10_000; i++) {
            s.add(Grams.mix(i));
        }
        assertFalse(s.contains(0), "0 (the empty slot's value) is not in it until added");
        s.add(0);
        assertEquals(10_001, s.size());
        assertTrue(s.contains(0) && s.contains(Grams.mix(1)) && s.contains(Grams.mix(10_000)));
        assertFalse(s.contains(Grams.mix(10_001)));
    }

    @Test
    void frechetDistanceOfKnownGaussians() {
        // diagonal covariances commute: FD = |mu1 - mu2|^2 + sum (sqrt a - sqrt b)^2
        double[] mu1 = {0, 1};
        double[] mu2 = {3, 1};
        double[][] a = {{4, 0}, {0, 1}};
        double[][] b = {{1, 0}, {0, 9}};
        assertEquals(9 + 1 + 4, ImageQuality.frechet(mu1, a, mu2, b), 1e-9);
        assertEquals(0, ImageQuality.frechet(mu1, a, mu1, a), 1e-9, "a Gaussian is at distance 0 from itself");
        // a rotated pair with the same eigenvalues (and the same mean): FD = Tr(A + B) - 2 Tr((A B)^1/2) > 0
        double c = Math.cos(0.7);
        double s = Math.sin(0.7);
        double[][] rot = {{4 * c * c + s * s, 3 * c * s}, {3 * c * s, 4 * s * s + c * c}};
        double fd = ImageQuality.frechet(mu1, a, mu1, rot);
        assertTrue(fd > 0 && fd < 10, "rotation moves it: " + fd);
        assertEquals(fd, ImageQuality.frechet(mu1, rot, mu1, a), 1e-9, "symmetric");
    }

    @Test
    void frechetDistanceOfSamplesApproachesThatOfTheirGaussians() {
        java.util.Random r = new java.util.Random(1);
        float[][] x = new float[20_000][2];
        float[][] y = new float[20_000][2];
        for (int i = 0; i < x.length; i++) {
            x[i][0] = (float) r.nextGaussian();
            x[i][1] = (float) r.nextGaussian();
            y[i][0] = (float) (2 + 3 * r.nextGaussian());
            y[i][1] = (float) r.nextGaussian();
        }
        // |mu|^2 = 4, sd 1 vs 3 on the first axis: (1 - 3)^2 = 4
        assertEquals(8, ImageQuality.frechet(x, y), 0.2);
    }

    @Test
    void precisionAndRecallOfConstructedPointSets() {
        // real: 10 points on a line, spaced 1 apart: each radius (3rd neighbour) is 2 (squared 4)
        float[][] real = new float[10][];
        for (int i = 0; i < 10; i++) {
            real[i] = new float[] {i, 0};
        }
        // fake: 5 points on the line (inside) and 5 far away (outside); the 5 far points cluster, so their own balls
        // do not reach the real line, and the 5 near ones cover real points 0..9? Each near point sits on a real one.
        float[][] fake = new float[10][];
        for (int i = 0; i < 5; i++) {
            fake[i] = new float[] {2 * i, 0};
            fake[5 + i] = new float[] {100 + i, 100};
        }
        double[] pr = ImageQuality.precisionRecall(real, fake, 3);
        assertEquals(0.5, pr[0], 1e-12, "half the generated points lie on the real manifold");
        // fake radii: near points 0,2,4,6,8: 3rd neighbour at distance 6 (squared 36); so every real point 0..9 is
        // within some near point's ball
        assertEquals(1.0, pr[1], 1e-12);
        double[] collapsed = ImageQuality.precisionRecall(real, new float[][] {{0, 0}, {0, 0.01f}, {0.01f, 0},
            {0.01f, 0.01f}}, 3);
        assertEquals(1.0, collapsed[0], 1e-12, "a collapsed model is precise");
        assertEquals(0.1, collapsed[1], 1e-12, "but covers one real point in ten");
    }
}
