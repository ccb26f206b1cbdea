package dev.nova.api;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;
import static org.apiguardian.api.API.Status.STABLE;

import org.apiguardian.api.API;

/**
 * What kind of samples a generator produces.
 *
 * <p>STABLE since API 1.3 (EXPERIMENTAL from 1.0): the STABLE {@link PluginInfo} holds it, and it has not changed
 * since 1.0. New constants may come in a minor release (a third modality is planned), so a {@code switch} over it
 * needs a default.
 *
 * @since 1.0
 */
@API(status = STABLE, since = "1.3")
public enum Modality {
    /** Text: samples are {@link Sample.Text}. */
    TEXT,
    /** Grey-scale images with pixel values in [0,1]: samples are {@link Sample.Image}. */
    IMAGE,
    /**
     * Mono audio, samples in [-1,1] at a sample rate: samples are {@link Sample.Audio}.
     *
     * @since 1.4
     */
    @API(status = EXPERIMENTAL, since = "1.4")
    AUDIO;

    /** Returns the lower-case name used in configs and tables. */
    @Override
    public String toString() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
