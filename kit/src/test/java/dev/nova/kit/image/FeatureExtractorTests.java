package dev.nova.kit.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nova.api.PluginException;
import dev.nova.api.Sample;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reference feature extractor: trained on labelled images, cached by the data's fingerprint. */
class FeatureExtractorTests {

    @TempDir
    Path cache;

    @Test
    void learnsTheClassesAndIsCachedUnderTheFingerprint() throws Exception {
        ImageSet.Split shapes = ImageData.load("test", "builtin:shapes", 12, 0.2);
        FeatureExtractor e = FeatureExtractor.of("test", shapes, "a".repeat(64), cache);
        assertTrue(e.accuracy() > 0.8, "held-out accuracy " + e.accuracy());
        assertTrue(Files.isRegularFile(cache.resolve(e.key() + ".bin")), e.key());
        List<Sample.Image> images = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            images.add(new Sample.Image(12, 12, shapes.test().image(i)));
        }
        float[][] f = e.embed(images);
        assertEquals(5, f.length);
        assertEquals(FeatureExtractor.FEATURES, f[0].length);

        FeatureExtractor again = FeatureExtractor.of("test", shapes, "a".repeat(64), cache);
        assertEquals(e.accuracy(), again.accuracy(), "read from the cache");
        assertArrayEquals(f[3], again.embed(images)[3], "the same extractor");
        assertArrayEquals(e.classify(images), again.classify(images));

        FeatureExtractor other = FeatureExtractor.of("test", shapes, "b".repeat(64), cache);
        assertTrue(Files.isRegularFile(cache.resolve(other.key() + ".bin")), "changed data: another extractor");
        try (var files = Files.list(cache)) {
            assertEquals(2, files.filter(p -> p.toString().endsWith(".bin")).count());
        }
    }

    @Test
    void unlabelledDataHasNoExtractor() {
        ImageSet.Split shapes = ImageData.load("test", "builtin:shapes", 8, 0.2);
        ImageSet unlabelled = new ImageSet(shapes.train().count(), 8, shapes.train().pixels(), null, List.of(), "x");
        PluginException e = assertThrows(PluginException.class, () -> FeatureExtractor.of("test",
                new ImageSet.Split(unlabelled, shapes.test()), "c".repeat(64), cache));
        assertTrue(e.getMessage().contains("has no classes"), e.getMessage());
    }
}
