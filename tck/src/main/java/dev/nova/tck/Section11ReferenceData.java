package dev.nova.tck;

import static dev.nova.tck.Harness.applicableOnlyIf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nova.api.GenerationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.Modality;
import dev.nova.api.ReferenceData;
import dev.nova.api.Sample;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * SPEC §11, reference data: what a model offers as its real data ({@link GenerativeModel#referenceData()}) is what its
 * Javadoc promises and agrees with what the model generates, since the host measures the samples against it.
 *
 * <p>The section's rules in SPEC order, as JUnit tests that {@link GeneratorVerification} runs on a plugin.
 */
interface Section11ReferenceData extends Rules {

    /**
     * The reference data agrees with its Javadoc and with the model: the same answer twice; a text model's splits are
     * texts of the profile's vocabulary; an image model's draw is a fixed function of its seed, returns {@code count}
     * images or all the split holds, each of the size the model generates (of one class, for a conditional model, as
     * the host asks for the samples it compares), with labels that index
     * {@link ReferenceData#classes()} (or -1 throughout when there are none); a feature space embeds each image in one
     * vector of one length and classifies it into a class.
     */
    @Test
    default void required_spec11_1_referenceDataAgreesWithTheModel() {
        Harness h = harness();
        GenerativeModel m = h.warm();
        Optional<ReferenceData> offered = h.call("11.1", "referenceData()", m::referenceData);
        applicableOnlyIf(offered != null && offered.isPresent(), "the model offers no reference data");
        ReferenceData data = offered.get();
        List<String> classes = h.call("11.1", "referenceData().classes()", data::classes);
        assertEquals(classes, h.call("11.1", "referenceData().classes()", data::classes),
                h.violation("11.1", "classes() gave two different lists"));
        assertTrue(classes.stream().distinct().count() == classes.size(), h.violation("11.1", "classes() " + classes
                + " names a class twice: a label given by name would be ambiguous"));
        if (h.info().modality() == Modality.TEXT) {
            for (ReferenceData.Split split : ReferenceData.Split.values()) {
                Optional<String> text = h.call("11.1", "referenceData().text(" + split + ")", () -> data.text(split));
                assertTrue(text.isPresent() && !text.get().isEmpty(), h.violation("11.1", "a text model's reference"
                        + " data has no " + split + " text (" + text + ")"));
                assertEquals(text, h.call("11.1", "referenceData().text(" + split + ")", () -> data.text(split)),
                        h.violation("11.1", "text(" + split + ") gave two different texts"));
                if (!h.anyCharacter() && h.vocabulary().isPresent()) {
                    String vocabulary = h.vocabulary().get();
                    int outside = text.get().codePoints().filter(c -> vocabulary.indexOf(c) < 0).findFirst().orElse(-1);
                    assertTrue(outside < 0, h.violation("11.1", "the " + split + " text holds '"
                            + (outside < 0 ? "" : Character.toString(outside)) + "', which is not in the model's"
                            + " vocabulary: it is not the text as the model reads it, so what the host compares"
                            + " samples with is not what the model learnt"));
                }
            }
        }
        if (h.info().modality() != Modality.IMAGE) {
            return;
        }
        // The samples the host compares with the data: of one class for a conditional model (without a label, such a
        // model may draw every class at once), as the model generates them otherwise.
        boolean conditional = h.call("11.1", "referenceData().conditional()", data::conditional);
        GenerationRequest asked = conditional && !classes.isEmpty() ? h.request(1, 41).with(GenerationRequest.LABEL, 0)
                : h.request(1, 41);
        Sample.Image sample = (Sample.Image) h.generate(m, asked).get(0);
        for (ReferenceData.Split split : ReferenceData.Split.values()) {
            String what = "referenceData().images(" + split + ", 3, 7)";
            List<ReferenceData.LabelledImage> three = h.call("11.1", what, () -> data.images(split, 3, 7));
            assertTrue(three != null && !three.isEmpty() && three.size() <= 3, h.violation("11.1", what + " gave "
                    + (three == null ? null : three.size() + " images") + ": an image model's split holds images, and"
                    + " at most the count asked for are drawn"));
            assertEquals(three, h.call("11.1", what, () -> data.images(split, 3, 7)), h.violation("11.1", what
                    + " twice gave different images: the draw is a fixed function of the seed"));
            List<ReferenceData.LabelledImage> two = h.call("11.1", what, () -> data.images(split, 2, 7));
            assertEquals(Math.min(2, three.size()), two.size(), h.violation("11.1", "images(" + split + ", 2, 7) gave "
                    + two.size() + " images where the split holds at least " + three.size()));
            for (ReferenceData.LabelledImage li : three) {
                Sample.Image image = li.image();
                assertTrue(image.width() == sample.width() && image.height() == sample.height(), h.violation("11.1",
                        what + " gave a " + image.width() + " x " + image.height() + " image where the model generates "
                                + sample.width() + " x " + sample.height() + ": the host compares them"));
                assertTrue(classes.isEmpty() ? li.label() == -1 : li.label() >= 0 && li.label() < classes.size(),
                        h.violation("11.1", what + " gave an image of label " + li.label() + " where the data has "
                                + (classes.isEmpty() ? "no classes (-1)" : classes.size() + " classes " + classes)));
            }
        }
        Optional<ReferenceData.Features> features = h.call("11.1", "referenceData().features()", data::features);
        if (features.isPresent()) {
            List<Sample.Image> images = data.images(ReferenceData.Split.HELD_OUT, 3, 7).stream()
                    .map(ReferenceData.LabelledImage::image).toList();
            float[][] embedded = h.call("11.1", "features().embed", () -> features.get().embed(images));
            assertTrue(embedded != null && embedded.length == images.size(), h.violation("11.1", "features().embed of "
                    + images.size() + " images gave " + (embedded == null ? null : embedded.length) + " vectors"));
            for (float[] v : embedded) {
                assertTrue(v != null && v.length == embedded[0].length && v.length > 0, h.violation("11.1",
                        "features().embed gave vectors of different lengths"));
                for (float x : v) {
                    assertTrue(Float.isFinite(x), h.violation("11.1", "features().embed gave " + x));
                }
            }
            if (!classes.isEmpty()) {
                int[] said = h.call("11.1", "features().classify", () -> features.get().classify(images));
                assertTrue(said != null && said.length == images.size(), h.violation("11.1", "features().classify of "
                        + images.size() + " images gave " + (said == null ? null : said.length) + " classes"));
                for (int c : said) {
                    assertTrue(c >= 0 && c < classes.size(), h.violation("11.1", "features().classify gave class " + c
                            + " of " + classes.size()));
                }
            }
        }
    }
}
