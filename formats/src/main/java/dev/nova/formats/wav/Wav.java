package dev.nova.formats.wav;

import static org.apiguardian.api.API.Status.EXPERIMENTAL;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.apiguardian.api.API;

/**
 * WAV files (RIFF WAVE), Nova's one codec for them: reads integer PCM of 8, 16, 24 and 32 bits and IEEE float of 32
 * and 64 bits, in the plain and the extensible format, any number of channels mixed down to mono; writes 16-bit mono
 * PCM. Strict: a file that is not RIFF WAVE, a chunk that runs past the end, a format it cannot read, or a data chunk
 * cut short is a {@link FormatException} naming the file and the byte offset where it went wrong. Bounded: a file
 * larger than {@link #MAX_BYTES} is refused before it is read.
 *
 * @since 0.1
 */
@API(status = EXPERIMENTAL, since = "0.1")
public final class Wav {

    /** The largest file read: about 4 hours of 16-bit mono at 16 kHz. */
    public static final long MAX_BYTES = 1L << 30;

    private static final int PCM = 1;
    private static final int FLOAT = 3;
    private static final int EXTENSIBLE = 0xFFFE;

    /**
     * Mono sound: samples in [-1, 1] at a rate.
     *
     * @param rate samples per second
     * @param samples the values
     */
    public record Sound(int rate, float[] samples) {
    }

    private Wav() {
    }

