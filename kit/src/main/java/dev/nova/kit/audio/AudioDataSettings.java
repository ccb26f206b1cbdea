package dev.nova.kit.audio;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nova.api.ModelContext;
import dev.nova.kit.support.Checks;
import org.apiguardian.api.API;

/**
 * The {@code data} section of an audio plugin: where the WAV files are, the model's sample rate, and how many files are
 * held out. Its keys are declared here once, for every audio plugin on kit.
 *
 * @param path a folder of WAV files or {@code builtin:tones} ({@code data.path})
 * @param sampleRate the model's rate in Hz; every file is resampled to it ({@code data.sample-rate})
 * @param holdout the fraction of files held out for evaluation, in (0, 0.9] ({@code data.holdout})
 * @since 1.4
 */
@API(status = EXPERIMENTAL, since = "1.4")
public record AudioDataSettings(String path, int sampleRate, double holdout) {

    /**
     * Reads and checks {@code data.path}, {@code data.sample-rate} and {@code data.holdout}.
     *
     * @param c the checks of the plugin's subtree
     * @return the settings (placeholders where a problem was added)
     */
    public static AudioDataSettings read(Checks c) {
        return new AudioDataSettings(c.getNonBlank("data.path", "a folder of WAV files, or builtin:tones"),
                c.getInt("data.sample-rate", 1000, 192_000), c.getAbove("data.holdout", 0, 0.9));
    }

    /**
     * Reads and splits the data (relative paths against the run's base directory).
     *
     * @param pluginId for messages
     * @param context resolves a relative path; its seed chooses the held-out files
     * @return the clips at {@link #sampleRate}
     */
    public AudioSource.AudioSet read(String pluginId, ModelContext context) {
        String where = path.startsWith("builtin:") ? path : context.resolve(path).toString();
        if (path.startsWith("builtin:") && !path.equals(AudioSource.TONES)) {
            throw new dev.nova.api.PluginException(pluginId, "data.path " + path + " is not a built-in audio set;"
                    + " expected " + AudioSource.TONES + " or a folder of WAV files");
        }
        return AudioSource.read(pluginId, where, sampleRate, holdout, context.seed());
    }
}
