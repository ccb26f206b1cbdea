package dev.nova.tck;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.DeflaterOutputStream;

/**
 * Data the kit makes in a plugin's modality for rule 5.8, as a user hands it to {@code nova evaluate --data}: a UTF-8
 * text file for a text plugin, a folder of PNG files for an image plugin, a folder of WAV files for an audio plugin. Two sets that differ, so that a plugin
 * that ignores the data it is given (and scores its own held-out split) is seen.
 */
final class EvaluationData {

    private EvaluationData() {
    }

    /**
     * Two text files of the vocabulary's characters: one in the vocabulary's order, one reversed, each repeated to
     * at least 400 characters.
     *
     * @param vocabulary the characters the model knows
     * @param folder where to write
     * @return the two files
     */
    static Path[] text(String vocabulary, Path folder) {
        StringBuilder forward = new StringBuilder();
        StringBuilder backward = new StringBuilder();
        String reversed = new StringBuilder(vocabulary).reverse().toString();
        while (forward.length() < 400) {
            forward.append(vocabulary);
            backward.append(reversed);
        }
        try {
            Files.createDirectories(folder);
            return new Path[] {Files.writeString(folder.resolve("forward.txt"), forward, StandardCharsets.UTF_8),
                    Files.writeString(folder.resolve("backward.txt"), backward, StandardCharsets.UTF_8)};
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Two folders of eight 28 × 28 grey-scale PNG files, four in each of two class folders {@code 0} and {@code 1} (a
     * class-conditional model needs classes; others ignore them): checkerboards of 4-pixel squares, and blank images
     * with a bright frame.
     *
     * @param folder where to write
     * @return the two folders
     */
    static Path[] images(Path folder) {
        return images(folder, "0", "1");
    }

    /**
     * {@link #images(Path)} with class folders of other names (rule 10.7: classes a parent never saw).
     *
     * @param folder where to write
     * @param classes the names of the two class folders
     * @return the two folders
     */
    static Path[] images(Path folder, String... classes) {
        Path board = folder.resolve("checkerboard");
        Path frame = folder.resolve("frame");
        int n = 28;
        try {
            for (int k = 0; k < 8; k++) {
                String cls = classes[k % 2];
                Files.createDirectories(board.resolve(cls));
                Files.createDirectories(frame.resolve(cls));
                byte[] a = new byte[n * n];
                byte[] b = new byte[n * n];
                for (int y = 0; y < n; y++) {
                    for (int x = 0; x < n; x++) {
                        a[y * n + x] = (byte) (((x + k) / 4 + y / 4) % 2 == 0 ? 255 : 0);
                        b[y * n + x] = (byte) (x < 2 + k % 3 || y < 2 || x >= n - 2 || y >= n - 2 ? 255 : 0);
                    }
                }
                Files.write(board.resolve(cls).resolve("image-" + k + ".png"), png(a, n));
                Files.write(frame.resolve(cls).resolve("image-" + k + ".png"), png(b, n));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Path[] {board, frame};
    }

    /**
     * Two folders of four quarter-second 16-bit mono WAV files at 8 kHz, two in each of two class folders {@code 0} and
     * {@code 1}: sines between 300 and 600 Hz, and square waves of the same pitches.
     *
     * @param folder where to write
     * @return the two folders
     */
    static Path[] audio(Path folder) {
        return audio(folder, "0", "1");
    }

    /**
     * {@link #audio(Path)} with class folders of other names (rule 10.7: classes a parent never saw).
     *
     * @param folder where to write
     * @param classes the names of the two class folders
     * @return the two folders
     */
    static Path[] audio(Path folder, String... classes) {
        Path sine = folder.resolve("sine");
        Path square = folder.resolve("square");
        int rate = 8000;
        int n = rate / 4;
        try {
            for (int k = 0; k < 4; k++) {
                String cls = classes[k % 2];
                Files.createDirectories(sine.resolve(cls));
                Files.createDirectories(square.resolve(cls));
                double hz = 300 + 100 * k;
                float[] a = new float[n];
                float[] b = new float[n];
                for (int i = 0; i < n; i++) {
                    double v = Math.sin(2 * Math.PI * hz * i / rate);
                    a[i] = (float) (0.5 * v);
                    b[i] = v >= 0 ? 0.5f : -0.5f;
                }
                Files.write(sine.resolve(cls).resolve("sound-" + k + ".wav"), wav(a, rate));
                Files.write(square.resolve(cls).resolve("sound-" + k + ".wav"), wav(b, rate));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Path[] {sine, square};
    }

    /** A 16-bit mono PCM WAV file, written by hand: the kit reads only {@code dev.nova.api}. */
    static byte[] wav(float[] samples, int rate) {
        ByteBuffer b = ByteBuffer.allocate(44 + 2 * samples.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put("RIFF".getBytes(StandardCharsets.US_ASCII)).putInt(36 + 2 * samples.length)
                .put("WAVE".getBytes(StandardCharsets.US_ASCII)).put("fmt ".getBytes(StandardCharsets.US_ASCII))
                .putInt(16).putShort((short) 1).putShort((short) 1).putInt(rate).putInt(2 * rate).putShort((short) 2)
                .putShort((short) 16).put("data".getBytes(StandardCharsets.US_ASCII)).putInt(2 * samples.length);
        for (float v : samples) {
            b.putShort((short) Math.round(v * 32767));
        }
        return b.array();
    }

    /** A grey-scale PNG (8 bits, no interlace), written by hand: the kit reads only {@code dev.nova.api}. */
    static byte[] png(byte[] grey, int side) throws IOException {
        ByteArrayOutputStream raw = new ByteArrayOutputStream();
        try (DeflaterOutputStream z = new DeflaterOutputStream(raw)) {
            for (int y = 0; y < side; y++) {
                z.write(0);                                          // filter: none
                z.write(grey, y * side, side);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(side).putInt(side).put((byte) 8).put((byte) 0).put((byte) 0)
                .put((byte) 0).put((byte) 0).array());
        chunk(out, "IDAT", raw.toByteArray());
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.write(ByteBuffer.allocate(4).putInt(data.length).array());
        out.write(t);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
