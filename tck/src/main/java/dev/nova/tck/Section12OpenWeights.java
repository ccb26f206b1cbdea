package dev.nova.tck;

import static dev.nova.tck.Harness.applicableOnlyIf;
import static dev.nova.tck.Harness.exercisedOnlyIf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.typesafe.config.Config;
import dev.nova.api.GenerationRequest;
import dev.nova.api.GenerativeModel;
import dev.nova.api.OpenWeights;
import dev.nova.api.PluginException;
import dev.nova.api.Sample;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * SPEC §12, open weights: a plugin that reads published weights ({@link dev.nova.api.GeneratorProvider#openWeights()})
 * and writes its models in their formats keeps the promises of {@link OpenWeights}' Javadoc, and what it writes it
 * reads back as the same model.
 *
 * <p>The section's rules in SPEC order, as JUnit tests that {@link GeneratorVerification} runs on a plugin.
 */
interface Section12OpenWeights extends Rules {

    /**
     * {@link OpenWeights}' promises, and export and import as inverses: the families are named once each, in lower
     * case; each export format writes the kit's trained model (32-bit, into an empty folder) as files inside that
     * folder and nothing else there, a GGUF export as one file of GGUF version 3; a folder written in Hugging Face's
     * layout ({@link OpenWeights.Format#SAFETENSORS}) is one the plugin imports: {@code settings} and {@code files}
     * read it (the files present, the weights first, the weights the ones the export wrote first), {@code create}
     * gives a model at step 0 that generates what the exported model generates, for the same request and seed; and
     * the same folder with its weights file cut in half is refused with a {@link PluginException} naming that file.
     */
    @Test
    default void required_spec12_1_exportedWeightsImportAsTheSameModel() {
        Harness h = harness();
        Optional<OpenWeights> offered = h.call("12.1", "openWeights()", () -> h.provider().openWeights());
        applicableOnlyIf(offered != null && offered.isPresent(), "the plugin reads no published weights"
                + " (GeneratorProvider.openWeights() is empty)");
        OpenWeights w = offered.get();
        List<String> families = h.call("12.1", "openWeights().families()", w::families);
        assertTrue(families != null && !families.isEmpty(), h.violation("12.1", "openWeights() is offered but"
                + " families() names none: nova import has nothing to ask for"));
        assertEquals(families.size(), families.stream().distinct().count(), h.violation("12.1", "families() names a"
                + " family twice: " + families));
        for (String f : families) {
            assertTrue(f != null && !f.isBlank() && f.equals(f.toLowerCase(Locale.ROOT)), h.violation("12.1",
                    "families() names '" + f + "', which is not a lower-case name (the Javadoc's promise: the user"
                            + " types it after nova import)"));
        }
        GenerativeModel model = h.warm();
        List<String> refused = new ArrayList<>();
        boolean roundTrip = false;
        for (String family : families) {
            List<OpenWeights.Format> formats = h.call("12.1", "openWeights().exportFormats(" + family + ")",
                    () -> w.exportFormats(family));
            assertEquals(formats.size(), formats.stream().distinct().count(), h.violation("12.1", "exportFormats("
                    + family + ") names a format twice: " + formats));
            for (OpenWeights.Format format : formats) {
                String what = "export(" + family + ", " + format + ", F32)";
                Path folder = folder(h, "export-" + family + "-" + format.name().toLowerCase(Locale.ROOT));
                List<Path> written;
                try {
                    written = w.export(family, model, format, OpenWeights.Precision.F32, folder);
                } catch (PluginException e) {
                    refused.add(what + ": " + e.getMessage());           // this model cannot be written so: documented
                    continue;
                } catch (RuntimeException e) {
                    throw new AssertionError(h.violation("8.1", what + " threw undocumented " + e.getClass().getName()
                            + ": " + e.getMessage()), e);
                }
                List<Path> files = writtenFiles(h, what, folder, written);
                if (format == OpenWeights.Format.GGUF) {
                    assertEquals(1, files.size(), h.violation("12.1", what + " wrote " + files + "; GGUF is one file"));
                    assertGguf(h, what, files.get(0));
                } else {
                    roundTrip(h, w, family, folder, files, model);
                    roundTrip = true;
                }
            }
        }
        exercisedOnlyIf(roundTrip || !refused.isEmpty(), "the plugin writes no family in Hugging Face's layout, and"
                + " the kit has no published weights to import");
        applicableOnlyIf(roundTrip, "at this configuration the model cannot be written in Hugging Face's layout: "
                + refused);
    }

    /** A new, empty folder under the rule's base directory. */
    private static Path folder(Harness h, String name) {
        try {
            return Files.createDirectories(h.base().resolve(name));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What an export returned: files inside its folder, each there and not empty, the weights first; and nothing else
     * in the folder (the host moves the folder's files into place, so a file left out of the list is lost, or stale).
     */
    private static List<Path> writtenFiles(Harness h, String what, Path folder, List<Path> written) {
        assertTrue(written != null && !written.isEmpty(), h.violation("12.1", what + " returned no files"));
        Path root = folder.toAbsolutePath().normalize();
        List<Path> files = new ArrayList<>();
        for (Path p : written) {
            Path f = (p.isAbsolute() ? p : root.resolve(p)).normalize();
            assertTrue(f.startsWith(root), h.violation("12.1", what + " returned " + p + ", outside the folder " + root
                    + " it was given"));
            try {
                assertTrue(Files.isRegularFile(f) && Files.size(f) > 0, h.violation("12.1", what + " returned " + p
                        + ", which is not a file with content"));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            files.add(f);
        }
        Set<Path> there = new TreeSet<>();
        try (var s = Files.walk(root)) {
            s.filter(Files::isRegularFile).map(Path::normalize).forEach(there::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        there.removeAll(files);
        assertTrue(there.isEmpty(), h.violation("12.1", what + " left files in the folder that it does not return: "
                + there.stream().map(root::relativize).toList() + " (the host moves only the returned files into place)"));
        return files;
    }

    /** The Javadoc's GGUF: one file of GGUF version 3 (the magic "GGUF", then the version as a little-endian uint32). */
    private static void assertGguf(Harness h, String what, Path file) {
        byte[] head = new byte[8];
        try (InputStream in = Files.newInputStream(file)) {
            int n = in.readNBytes(head, 0, 8);
            assertTrue(n == 8, h.violation("12.1", what + " wrote " + file.getFileName() + " of " + n + " bytes"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
        int magic = b.getInt();
        int version = b.getInt();
        assertTrue(magic == 0x46554747 && version == 3, h.violation("12.1", what + " wrote " + file.getFileName()
                + ", which does not begin as a GGUF file of version 3 (magic " + Integer.toHexString(magic)
                + ", version " + version + ")"));
    }

    /** A folder in Hugging Face's layout read back: its settings, its files, and a model that is the exported one. */
    private static void roundTrip(Harness h, OpenWeights w, String family, Path folder, List<Path> written,
                                  GenerativeModel exported) {
        Config settings = h.call("12.1", "openWeights().settings(" + family + ")", () -> w.settings(family, folder));
        List<Path> files = h.call("12.1", "openWeights().files(" + family + ")", () -> w.files(family, folder));
        assertTrue(files != null && !files.isEmpty(), h.violation("12.1", "files(" + family + ", " + folder
                + ") names no files for a folder the plugin wrote"));
        for (Path f : files) {
            assertTrue(Files.isRegularFile(f), h.violation("12.1", "files(" + family + ") names " + f + ", which is not"
                    + " in the folder export wrote: the host records each file's SHA-256 in the run's lineage"));
        }
        assertEquals(written.get(0), files.get(0).toAbsolutePath().normalize(), h.violation("12.1", "export wrote the"
                + " weights " + written.get(0).getFileName() + " first, files() names " + files.get(0).getFileName()
                + " first (both promise the weights first)"));
        Config config = settings.withFallback(h.config()).resolve();
        GenerativeModel imported = h.keep(h.call("12.1", "openWeights().create(" + family + ")",
                () -> w.create(family, folder, config, h.context())));
        assertEquals(0L, imported.step(), h.violation("12.1", "a model created from published weights is at step "
                + imported.step() + ", not 0"));
        GenerationRequest request = h.request(2, 17);
        List<Sample> a = h.generate(exported, request);
        List<Sample> b = h.generate(imported, request);
        assertEquals(a, b, h.violation("12.1", "the model read back from what export(" + family + ", SAFETENSORS, F32)"
                + " wrote generates " + Harness.describe(b) + " where the exported model generates "
                + Harness.describe(a) + " for the same request and seed"));

        Path cut = folder(h, folder.getFileName() + "-truncated");
        try {
            for (Path f : written) {
                Files.copy(f, cut.resolve(folder.relativize(f).toString()), StandardCopyOption.REPLACE_EXISTING);
            }
            Path weights = cut.resolve(folder.relativize(written.get(0)).toString());
            byte[] all = Files.readAllBytes(weights);
            Files.write(weights, java.util.Arrays.copyOf(all, all.length / 2));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String name = written.get(0).getFileName().toString();
        GenerativeModel accepted;
        try {
            accepted = w.create(family, cut, settings.withFallback(h.config()).resolve(), h.context());
        } catch (PluginException e) {
            assertTrue(String.valueOf(e.getMessage()).contains(name), h.violation("12.1", "a folder whose " + name
                    + " was cut in half was refused without naming it: " + e.getMessage()));
            return;
        } catch (RuntimeException e) {
            throw new AssertionError(h.violation("8.1", "create(" + family + ") of a folder whose " + name + " was cut"
                    + " in half threw undocumented " + e.getClass().getName() + ": " + e.getMessage()), e);
        }
        h.keep(accepted);
        fail(h.violation("12.1", "create(" + family + ") accepted a folder whose " + name + " was cut in half: a"
                + " truncated download becomes a model of missing weights instead of an error naming the file"));
    }
}
