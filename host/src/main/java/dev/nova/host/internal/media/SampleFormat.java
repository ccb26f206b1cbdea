package dev.nova.host.internal.media;

import dev.nova.api.Modality;
import dev.nova.api.Sample;
import dev.nova.host.internal.support.AtomicFiles;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * How the samples of one modality leave Nova, one format each: text (UTF-8, samples separated by a blank line), images
 * (PNG: a grid of several, or one each) and audio (16-bit mono WAV: several one after another half a second apart,
 * or one each). The files {@code generate} and training write, the bytes and JSON fields {@code serve} answers, and
 * the report's reading of a run's sample files all come from here, so a new modality is one more format, and this is
 * the only package outside quality metrics that tells modalities apart.
 */
public abstract sealed class SampleFormat permits SampleFormat.Text, SampleFormat.Images, SampleFormat.Sounds {

    /** Text samples. */
    public static final SampleFormat TEXT = new Text();
    /** Image samples. */
    public static final SampleFormat IMAGES = new Images();
    /** Audio samples. */
    public static final SampleFormat SOUNDS = new Sounds();

    private SampleFormat() {
    }

    /**
     * The format of a modality's samples.
     *
     * @param modality the modality
     * @return its format
     */
    public static SampleFormat of(Modality modality) {
        return switch (modality) {
            case TEXT -> TEXT;
            case IMAGE -> IMAGES;
            case AUDIO -> SOUNDS;
        };
    }

