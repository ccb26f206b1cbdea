import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.spi.ToolProvider;
import java.util.zip.ZipEntry;

/**
 * Gives the launcher's automatic modules descriptors of their own at package time: each third-party jar in the module
 * path (dist/target/nova/lib) without a module-info.class gets one written from the jar itself, as
 * runtime/src/module/make-module.sh does for the runtime: every package exported and open, the modules its classes
 * use (jdeps) as {@code requires transitive}, its META-INF/services as {@code provides}, the services it loads as
 * {@code uses}, and the jar tool records its packages.
 *
 * <p>Why: the JVM reads every entry of an automatic module's jar at every start to learn its packages, and resolves
 * automatic modules against every other module. With the 21 automatic jars of the module path, a module that prints
 * one line started in 0.25-0.30 s against 0.19-0.21 s with the same jars made explicit (0.15-0.16 s without them).
 * Only the copies in the launcher's module path change; Maven's artifacts, the plugins' builds and Spark's class path
 * see the jars as they were.
 *
 * <p>A jar keeps its automatic module where a descriptor could not say what the automatic module did: a service
 * loaded without a class constant before the call, a cycle with another jar (slf4j's API and its binding), or a
 * descriptor javac refuses. Each is one line of the build's output. Nothing here fails the build: if the module path
 * does not resolve afterwards, every jar is put back as it was. One JVM runs it all (the JDK's tools in process).
 *
 * <pre>java MakeExplicit.java LIB TIMESTAMP     (TIMESTAMP: project.build.outputTimestamp, the new entry's date)</pre>
 */
public final class MakeExplicit {

    private static final byte[] SERVICE_LOADER = "java/util/ServiceLoader".getBytes(StandardCharsets.UTF_8);

    private MakeExplicit() {
    }

