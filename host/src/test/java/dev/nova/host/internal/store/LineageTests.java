package dev.nova.host.internal.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class LineageTests {

    private static Manifest manifest(String... keysAndValues) {
        Properties p = new Properties();
        p.setProperty("format", Checkpoint.FORMAT);
        p.setProperty("plugin", "text-gru");
        p.setProperty("step", "10");
        p.setProperty("seed", "1");
        for (int i = 0; i < keysAndValues.length; i += 2) {
            p.setProperty(keysAndValues[i], keysAndValues[i + 1]);
        }
        return Manifest.parse(Path.of("x.ckpt"), p);
    }

    /** A generation number no run reaches (a hand-edited or hostile manifest) is not a lineage key (issue 42, 5). */
    @Test
    void aGenerationBeyondAnyRunIsIgnoredNotANumberFormatException() {
        Manifest m = manifest("lineage.1.step", "5", "lineage.1.plugin", "text-gru", "lineage.1.checkpoint-sha256", "ab",
                "lineage.99999999999.step", "7", "lineage.0.step", "1");
        assertEquals(List.of("parent: step 5 of text-gru ?, ? (SHA-256 ab)"), Lineage.chain(m));
        assertEquals(3, Lineage.of(m).size());
    }

    @Test
    void anImportNamesTheFamilyAndTheWeightsFile() {
        Manifest m = manifest("lineage.1.import", "gpt2", "lineage.1.checkpoint", "/w/model.safetensors",
                "lineage.1.checkpoint-sha256", "cd");
        assertEquals(List.of("parent: imported gpt2 weights, /w/model.safetensors (SHA-256 cd)"), Lineage.chain(m));
    }
}