    /**
     * The format of a sample file, by its extension.
     *
     * @param file a file
     * @return its format, or empty when the extension is none of Nova's
     */
    public static Optional<SampleFormat> ofFile(Path file) {
        String name = String.valueOf(file.getFileName()).toLowerCase(Locale.ROOT);
        for (SampleFormat f : List.of(TEXT, IMAGES, SOUNDS)) {
            if (name.endsWith("." + f.extension())) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** The modality whose samples this format holds. */
    public abstract Modality modality();

    /** The file extension, without the dot ({@code txt}, {@code png}, {@code wav}). */
    public abstract String extension();

    /** The media type of a file of this format. */
    public abstract String mediaType();

    /** What the samples are called in messages and metric names ({@code texts}, {@code images}, {@code sounds}). */
    public abstract String plural();

    /** Whether samples are text that can be shown as it is generated (standard output, server-sent events). */
    public boolean streams() {
        return false;
    }

    /** Whether a model of this modality may be conditioned on classes (its reference data's class names). */
    public boolean hasClasses() {
        return false;
    }

    /**
     * This format's samples among samples, in order.
     *
     * @param samples what a model generated
     * @return those of this format's modality
     */
    public abstract List<Sample> select(List<Sample> samples);

    /**
     * One file of several samples.
     *
     * @param samples samples of this format
     * @return the file's bytes
     */
    public abstract byte[] file(List<Sample> samples);

    /**
     * One file of one sample.
     *
     * @param sample a sample of this format
     * @return the file's bytes
     */
    public abstract byte[] one(Sample sample);

    /**
     * The fields of one sample in Nova's JSON answer ({@code /v1/generate}).
     *
     * @param sample a sample of this format
     * @return the fields, in order
     */
    public abstract Map<String, Object> fields(Sample sample);

    /**
     * The fields that Nova's JSON answer has for all its samples together, before them (an image grid).
     *
     * @param samples samples of this format
     * @return the fields, in order, possibly none
     */
    public Map<String, Object> fieldsOfAll(List<Sample> samples) {
        return Map.of();
    }

    /**
     * What training prints of an evaluation's samples: the first text sample; nothing for other formats.
     *
     * @param samples what a model generated
     * @return the text to show, or empty
     */
    public Optional<String> preview(List<Sample> samples) {
        return Optional.empty();
    }

    /**
     * The line {@code nova generate} prints after writing samples into one file.
     *
     * @param samples the samples written
     * @param file where
     * @return the line, without the {@code nova: } prefix
     */
    public abstract String wrote(List<Sample> samples, Path file);

    /**
     * A sample file in a page: an element showing the file, its bytes inlined.
     *
     * @param bytes the file's bytes
     * @param caption what it shows, as text
     * @param escape escapes text for HTML
     * @return the HTML element
     */
    public abstract String html(byte[] bytes, String caption, UnaryOperator<String> escape);

    /**
     * Writes samples into one file, atomically.
     *
     * @param samples samples of this format
     * @param file the file
     * @param removeOnSignal whether a Ctrl-C while it is written removes it (a command's output, not a run's)
     */
    public void write(List<Sample> samples, Path file, boolean removeOnSignal) {
        AtomicFiles.write(file(samples), file, removeOnSignal);
    }

    /**
     * Writes one file per sample, {@code sample-0000.<ext>} and on, atomically, each removed on a signal.
     *
     * @param samples samples of this format
     * @param dir the folder
     * @return the line to print, without the {@code nova: } prefix
     */
    public String writeEach(List<Sample> samples, Path dir) {
        for (int i = 0; i < samples.size(); i++) {
            AtomicFiles.write(one(samples.get(i)), dir.resolve(String.format("sample-%04d.%s", i, extension())), true);
        }
        String kind = extension().toUpperCase(Locale.ROOT);
        return "wrote " + samples.size() + (samples.size() == 1 ? " " + kind + " file to " : " " + kind + " files to ")
                + dir;
    }

    private static String base64(byte[] bytes) {
        return Base64.getEncoder().encodeToString(bytes);
    }

    /** UTF-8 text, a blank line after each sample. */
    static final class Text extends SampleFormat {
        @Override
        public Modality modality() {
            return Modality.TEXT;
        }

        @Override
        public String extension() {
            return "txt";
        }

        @Override
        public String mediaType() {
            return "text/plain; charset=utf-8";
        }

        @Override
        public String plural() {
            return "texts";
        }

        @Override
        public boolean streams() {
            return true;
        }

        @Override
        public List<Sample> select(List<Sample> samples) {
            return samples.stream().filter(s -> s instanceof Sample.Text).toList();
        }

        @Override
        public byte[] file(List<Sample> samples) {
            StringBuilder b = new StringBuilder();
            for (Sample s : select(samples)) {
                b.append(((Sample.Text) s).text()).append("\n\n");
            }
            return b.toString().getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public byte[] one(Sample sample) {
            return ((Sample.Text) sample).text().getBytes(StandardCharsets.UTF_8);
        }

        @Override
        public Map<String, Object> fields(Sample sample) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("text", ((Sample.Text) sample).text());
            return m;
        }

        @Override
        public Optional<String> preview(List<Sample> samples) {
            return Optional.of(!samples.isEmpty() && samples.get(0) instanceof Sample.Text t ? t.text() : "");
        }

        @Override
        public String wrote(List<Sample> samples, Path file) {
            return "wrote " + samples.size() + (samples.size() == 1 ? " text to " : " texts to ") + file;
        }

        @Override
        public String html(byte[] bytes, String caption, UnaryOperator<String> escape) {
            return "<pre>" + escape.apply(new String(bytes, StandardCharsets.UTF_8)) + "</pre>";
        }
    }

    /** PNG: a grid of several images, or one. */
    static final class Images extends SampleFormat {
        @Override
        public Modality modality() {
            return Modality.IMAGE;
        }

        @Override
        public String extension() {
            return "png";
        }

        @Override
        public String mediaType() {
            return "image/png";
        }

        @Override
        public String plural() {
            return "images";
        }

        @Override
        public boolean hasClasses() {
            return true;
        }

        @Override
        public List<Sample> select(List<Sample> samples) {
            return samples.stream().filter(s -> s instanceof Sample.Image).toList();
        }

        private static List<Sample.Image> images(List<Sample> samples) {
            List<Sample.Image> out = new ArrayList<>();
            samples.forEach(s -> out.add((Sample.Image) s));
            return out;
        }

        @Override
        public byte[] file(List<Sample> samples) {
            return Png.grid(images(select(samples)));
        }

        @Override
        public byte[] one(Sample sample) {
            return Png.one((Sample.Image) sample);
        }

        @Override
        public Map<String, Object> fields(Sample sample) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("png", base64(one(sample)));
            return m;
        }

        @Override
        public Map<String, Object> fieldsOfAll(List<Sample> samples) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("grid", base64(file(samples)));
            return m;
        }

        @Override
        public String wrote(List<Sample> samples, Path file) {
            // The size says what a sample is: a conditional image model's sample is a column of one image per class
            // (8 samples of 10 classes are 80 pictures in 8 images of 28x280), and "wrote 8 images" for a grid of 80
            // pictures read as a miscount.
            java.util.Set<String> sizes = new java.util.LinkedHashSet<>();
            for (Sample s : samples) {
                Sample.Image i = (Sample.Image) s;
                sizes.add(i.width() + "x" + i.height());
            }
            return "wrote " + samples.size() + (samples.size() == 1 ? " image" : " images") + " ("
                    + String.join(", ", sizes) + " pixels" + (samples.size() == 1 ? "" : sizes.size() == 1 ? " each" : "")
                    + ") to " + file;
        }

        @Override
        public String html(byte[] bytes, String caption, UnaryOperator<String> escape) {
            return "<img alt=\"" + escape.apply(caption) + "\" src=\"data:image/png;base64," + base64(bytes) + "\">";
        }
    }

