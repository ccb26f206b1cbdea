package dev.nova.kit.weights;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nova.api.PluginException;
import dev.nova.formats.weights.Safetensors;
import dev.nova.formats.weights.WeightsFileException;
import dev.nova.kit.nn.ParamSet;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import org.apiguardian.api.API;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Published weights (a safetensors file, memory-mapped, its header checked whole on opening) copied into a plugin's
 * {@link ParamSet} tensor by tensor, each shape checked. Every refusal is a {@link PluginException} of one line naming
 * the file (and the tensor, or the byte offset).
 *
 * @since 1.4
 */
@API(status = EXPERIMENTAL, since = "1.4")
public final class WeightsFile implements AutoCloseable {

    private final String pluginId;
    private final Safetensors file;

    private WeightsFile(String pluginId, Safetensors file) {
        this.pluginId = pluginId;
        this.file = file;
    }

    /**
     * Opens a safetensors file.
     *
     * @param pluginId the plugin, for errors
     * @param path the file
     * @return the open file; close it
     * @throws PluginException if it is missing, unreadable or malformed (naming the file and byte)
     */
    public static WeightsFile open(String pluginId, Path path) {
        try {
            return new WeightsFile(pluginId, Safetensors.open(path));
        } catch (WeightsFileException | UncheckedIOException e) {
            throw new PluginException(pluginId, e.getMessage());
        }
    }

    /** The file. */
    public Path path() {
        return file.file();
    }

    /** The names of its tensors. */
    public Set<String> names() {
        return file.tensors().keySet();
    }

    /**
     * A tensor's shape.
     *
     * @param name its name
     * @return the shape
     * @throws PluginException if there is no such tensor
     */
    public long[] shape(String name) {
        try {
            return file.tensor(name).shape();
        } catch (WeightsFileException e) {
            throw new PluginException(pluginId, e.getMessage());
        }
    }

    /**
     * Copies a tensor into a parameter of the same number of rows and columns: a vector of n fits a 1 × n parameter; a
     * matrix stored [rows, cols] fits as it is, or (with {@code transpose}) a parameter of [cols, rows].
     *
     * @param params the parameters
     * @param parameter the parameter's name
     * @param tensor the tensor's name in the file
     * @param transpose whether the file stores the parameter's transpose
     * @throws PluginException if the tensor is missing, not floats, or of another shape (naming both shapes)
     */
    public void copy(ParamSet params, String parameter, String tensor, boolean transpose) {
        INDArray target = params.get(parameter);
        long[] shape = shape(tensor);
        long[] stored = shape.length == 1 ? new long[] {1, shape[0]} : shape;
        long[] expected = transpose ? new long[] {target.columns(), target.rows()} : target.shape();
        if (!Arrays.equals(stored, expected)) {
            throw new PluginException(pluginId, file.file() + ": tensor '" + tensor + "' has shape " + Arrays.toString(shape)
                    + ", expected " + Arrays.toString(transpose ? expected : target.shape()) + " for " + parameter);
        }
        float[] values;
        try {
            values = file.floats(tensor);
        } catch (WeightsFileException e) {
            throw new PluginException(pluginId, e.getMessage());
        }
        INDArray source = Nd4j.create(values, stored, 'c').castTo(target.dataType());
        target.assign(transpose ? source.transpose() : source);
    }

    @Override
    public void close() {
        file.close();
    }
}