    public static void main(String[] args) throws Exception {
        Path lib = Path.of(args[0]).toAbsolutePath();
        String timestamp = args[1];
        Path work = Files.createTempDirectory("nova-explicit");
        try {
            run(lib, timestamp, work);
        } finally {
            try (var walk = Files.walk(work)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void say(String line) {
        System.out.println("make-explicit: " + line);
    }

    /** Runs a JDK tool in this JVM; its output, or null when it failed. */
    private static String tool(String name, List<String> args) {
        StringWriter out = new StringWriter();
        int rc = ToolProvider.findFirst(name).orElseThrow()
                .run(new PrintWriter(out, true), new PrintWriter(out, true), args.toArray(String[]::new));
        return rc == 0 ? out.toString() : null;
    }

    private static void run(Path lib, String timestamp, Path work) throws Exception {
        // The automatic modules, by jar; the explicit third-party ones, for jdeps and javac to resolve against.
        Map<Path, String> automatic = new TreeMap<>();
        Path explicit = Files.createDirectories(work.resolve("explicit"));
        for (ModuleReference ref : ModuleFinder.of(lib).findAll()) {
            Path jar = Path.of(ref.location().orElseThrow());
            if (ref.descriptor().isAutomatic()) {
                automatic.put(jar, ref.descriptor().name());
            } else if (!jar.getFileName().toString().startsWith("nova-")) {
                Files.createSymbolicLink(explicit.resolve(jar.getFileName()), jar);
            }
        }
        if (automatic.isEmpty()) {
            say("no automatic modules");
            return;
        }
        Map<String, Path> byName = new TreeMap<>();
        automatic.forEach((jar, name) -> byName.put(name, jar));

        // What each one requires: the modules jdeps finds its classes using, in one run over all of them.
        Map<Path, Set<String>> requires = new TreeMap<>();
        automatic.keySet().forEach(j -> requires.put(j, new TreeSet<>()));
        List<String> jdeps = new ArrayList<>(List.of("--module-path", explicit.toString(), "--ignore-missing-deps",
                "--multi-release", "17", "-s"));
        automatic.keySet().forEach(j -> jdeps.add(j.toString()));
        String summary = tool("jdeps", jdeps);
        if (summary == null) {
            say("jdeps failed; every module kept automatic");
            return;
        }
        for (String line : summary.lines().toList()) {
            String[] parts = line.split(" -> ");
            if (parts.length != 2) {
                continue;
            }
            Path from = lib.resolve(parts[0].strip());
            String to = parts[1].strip();
            if (!requires.containsKey(from) || to.equals("java.base") || to.startsWith("not found")) {
                continue;
            }
            if (to.endsWith(".jar")) {
                to = automatic.get(lib.resolve(to));
                if (to == null) {
                    continue;
                }
            }
            requires.get(from).add(to);
        }

        List<String> kept = new ArrayList<>();
        Map<Path, String> descriptors = new LinkedHashMap<>();
        Map<Path, List<String>> serviceClasses = new LinkedHashMap<>();
        Map<Path, Set<String>> packagesOf = new LinkedHashMap<>();
        Map<Path, Map<String, List<String>>> providesOf = new LinkedHashMap<>();
        for (Map.Entry<Path, String> e : automatic.entrySet()) {
            Path jar = e.getKey();
            String name = e.getValue();
            String cycle = requires.get(jar).stream().filter(r -> byName.containsKey(r)
                    && requires.get(byName.get(r)).contains(name)).findFirst().orElse(null);
            if (cycle != null) {
                kept.add(jar.getFileName() + " (a cycle with " + cycle + ")");
                continue;
            }
            Set<String> packages = new TreeSet<>();
            Set<String> classes = new TreeSet<>();
            List<String> loaders = new ArrayList<>();
            Map<String, List<String>> provides = new TreeMap<>();
            try (JarFile jf = new JarFile(jar.toFile())) {
                for (ZipEntry z : jf.stream().toList()) {
                    String n = z.getName();
                    if (n.endsWith(".class") && !n.startsWith("META-INF/") && n.contains("/")
                            && !n.endsWith("module-info.class")) {
                        packages.add(n.substring(0, n.lastIndexOf('/')).replace('/', '.'));
                        classes.add(n);
                        try (InputStream in = jf.getInputStream(z)) {
                            if (contains(in.readAllBytes(), SERVICE_LOADER)) {
                                loaders.add(n.substring(0, n.length() - ".class".length()).replace('/', '.'));
                            }
                        }
                    }
                }
                for (ZipEntry z : jf.stream().toList()) {
                    String n = z.getName();
                    if (n.startsWith("META-INF/services/") && n.indexOf('/', "META-INF/services/".length()) < 0
                            && !z.isDirectory()) {
                        String service = n.substring("META-INF/services/".length());
                        List<String> impls;
                        try (InputStream in = jf.getInputStream(z)) {
                            impls = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
                                    .map(l -> l.replaceAll("#.*", "").strip()).filter(l -> !l.isEmpty())
                                    .filter(i -> classes.contains(i.replace('.', '/') + ".class")).toList();
                        }
                        if (!impls.isEmpty()) {
                            provides.put(service, impls);
                        }
                    }
                }
            }
            packagesOf.put(jar, packages);
            providesOf.put(jar, provides);
            serviceClasses.put(jar, loaders);
            descriptors.put(jar, name);
        }

        // Services each loads: the class constant before each ServiceLoader.load in the same method (javap, once).
        Map<Path, Set<String>> uses = new LinkedHashMap<>();
        for (Path jar : new ArrayList<>(descriptors.keySet())) {
            Set<String> found = new TreeSet<>();
            List<String> loaders = serviceClasses.get(jar);
            String unnamed = null;
            if (!loaders.isEmpty()) {
                List<String> javap = new ArrayList<>(List.of("-c", "-p", "-cp", jar.toString()));
                javap.addAll(loaders);
                String code = tool("javap", javap);
                if (code == null) {
                    unnamed = "javap failed";
                } else {
                    String service = null;
                    String where = null;
                    for (String line : code.lines().toList()) {
                        if (line.matches("^(public |final |abstract )*(class|interface|enum) .*|^Compiled from .*")) {
                            where = line.replaceAll("^.*?(class|interface|enum) ([^ <]+).*$", "$2");
                        }
                        if (line.matches("^  [^ ].*\\(.*")) {
                            service = null;
                        }
                        if (line.matches(".* (ldc|ldc_w) .*// class .*")) {
                            service = line.substring(line.lastIndexOf(' ') + 1);
                        }
                        if (line.matches(".*invokestatic .*ServiceLoader\\.load:\\(Ljava/lang/Class;.*")) {
                            if (service == null) {
                                unnamed = where;
                            } else {
                                found.add(service.replace('/', '.').replace('$', '.'));
                            }
                            service = null;
                        }
                    }
                }
            }
            if (unnamed != null) {
                kept.add(jar.getFileName() + " (loads a service it does not name, in " + unnamed + ")");
                descriptors.remove(jar);
                continue;
            }
            uses.put(jar, found);
        }

        // The descriptors, compiled together (they may require each other); if javac refuses, one at a time.
        Path src = Files.createDirectories(work.resolve("src"));
        for (Map.Entry<Path, String> e : descriptors.entrySet()) {
            Path jar = e.getKey();
            StringBuilder m = new StringBuilder("/** ").append(jar.getFileName())
                    .append(" as an explicit module, written by Nova's build (dist/src/modules/MakeExplicit.java). */\n")
                    .append("open module ").append(e.getValue()).append(" {\n");
            requires.get(jar).forEach(r -> m.append("    requires transitive ").append(r).append(";\n"));
            packagesOf.get(jar).forEach(p -> m.append("    exports ").append(p).append(";\n"));
            uses.get(jar).forEach(u -> m.append("    uses ").append(u).append(";\n"));
            providesOf.get(jar).forEach((s, impls) -> m.append("    provides ").append(s).append(" with ")
                    .append(String.join(", ", impls)).append(";\n"));
            m.append("}\n");
            Path file = Files.createDirectories(src.resolve(e.getValue())).resolve("module-info.java");
            Files.writeString(file, m);
        }
        List<Path> made = new ArrayList<>();
        Path out = work.resolve("out");
        if (!descriptors.isEmpty() && compile(lib, automatic, descriptors.keySet(), src, explicit, out) == null) {
            made.addAll(descriptors.keySet());
        } else {
            for (Path jar : descriptors.keySet()) {
                String error = compile(lib, automatic, Set.of(jar), src, explicit, out);
                if (error == null) {
                    made.add(jar);
                } else {
                    kept.add(jar.getFileName() + " (javac: " + error + ")");
                }
            }
        }
        Path backup = Files.createDirectories(work.resolve("backup"));
        for (Path jar : made) {
            Files.copy(jar, backup.resolve(jar.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
            if (tool("jar", List.of("--update", "--file", jar.toString(), "--date=" + timestamp, "-C",
                    out.resolve(automatic.get(jar)).toString(), "module-info.class")) == null) {
                restore(backup, lib);
                say("the jar tool could not update " + jar.getFileName() + "; every module kept automatic");
                return;
            }
        }

        // The module path must still resolve as the launcher resolves it.
        try {
            ModuleFinder finder = ModuleFinder.of(lib);
            Set<String> all = new TreeSet<>();
            finder.findAll().forEach(r -> all.add(r.descriptor().name()));
            java.lang.module.Configuration.resolveAndBind(ModuleFinder.of(), List.of(ModuleLayer.boot().configuration()),
                    finder, all);
        } catch (RuntimeException e) {
            restore(backup, lib);
            say("the module path did not resolve with explicit modules, every module kept automatic: " + e.getMessage());
            return;
        }
        say(made.size() + " of " + automatic.size() + " automatic modules made explicit");
        kept.forEach(k -> say("kept automatic: " + k));
    }

    /** Compiles these jars' descriptors; null, or javac's first error. */
    private static String compile(Path lib, Map<Path, String> automatic, Set<Path> jars, Path src, Path explicit,
                                  Path out) {
        List<String> args = new ArrayList<>(List.of("-nowarn", "-Xlint:none", "-d", out.toString(),
                "--module-source-path", src.toString()));
        StringBuilder path = new StringBuilder(explicit.toString());
        for (Path other : automatic.keySet()) {
            if (!jars.contains(other)) {
                path.append(java.io.File.pathSeparator).append(other);  // the other automatic jars, as they are
            }
        }
        args.addAll(List.of("--module-path", path.toString()));
        for (Path jar : jars) {
            args.addAll(List.of("--patch-module", automatic.get(jar) + "=" + jar));
        }
        for (Path jar : jars) {
            args.add(src.resolve(automatic.get(jar)).resolve("module-info.java").toString());
        }
        StringWriter log = new StringWriter();
        int rc = ToolProvider.findFirst("javac").orElseThrow()
                .run(new PrintWriter(log, true), new PrintWriter(log, true), args.toArray(String[]::new));
        return rc == 0 ? null : log.toString().lines().filter(l -> l.contains("error")).findFirst().orElse("failed");
    }

    private static void restore(Path backup, Path lib) throws IOException {
        try (var saved = Files.list(backup)) {
            for (Path p : saved.toList()) {
                Files.copy(p, lib.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING,
                        StandardCopyOption.COPY_ATTRIBUTES);
            }
        }
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (haystack[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
