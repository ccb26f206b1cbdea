package dev.nova.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * audio-gru through the launcher: trains on builtin:tones, evaluates in bits per audio sample, and writes WAV files
 * that parse back (javax.sound.sampled) with the model's rate and the requested length; a prompt WAV is continued.
 */
class AudioLauncherIT {

    @TempDir
    Path dir;

    private static AudioInputStream wav(Path file) throws Exception {
        return AudioSystem.getAudioInputStream(file.toFile());
    }

    @Test
    void trainsOnTonesAndWritesWavFilesOfTheRequestedLength() throws Exception {
        Path run = dir.resolve("tones");
        LauncherIT.Run train = LauncherIT.novaIn(dir, "train", "--plugin", "audio-gru", "--run-dir", run.toString(),
                "--set", "plugins.audio-gru.data.sample-rate=4000", "--set", "plugins.audio-gru.model.hidden=32",
                "--set", "plugins.audio-gru.model.embedding=8", "--set", "plugins.audio-gru.train.sequence-length=64",
                "--set", "plugins.audio-gru.eval.batches=2", "--set", "plugins.audio-gru.generate.seconds=0.25",
                "--set", "plugins.audio-gru.model.conditioning=class",
                "--set", "nova.train.steps=20", "--set", "nova.train.eval-every=10", "--set", "nova.train.samples=1");
        assertEquals(0, train.code(), train.err());
        assertTrue(train.err().contains("bits-per-sample"), train.err());
        Path sample = run.resolve("samples").resolve("step-00000020.wav");
        try (AudioInputStream in = wav(sample)) {
            assertEquals(4000f, in.getFormat().getSampleRate());
            assertEquals(1000, in.getFrameLength(), "0.25 s at 4 kHz");
        }

        Path out = dir.resolve("out.wav");
        LauncherIT.Run gen = LauncherIT.novaIn(dir, "generate", run.toString(), "-n", "2", "--seconds", "0.5",
                "--seed", "3", "--out", out.toString(), "--each", dir.resolve("each").toString());
        assertEquals(0, gen.code(), gen.err());
        assertFalse(LauncherIT.loadedAnyNd4j(gen), "sampling reads the checkpoint in Java alone: no ND4J class loads");
        assertTrue(gen.err().contains("nova: wrote 2 samples, half a second apart (0.50 s each at 4000 Hz) to " + out),
                gen.err());
        try (AudioInputStream in = wav(out)) {
            AudioFormat f = in.getFormat();
            assertEquals(4000f, f.getSampleRate());
            assertEquals(1, f.getChannels());
            assertEquals(16, f.getSampleSizeInBits());
            assertEquals(2000 + 2000 + 2000, in.getFrameLength(), "two samples of 0.5 s and 0.5 s of silence");
        }
        for (int i = 0; i < 2; i++) {
            try (AudioInputStream in = wav(dir.resolve("each").resolve(String.format("sample-%04d.wav", i)))) {
                assertEquals(2000, in.getFrameLength());
            }
        }

        // Conditioned on builtin:tones' classes: --label picks one, and one out of range is refused with the list.
        for (String label : List.of("0", "2")) {
            LauncherIT.Run l = LauncherIT.novaIn(dir, "generate", run.toString(), "--label", label, "--seconds", "0.25",
                    "--seed", "3", "--out", dir.resolve("label-" + label + ".wav").toString());
            assertEquals(0, l.code(), l.err());
        }
        assertTrue(!java.util.Arrays.equals(Files.readAllBytes(dir.resolve("label-0.wav")),
                Files.readAllBytes(dir.resolve("label-2.wav"))), "classes tone and noise sound the same");
        LauncherIT.Run noClass = LauncherIT.novaIn(dir, "generate", run.toString(), "--label", "5", "--out",
                dir.resolve("label-5.wav").toString());
        assertTrue(noClass.code() != 0 && noClass.err().contains("option label must be a class of the model, by name or"
                + " index (0 = tone, 1 = chirp, 2 = noise), found 5") && noClass.err().strip().lines().count() == 1,
                noClass.err());

        // A prompt at another rate is resampled and continued: the sample starts with it.
        float[] tone = new float[8000];
        for (int i = 0; i < tone.length; i++) {
            tone[i] = (float) (0.5 * Math.sin(2 * Math.PI * 440 * i / 16000.0));
        }
        Path prompt = dir.resolve("prompt.wav");
        java.nio.ByteBuffer pcm = java.nio.ByteBuffer.allocate(2 * tone.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (float v : tone) {
            pcm.putShort((short) Math.round(v * 32767));
        }
        AudioSystem.write(new AudioInputStream(new java.io.ByteArrayInputStream(pcm.array()),
                new AudioFormat(16000, 16, 1, true, false), tone.length), javax.sound.sampled.AudioFileFormat.Type.WAVE,
                prompt.toFile());
        Path continued = dir.resolve("continued.wav");
        Path drawn = dir.resolve("continued.svg");
        LauncherIT.Run cont = LauncherIT.novaIn(dir, "generate", run.toString(), "--prompt-wav", prompt.toString(),
                "--seconds", "0.25", "--out", continued.toString(), "--spectrogram", drawn.toString());
        assertEquals(0, cont.code(), cont.err());
        // the spectrogram has its axes and marks where the prompt ends (issue 43, 6)
        assertTrue(cont.err().contains("spectrogram to " + drawn + " (the prompt ends at 0.50 s, marked)"), cont.err());
        String svg = Files.readString(drawn);
        assertTrue(svg.contains(">seconds</text>") && svg.contains(">kHz</text>") && svg.contains("prompt ends at 0.50 s")
                && svg.contains("data:image/png;base64,"), svg.substring(0, Math.min(400, svg.length())));
        try (AudioInputStream in = wav(continued)) {
            assertEquals(2000 + 1000, in.getFrameLength(), "0.5 s of prompt at 4 kHz, then 0.25 s");
        }

        LauncherIT.Run eval = LauncherIT.novaIn(dir, "evaluate", run.toString());
        assertEquals(0, eval.code(), eval.err());
        assertTrue(eval.out().contains("bits-per-sample"), eval.out());
        assertTrue(LauncherIT.loadedAnyNd4j(eval), "evaluating builds the network");
        LauncherIT.Run bad = LauncherIT.novaIn(dir, "generate", run.toString(), "--prompt-wav",
                Files.writeString(dir.resolve("not.wav"), "text").toString());
        assertEquals(2, bad.code(), bad.err());
        assertTrue(bad.err().contains("not.wav at byte 0: not a WAV file (it does not start with RIFF....WAVE)"),
                bad.err());
    }
}
