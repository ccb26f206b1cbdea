package dev.nova.kit.optim;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nova.api.FineTuneRequest;
import dev.nova.kit.nn.Growth;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apiguardian.api.API;

/**
 * Starts a model from its parent's checkpoint ({@code SettingsProvider.fineTuneModel}): the parent is restored as
 * a resume would restore it, the child is built for the new data (its vocabulary or classes grown by what the parent
 * never saw), and the parent's parameters are copied into it ({@link TrainingCore#initFrom}).
 *
 * <pre>{@code
 * protected GenerativeModel fineTuneModel(Settings s, ModelContext context, FineTuneRequest request) {
 *     return FineTune.start(request, in -> (MyModel) restoreModel(s, context, in),
 *             parent -> new FineTune.Child<>(new MyModel(s, context), Growth.none(0), ""));
 * }
 * }</pre>
 *
 * <p>Text models on kit fine-tune through {@code dev.nova.kit.text.TextModel.fineTune}, which grows a character
 * vocabulary.
 *
 * @since 1.3
 */
@API(status = EXPERIMENTAL, since = "1.3")
public final class FineTune {

    private FineTune() {
    }

    /**
     * A child model, where its parent's indexed rows go, and what to tell the user about them.
     *
     * @param model the child, freshly initialised
     * @param growth where the parent's vocabulary or class rows go in it
     * @param notice a one-line message when something grew, else empty
     * @param <M> the model type
     */
    public record Child<M extends TrainingCore.Holder>(M model, Growth growth, String notice) {
    }

    /**
     * Restores the parent, builds the child, copies the parameters and closes the parent.
     *
     * @param request the parent's payload and options
     * @param restoreParent restores the parent from its payload (the plugin's {@code restoreModel})
     * @param child builds the child for the parent
     * @param <M> the model type
     * @return the child, at step 0, holding the parent's parameters
     * @throws dev.nova.api.CheckpointException if the payload is foreign or a parameter does not fit
     */
    public static <M extends TrainingCore.Holder> M start(FineTuneRequest request, Function<InputStream, M> restoreParent,
                                                          Function<M, Child<M>> child) {
        // Without carrying, the parent's moments are never read; carried, they come apart or inline in the payload.
        InputStream payload = !request.carryOptimizerState()
                ? dev.nova.kit.support.Payload.apart(request.parent(), java.util.Optional.empty())
                : request.parentTrainingState().map(s -> dev.nova.kit.support.Payload.apart(request.parent(),
                        java.util.Optional.of(s))).orElse(request.parent());
        try (M parent = restoreParent.apply(payload)) {
            Child<M> c = child.apply(parent);
            boolean done = false;
            try {
                List<String> grown = c.model().training().initFrom(parent.training(), c.growth(),
                        request.carryOptimizerState());
                c.model().training().rememberGrowth(grown, c.growth(), request.notices());
                done = true;
            } finally {
                if (!done) {
                    c.model().close();
                }
            }
            if (!c.notice().isEmpty()) {
                request.notices().accept(c.notice());
            }
            return c.model();
        }
    }

    /**
     * The classes of an image model fine-tuned on data with classes: the parent's, in the parent's order, then those
     * of the data it did not have, in the data's order.
     *
     * @param parent the parent's class names
     * @param data the new data's class names
     * @return the child's classes, and where the parent's go (they keep their positions)
     */
    public static Classes classes(List<String> parent, List<String> data) {
        List<String> all = new ArrayList<>(parent);
        List<String> added = new ArrayList<>();
        for (String c : data) {
            if (!all.contains(c)) {
                all.add(c);
                added.add(c);
            }
        }
        int[] index = new int[parent.size()];
        java.util.Arrays.setAll(index, i -> i);
        return new Classes(List.copyOf(all), List.copyOf(added), new Growth(index, all.size()));
    }

    /**
     * A grown list of classes.
     *
     * @param all the child's classes
     * @param added the classes the parent did not have
     * @param growth where the parent's class rows go
     */
    public record Classes(List<String> all, List<String> added, Growth growth) {

        /**
         * A one-line message about the added classes.
         *
         * @return the message, or empty when none was added
         */
        public String notice() {
            return added.isEmpty() ? "" : "added " + added.size() + (added.size() == 1 ? " class" : " classes")
                    + " the parent model never saw (now " + all.size() + "): " + String.join(", ", added);
        }
    }
}