    /** 16-bit mono WAV: several sounds one after another, half a second apart, or one. */
    static final class Sounds extends SampleFormat {
        @Override
        public Modality modality() {
            return Modality.AUDIO;
        }

        @Override
        public String extension() {
            return "wav";
        }

        @Override
        public String mediaType() {
            return "audio/wav";
        }

        @Override
        public String plural() {
            return "sounds";
        }

        @Override
        public boolean hasClasses() {
            return true;
        }

        @Override
        public List<Sample> select(List<Sample> samples) {
            return samples.stream().filter(s -> s instanceof Sample.Audio).toList();
        }

        private static List<Sample.Audio> sounds(List<Sample> samples) {
            List<Sample.Audio> out = new ArrayList<>();
            samples.forEach(s -> out.add((Sample.Audio) s));
            return out;
        }

        @Override
        public byte[] file(List<Sample> samples) {
            return Wave.wav(sounds(select(samples)));
        }

        @Override
        public byte[] one(Sample sample) {
            return Wave.wav(List.of((Sample.Audio) sample));
        }

        @Override
        public Map<String, Object> fields(Sample sample) {
            Sample.Audio a = (Sample.Audio) sample;
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("wav", base64(one(sample)));
            m.put("seconds", a.seconds());
            m.put("sample_rate", a.sampleRate());
            return m;
        }

        @Override
        public String wrote(List<Sample> samples, Path file) {
            Sample.Audio first = (Sample.Audio) samples.get(0);
            return String.format("wrote %d %s (%.2f s%s at %d Hz) to %s", samples.size(), samples.size() == 1 ? "sample"
                    : "samples, half a second apart", first.seconds(), samples.size() == 1 ? "" : " each",
                    first.sampleRate(), file);
        }

        @Override
        public String html(byte[] bytes, String caption, UnaryOperator<String> escape) {
            String player = "<audio controls title=\"" + escape.apply(caption) + "\" src=\"data:audio/wav;base64,"
                    + base64(bytes) + "\"></audio>";
            try {
                // what the file holds, seen: its spectrogram with axes, under the player
                dev.nova.formats.wav.Wav.Sound sound = dev.nova.formats.wav.Wav.parse(caption, bytes);
                return player + "<br>" + Wave.spectrogramSvg(new Sample.Audio(sound.rate(), sound.samples()), 0);
            } catch (dev.nova.formats.wav.FormatException | IllegalArgumentException notWav) {
                return player;
            }
        }
    }
}