    /**
     * Reads a WAV file as mono sound at its own rate.
     *
     * @param file the file
     * @return the sound (channels averaged; values clamped into [-1, 1])
     * @throws FormatException naming the file and the offset of what is wrong, or the file's size when it is too large
     * @throws UncheckedIOException when the file cannot be read
     */
    public static Sound read(Path file) {
        byte[] bytes;
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new FormatException(file + ": " + size + " bytes, more than the " + MAX_BYTES
                        + " a WAV file may have here; split it");
            }
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return parse(file.toString(), bytes);
    }

    /**
     * Parses the bytes of a WAV file.
     *
     * @param name the file's name, for messages
     * @param bytes the file's bytes
     * @return the sound, mono
     * @throws FormatException naming the file and the offset of what is wrong
     */
    public static Sound parse(String name, byte[] bytes) {
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < 12 || !tag(bytes, 0).equals("RIFF") || !tag(bytes, 8).equals("WAVE")) {
            throw new FormatException(name, 0, "not a WAV file (it does not start with RIFF....WAVE)");
        }
        int format = -1;
        int channels = 0;
        int rate = 0;
        int bits = 0;
        int block = 0;
        int pos = 12;
        while (pos + 8 <= bytes.length) {
            String id = tag(bytes, pos);
            long size = Integer.toUnsignedLong(b.getInt(pos + 4));
            int body = pos + 8;
            if (id.equals("data")) {
                if (format < 0) {
                    throw new FormatException(name, pos, "the data chunk comes before the fmt chunk");
                }
                long available = bytes.length - body;
                if (size > available) {
                    throw new FormatException(name, bytes.length, "the data chunk is cut short: it declares " + size
                            + " bytes at offset " + body + ", the file ends after " + available);
                }
                if (size % block != 0) {
                    throw new FormatException(name, body + size, "the data chunk's " + size + " bytes are not a whole"
                            + " number of " + block + "-byte frames");
                }
                return new Sound(rate, decode(b, body, (int) (size / block), channels, bits, format == FLOAT));
            }
            if (size > bytes.length - body) {
                throw new FormatException(name, pos, "chunk '" + printable(id) + "' declares " + size + " bytes; the file"
                        + " ends after " + (bytes.length - body));
            }
            if (id.equals("fmt ")) {
                if (size < 16) {
                    throw new FormatException(name, pos, "the fmt chunk has " + size + " bytes; at least 16 expected");
                }
                format = Short.toUnsignedInt(b.getShort(body));
                channels = Short.toUnsignedInt(b.getShort(body + 2));
                rate = b.getInt(body + 4);
                block = Short.toUnsignedInt(b.getShort(body + 12));
                bits = Short.toUnsignedInt(b.getShort(body + 14));
                if (format == EXTENSIBLE) {
                    if (size < 40) {
                        throw new FormatException(name, body, "an extensible fmt chunk has 40 bytes, this one " + size);
                    }
                    format = Short.toUnsignedInt(b.getShort(body + 24));     // the sub-format GUID's first two bytes
                }
                boolean known = format == PCM && (bits == 8 || bits == 16 || bits == 24 || bits == 32)
                        || format == FLOAT && (bits == 32 || bits == 64);
                if (!known) {
                    throw new FormatException(name, body, "format " + format + " with " + bits + " bits per sample is not"
                            + " read; expected PCM (1) of 8, 16, 24 or 32 bits or IEEE float (3) of 32 or 64 bits");
                }
                if (channels < 1 || rate < 1 || block != channels * bits / 8) {
                    throw new FormatException(name, body, "inconsistent fmt chunk: " + channels + " channels, " + rate
                            + " Hz, " + block + "-byte frames of " + bits + "-bit samples");
                }
            }
            pos = (int) (body + size + (size & 1));                          // chunks are padded to even sizes
        }
        throw new FormatException(name, Math.min(pos, bytes.length), format < 0 ? "no fmt chunk" : "no data chunk");
    }

    private static float[] decode(ByteBuffer b, int at, int frames, int channels, int bits, boolean ieee) {
        float[] out = new float[frames];
        int bytes = bits / 8;
        for (int f = 0; f < frames; f++) {
            double sum = 0;
            for (int c = 0; c < channels; c++) {
                int p = at + (f * channels + c) * bytes;
                sum += ieee ? (bits == 32 ? b.getFloat(p) : b.getDouble(p)) : integer(b, p, bits);
            }
            double v = sum / channels;
            out[f] = (float) (Double.isNaN(v) ? 0 : Math.max(-1, Math.min(1, v)));
        }
        return out;
    }

    private static double integer(ByteBuffer b, int p, int bits) {
        return switch (bits) {
            case 8 -> (Byte.toUnsignedInt(b.get(p)) - 128) / 128.0;
            case 16 -> b.getShort(p) / 32768.0;
            case 24 -> ((b.get(p) & 0xFF) | (b.get(p + 1) & 0xFF) << 8 | b.get(p + 2) << 16) / 8388608.0;
            default -> b.getInt(p) / 2147483648.0;
        };
    }

    /**
     * The bytes of a 16-bit mono PCM WAV file of one sound.
     *
     * @param sound the sound (values outside [-1, 1] are clamped)
     * @return the file's bytes
     */
    public static byte[] encode(Sound sound) {
        return encode(List.of(sound), 0);
    }

    /**
     * The bytes of a 16-bit mono PCM WAV file of sounds one after another, with silence between them.
     *
     * @param sounds sounds at one rate, at least one
     * @param gapSeconds the silence between two sounds
     * @return the file's bytes
     * @throws IllegalArgumentException when there is no sound, or their rates differ
     */
    public static byte[] encode(List<Sound> sounds, double gapSeconds) {
        if (sounds.isEmpty()) {
            throw new IllegalArgumentException("a WAV file of no sound");
        }
        int rate = sounds.get(0).rate();
        for (Sound s : sounds) {
            if (s.rate() != rate) {
                throw new IllegalArgumentException("sounds of one WAV file have one rate; found " + rate + " and "
                        + s.rate() + " Hz");
            }
        }
        int gap = (int) Math.round(gapSeconds * rate);
        long n = sounds.stream().mapToLong(s -> s.samples().length).sum() + (long) gap * (sounds.size() - 1);
        if (44 + 2 * n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(n + " samples are more than one WAV file holds");
        }
        ByteBuffer b = ByteBuffer.allocate((int) (44 + 2 * n)).order(ByteOrder.LITTLE_ENDIAN);
        b.put(ascii("RIFF")).putInt((int) (36 + 2 * n)).put(ascii("WAVE"));
        b.put(ascii("fmt ")).putInt(16).putShort((short) PCM).putShort((short) 1).putInt(rate)
                .putInt(2 * rate).putShort((short) 2).putShort((short) 16);
        b.put(ascii("data")).putInt((int) (2 * n));
        for (int i = 0; i < sounds.size(); i++) {
            if (i > 0) {
                b.position(b.position() + 2 * gap);
            }
            for (float v : sounds.get(i).samples()) {
                b.putShort((short) Math.round(Math.max(-1f, Math.min(1f, v)) * 32767f));
            }
        }
        return b.array();
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private static String tag(byte[] bytes, int at) {
        return new String(bytes, at, 4, StandardCharsets.ISO_8859_1);
    }

    private static String printable(String id) {
        return id.chars().allMatch(ch -> ch >= 32 && ch < 127) ? id : "0x" + HexFormat.of().formatHex(
                id.getBytes(StandardCharsets.ISO_8859_1));
    }
}
