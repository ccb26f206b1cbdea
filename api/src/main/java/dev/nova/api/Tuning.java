package dev.nova.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apiguardian.api.API;

/**
 * A model's optional capability to name its parameters and keep some of them fixed ({@link GenerativeModel#tuning()}):
 * what {@code nova inspect --parameters} lists and what {@code nova.finetune.freeze} patterns match.
 *
 * <p>A frozen parameter does not change in {@link GenerativeModel#train} nor in
 * {@link DataParallel#applyUpdate}: the optimiser skips it (no update, no weight decay, no moments), and its gradient
 * counts in no gradient norm. Freezing is not saved in the payload: the host freezes again after every restore of a
 * run that asks for it.
 *
 * @since 1.3
 */
@API(status = EXPERIMENTAL, since = "1.3")
public interface Tuning {

    /**
     * A named parameter.
     *
     * @param name its name, for example {@code block.0.attention.wq}; stable across versions of a plugin's payload
     * @param shape its dimensions
     */
    record Parameter(String name, long[] shape) {
        /** Checks and copies the arguments. */
        public Parameter {
            Objects.requireNonNull(name, "name");
            shape = shape.clone();
        }

        /** The dimensions (a copy). */
        @Override
        public long[] shape() {
            return shape.clone();
        }

        /**
         * The number of values.
         *
         * @return the product of the dimensions
         */
        public long count() {
            return Arrays.stream(shape).reduce(1, Math::multiplyExact);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Parameter p && p.name.equals(name) && Arrays.equals(p.shape, shape);
        }

        @Override
        public int hashCode() {
            return 31 * name.hashCode() + Arrays.hashCode(shape);
        }

        @Override
        public String toString() {
            return name + Arrays.toString(shape);
        }
    }

    /**
     * The parameters, in the model's fixed order.
     *
     * @return every parameter
     */
    List<Parameter> parameters();

    /**
     * A copy of one parameter's values, row-major (what the conformance kit compares: a grown parameter keeps its
     * parent's rows, a frozen one does not change).
     *
     * @param name a name from {@link #parameters()}
     * @return {@link Parameter#count()} values
     * @throws PluginException naming the name when it is not a parameter's
     */
    float[] values(String name);

    /**
     * Freezes parameters from now on, in addition to those frozen already.
     *
     * @param names names from {@link #parameters()}
     * @throws PluginException naming the first name that is not a parameter's
     */
    void freeze(Collection<String> names);

    /**
     * The frozen parameters.
     *
     * @return their names
     */
    Set<String> frozen();
}
