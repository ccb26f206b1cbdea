package dev.nova.kit.audio;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import dev.nova.api.PluginException;
import dev.nova.api.Sample;
import dev.nova.formats.wav.FormatException;
import dev.nova.formats.wav.Wav;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import org.apiguardian.api.API;

/**
 * WAV files (RIFF WAVE) for plugins, read and written by Nova's one WAV codec ({@code dev.nova.formats.wav.Wav}, which
 * the host reads too): reads integer PCM of 8, 16, 24 and 32 bits and IEEE float of 32 and 64 bits, in the plain and
 * the extensible format, any number of channels mixed down to mono; writes 16-bit mono PCM. Strict: a file that is not
 * RIFF WAVE, a chunk that runs past the end, a format it cannot read, or a data chunk cut short is a
 * {@link PluginException} naming the file and the byte offset where it went wrong.
 *
 * @since 1.4
 */
@API(status = EXPERIMENTAL, since = "1.4")
public final class WavFile {

    /** The largest file read: about 4 hours of 16-bit mono at 16 kHz. */
    public static final long MAX_BYTES = Wav.MAX_BYTES;

    private WavFile() {
    }

    /**
     * Reads a WAV file as mono audio at its own rate.
     *
     * @param pluginId for messages
     * @param file the file
     * @return the audio (channels averaged; values clamped into [-1, 1])
     * @throws PluginException naming the file and the offset of what is wrong
     */
    public static Sample.Audio read(String pluginId, Path file) {
        try {
            return audio(Wav.read(file));
        } catch (FormatException e) {
            throw new PluginException(pluginId, e.getMessage());
        } catch (UncheckedIOException e) {
            throw new PluginException(pluginId, e.getMessage(), e.getCause());
        }
    }

    /**
     * Parses the bytes of a WAV file.
     *
     * @param pluginId for messages
     * @param name the file's name, for messages
     * @param bytes the file's bytes
     * @return the audio, mono
     * @throws PluginException naming the file and the offset of what is wrong
     */
    public static Sample.Audio parse(String pluginId, String name, byte[] bytes) {
        try {
            return audio(Wav.parse(name, bytes));
        } catch (FormatException e) {
            throw new PluginException(pluginId, e.getMessage());
        }
    }

    private static Sample.Audio audio(Wav.Sound sound) {
        return new Sample.Audio(sound.rate(), sound.samples());
    }

    /**
     * The bytes of a 16-bit mono PCM WAV file.
     *
     * @param audio the audio
     * @return the file's bytes
     */
    public static byte[] encode(Sample.Audio audio) {
        return Wav.encode(new Wav.Sound(audio.sampleRate(), audio.samples()));
    }
}
