package dev.nova.formats.resources;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class OwnResourceTests {

    @Test
    void readsTheResourceAtTheRootOfTheAnchorsOwnModule() throws Exception {
        try (InputStream in = OwnResource.open(OwnResourceTests.class, "own-resource-test.conf")) {
            assertEquals("own = true\n", new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void aResourceTheModuleDoesNotHaveIsNull() throws Exception {
        assertNull(OwnResource.open(OwnResourceTests.class, "no-such-resource.conf"));
        // A class of another module (java.base) does not see this module's resources.
        assertNull(OwnResource.open(String.class, "own-resource-test.conf"));
    }
}
