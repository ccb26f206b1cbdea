package dev.nova.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The BOM (no parent, on purpose) states the versions the project is built with: nothing may drift apart. */
class BomTests {

    private static String property(String pom, String name) {
        Matcher m = Pattern.compile("<" + Pattern.quote(name) + ">([^<]+)</" + Pattern.quote(name) + ">").matcher(pom);
        assertTrue(m.find(), name + " in pom");
        return m.group(1).trim();
    }

    private static String projectVersion(String pom) {
        Matcher m = Pattern.compile("<artifactId>(nova-parent|nova-bom)</artifactId>\\s*<version>([^<]+)</version>").matcher(pom);
        assertTrue(m.find(), "project version");
        return m.group(2).trim();
    }

    @Test
    void theBomStatesTheProjectsVersions() throws Exception {
        String parent = Files.readString(Path.of("../pom.xml"));
        String bom = Files.readString(Path.of("../bom/pom.xml"));
        assertEquals(projectVersion(parent), projectVersion(bom), "nova-bom's version");
        assertEquals(projectVersion(parent), property(bom, "nova.version"), "nova-bom's nova.version");
        for (String p : List.of("config.version", "junit.version", "slf4j.version", "apiguardian.version")) {
            assertEquals(property(parent, p), property(bom, p), p);
        }
    }
}
