package dev.nova.host;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Builds real plugin jars for tests: compiles the fixture sources in {@code src/test/fixtures/plugin} against
 * the API module with javac, as a plugin author's build would, and packs them with a reference.conf.
 */
public final class FixturePlugins {

    private static final Path SOURCES = Path.of("src/test/fixtures/plugin");

    private FixturePlugins() {
    }

    /** What to vary in a fixture. */
    public record Spec(String id, String module, String apiRange, String constructorBody, String infoBody,
                       List<String> dropClasses, Map<String, String> extraSources, String modality) {

        /** A well-behaved text fixture. */
        public static Spec of(String id, String module) {
            return new Spec(id, module, "[1.0,2.0)", "", "", List.of(), Map.of(), "TEXT");
        }

        /**
         * The same fixture for another modality: {@code IMAGE} (6x4 grey images, two classes) or {@code AUDIO}
         * (1 kHz sounds, two classes), each drawn from the unigram.
         */
        public Spec modality(String modality) {
            return new Spec(id, module, apiRange, constructorBody, infoBody, dropClasses, extraSources, modality);
        }

        public Spec apiRange(String range) {
            return new Spec(id, module, range, constructorBody, infoBody, dropClasses, extraSources, modality);
        }

        public Spec constructor(String body) {
            return new Spec(id, module, apiRange, body, infoBody, dropClasses, extraSources, modality);
        }

        /** Code run at the start of {@code info()}, to make it misbehave. */
        public Spec info(String body) {
            return new Spec(id, module, apiRange, constructorBody, body, dropClasses, extraSources, modality);
        }

        public Spec dropping(String classFile) {
            List<String> d = new ArrayList<>(dropClasses);
            d.add(classFile);
            return new Spec(id, module, apiRange, constructorBody, infoBody, d, extraSources, modality);
        }

        public Spec withSource(String path, String source) {
            var m = new java.util.LinkedHashMap<>(extraSources);
            m.put(path, source);
            return new Spec(id, module, apiRange, constructorBody, infoBody, dropClasses, m, modality);
        }

        String pkg() {
            return module;
        }
    }

    /**
     * Compiles a fixture plugin into a jar.
     *
     * @param spec what to build
     * @param jar the jar to write
     * @return {@code jar}
     */
    public static Path build(Spec spec, Path jar) {
        try {
            Path work = Files.createTempDirectory("fixture-src");
            Path src = work.resolve("src");
            Path classes = work.resolve("classes");
            Path pkgDir = src.resolve(spec.pkg().replace('.', '/'));
            Files.createDirectories(pkgDir);
            Files.createDirectories(classes);
            List<Path> files = new ArrayList<>();
            try (Stream<Path> s = Files.list(SOURCES.resolve("src"))) {
                for (Path p : s.toList()) {
                    Path target = p.getFileName().toString().equals("module-info.java")
                            ? src.resolve("module-info.java") : pkgDir.resolve(p.getFileName());
                    Files.writeString(target, fill(Files.readString(p), spec));
                    files.add(target);
                }
            }
            for (var e : spec.extraSources().entrySet()) {
                Path target = src.resolve(e.getKey());
                Files.createDirectories(target.getParent());
                Files.writeString(target, e.getValue());
                files.add(target);
            }
            JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
            List<String> args = new ArrayList<>(List.of("-d", classes.toString(), "--module-path", modulePath(),
                    "-proc:none", "-Xlint:-options"));
            files.forEach(f -> args.add(f.toString()));
            java.io.ByteArrayOutputStream diag = new java.io.ByteArrayOutputStream();
            if (javac.run(null, diag, diag, args.toArray(String[]::new)) != 0) {
                throw new IllegalStateException("fixture did not compile:\n" + diag);
            }
            Files.writeString(classes.resolve("reference.conf"), fill(Files.readString(SOURCES.resolve("reference.conf")), spec));
            for (String drop : spec.dropClasses()) {
                Files.delete(classes.resolve(spec.pkg().replace('.', '/')).resolve(drop));
            }
            Files.createDirectories(jar.toAbsolutePath().getParent());
            try (OutputStream out = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(out);
                 Stream<Path> s = Files.walk(classes)) {
                for (Path p : s.filter(Files::isRegularFile).sorted().toList()) {
                    zip.putNextEntry(new ZipEntry(classes.relativize(p).toString().replace('\\', '/')));
                    zip.write(Files.readAllBytes(p));
                    zip.closeEntry();
                }
            }
            deleteTree(work);
            return jar;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    private static String fill(String template, Spec spec) {
        return template.replace("${ID}", spec.id()).replace("${MODULE}", spec.module()).replace("${PKG}", spec.pkg())
                .replace("${RANGE}", spec.apiRange()).replace("${CTOR}", spec.constructorBody())
                .replace("${INFO}", spec.infoBody()).replace("${MODALITY}", spec.modality());
    }

    /** The test JVM's module path, which holds the API and what it needs, as a plugin build would have. */
    static String modulePath() {
        String mp = System.getProperty("jdk.module.path");
        if (mp == null) {
            throw new IllegalStateException("tests must run on the module path (jdk.module.path is not set)");
        }
        return mp;
    }
}
