package dev.nova.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import org.apiguardian.api.API;

/**
 * What kind of samples a generator produces.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public enum Modality {
    /** Text: samples are {@link Sample.Text}. */
    TEXT,
    /** Grey-scale images with pixel values in [0,1]: samples are {@link Sample.Image}. */
    IMAGE;

    /** Returns the lower-case name used in configs and tables. */
    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
