package dev.nova.host.internal.discovery;

import dev.nova.api.ApiVersion;
import dev.nova.api.GeneratorProvider;
import dev.nova.api.PluginException;
import dev.nova.api.PluginInfo;
import dev.nova.host.internal.support.PluginCalls;
import java.io.IOException;
import java.lang.module.Configuration;
import java.lang.module.FindException;
import java.lang.module.ModuleFinder;
import java.lang.module.ModuleReference;
import java.lang.module.ResolutionException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Finds plugins on the boot module path and under a plugin directory.
 *
 * <p>Every jar directly under the plugin directory, and every sub-folder of jars, becomes its own child
 * {@link ModuleLayer} of the boot layer, which holds the API and the one shared DL4J runtime. Each plugin is
 * checked (metadata, API range, unique id); a broken plugin is reported by name and the others still load.
 * Nothing here initialises a plugin's native backend: providers are only constructed and asked for
 * {@link GeneratorProvider#info()}.
 */
public final class PluginDiscovery {

    /** Packages that only ND4J/DL4J jars contain; a plugin layer holding one bundles its own runtime. */
    private static final List<String> RUNTIME_PACKAGES =
            List.of("org.nd4j.linalg.factory", "org.deeplearning4j.nn.conf", "org.nd4j.autodiff.samediff");

    private final ModuleLayer parent;

    /** Discovers against the host's own layer (the boot layer, unless a cluster launcher built one). */
    public PluginDiscovery() {
        this(hostLayer());
    }

    /**
     * The layer that holds the host, the API and the shared runtime: the boot layer when {@code nova} runs, a layer
     * of its own when a launcher such as {@code nova-spark} builds one beside Spark's class path.
     *
     * @return the layer
     */
    public static ModuleLayer hostLayer() {
        ModuleLayer layer = PluginDiscovery.class.getModule().getLayer();
        return layer != null ? layer : ModuleLayer.boot();
    }

    /**
     * Discovers against a given parent layer (tests).
     *
     * @param parent the layer holding the API and runtime
     */
    public PluginDiscovery(ModuleLayer parent) {
        this.parent = parent;
    }

    /**
     * Discovers every plugin.
     *
     * @param pluginPath an optional directory of plugin jars and folders
     * @return every plugin found, with the refused ones and why
     */
    public PluginCatalog discover(Optional<Path> pluginPath) {
        List<PluginEntry> entries = new ArrayList<>();
        entries.addAll(fromLayer(parent, true, "module path"));
        if (!PluginDiscovery.class.getModule().isNamed()) {
            entries.addAll(fromClassPath());
        }
        pluginPath.ifPresent(dir -> entries.addAll(fromDirectory(dir)));
        return new PluginCatalog(rejectDuplicates(entries));
    }

    private List<PluginEntry> fromDirectory(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of(PluginEntry.failed(Optional.empty(), "?", dir.toString(),
                    "plugin path " + dir + " is not a directory"));
        }
        List<Path> items;
        try (Stream<Path> s = Files.list(dir)) {
            items = s.filter(p -> Files.isDirectory(p) || p.getFileName().toString().endsWith(".jar"))
                    .sorted(Comparator.comparing(Path::getFileName)).toList();
        } catch (IOException e) {
            return List.of(PluginEntry.failed(Optional.empty(), "?", dir.toString(),
                    "cannot list plugin path " + dir + ": " + e.getMessage()));
        }
        List<PluginEntry> entries = new ArrayList<>();
        for (Path item : items) {
            entries.addAll(fromPluginLocation(item));
        }
        return entries;
    }

    private List<PluginEntry> fromPluginLocation(Path location) {
        String where = location.toString();
        try {
            ModuleFinder finder = ModuleFinder.of(location);
            Set<ModuleReference> found = finder.findAll();
            if (found.isEmpty()) {
                return List.of(PluginEntry.failed(Optional.empty(), "?", where, "no module found in " + where));
            }
            for (ModuleReference ref : found) {
                String bundled = RUNTIME_PACKAGES.stream()
                        .filter(ref.descriptor().packages()::contains).findFirst().orElse(null);
                if (bundled != null) {
                    return List.of(PluginEntry.failed(Optional.empty(), ref.descriptor().name(), where,
                            "module " + ref.descriptor().name() + " in " + where + " bundles its own ND4J/DL4J (package "
                                    + bundled + "); plugins must use the host's shared runtime module"
                                    + " dev.nova.runtime instead"));
                }
            }
            Set<String> roots = found.stream().map(r -> r.descriptor().name()).collect(Collectors.toSet());
            Configuration cf = parent.configuration().resolve(finder, ModuleFinder.of(), roots);
            ModuleLayer layer = parent.defineModulesWithOneLoader(cf, PluginDiscovery.class.getClassLoader());
            List<PluginEntry> entries = fromLayer(layer, false, where);
            if (entries.isEmpty()) {
                return List.of(PluginEntry.failed(Optional.empty(), String.join(",", roots), where,
                        "no plugin in " + where + ": no module provides " + GeneratorProvider.class.getName()));
            }
            return entries;
        } catch (FindException | ResolutionException | LayerInstantiationException | SecurityException e) {
            return List.of(PluginEntry.failed(Optional.empty(), "?", where,
                    "cannot load " + where + ": " + oneLine(e)));
        }
    }

    private List<PluginEntry> fromLayer(ModuleLayer layer, boolean includeParents, String where) {
        List<PluginEntry> entries = new ArrayList<>();
        ServiceLoader<GeneratorProvider> loader = ServiceLoader.load(layer, GeneratorProvider.class);
        var it = loader.stream().iterator();
        while (true) {
            ServiceLoader.Provider<GeneratorProvider> p;
            try {
                if (!it.hasNext()) {
                    break;
                }
                p = it.next();
            } catch (ServiceConfigurationError e) {
                entries.add(PluginEntry.failed(Optional.empty(), layerName(layer), where,
                        "cannot load a provider from " + where + ": " + oneLine(e)));
                continue;
            }
            Module module = p.type().getModule();
            if (!includeParents && module.getLayer() != layer) {
                continue;
            }
            entries.add(entry(p, module.getName(), locationOf(module)));
        }
        return entries;
    }

    /**
     * The providers on the class path (an application that embeds Nova on the class path), found through
     * {@code META-INF/services} entries.
     */
    private List<PluginEntry> fromClassPath() {
        List<PluginEntry> entries = new ArrayList<>();
        var it = ServiceLoader.load(GeneratorProvider.class, PluginDiscovery.class.getClassLoader()).stream().iterator();
        while (true) {
            ServiceLoader.Provider<GeneratorProvider> p;
            try {
                if (!it.hasNext()) {
                    break;
                }
                p = it.next();
            } catch (ServiceConfigurationError e) {
                entries.add(PluginEntry.failed(Optional.empty(), "?", "class path",
                        "cannot load a provider from the class path: " + oneLine(e)));
                continue;
            }
            if (p.type().getModule().isNamed()) {
                continue;
            }
            String location = "class path";
            try {
                var source = p.type().getProtectionDomain().getCodeSource();
                if (source != null && source.getLocation() != null) {
                    location = display(source.getLocation().toURI());
                }
            } catch (java.net.URISyntaxException | SecurityException ignored) {
                // the class path entry is only for messages
            }
            entries.add(entry(p, p.type().getName(), location));
        }
        return entries;
    }

    /** A provider, described by its {@code info()}, or refused by name when that fails or its API range excludes ours. */
    private PluginEntry entry(ServiceLoader.Provider<GeneratorProvider> p, String moduleName, String location) {
        GeneratorProvider provider;
        PluginInfo info;
        try {
            // Constructing a provider and info() must be cheap; a plugin that hangs or throws any Throwable
            // (an Error too) is refused by name and the others still load.
            Described d = PluginCalls.bounded(moduleName, p.type(), "info()", PluginCalls.CHEAP, () -> {
                GeneratorProvider g = p.get();
                PluginInfo i = g.info();
                if (i == null) {
                    throw new IllegalStateException("info() returned null");
                }
                return new Described(g, i);
            });
            provider = d.provider();
            info = d.info();
        } catch (PluginException e) {
            Throwable cause = e.getCause() instanceof ServiceConfigurationError sce && sce.getCause() != null
                    ? sce.getCause() : e.getCause();
            String why = cause == null ? e.getMessage().replaceFirst("^plugin '[^']*': ", "")
                    : "failed with " + oneLine(rootCause(cause));
            return PluginEntry.failed(Optional.empty(), moduleName, location,
                    "provider " + p.type().getName() + " (" + location + ") " + why);
        }
        if (!info.apiRange().contains(ApiVersion.CURRENT)) {
            return PluginEntry.failed(Optional.of(info), moduleName, location,
                    "plugin '" + info.id() + "' supports Nova API " + info.apiRange()
                            + " but this host implements API " + ApiVersion.CURRENT);
        }
        return PluginEntry.loaded(info, provider, moduleName, location);
    }

    private record Described(GeneratorProvider provider, PluginInfo info) { }

    private boolean builtIn(PluginEntry e) {
        return e.provider().map(p -> p.getClass().getModule().getLayer() == parent).orElse(false);
    }

    /**
     * Two plugins with one id cannot both load. A built-in plugin (module path) keeps its id and the plugin
     * directory's copy is refused, saying so; between plugin-directory jars no choice is safe, so all are refused.
     */
    private List<PluginEntry> rejectDuplicates(List<PluginEntry> entries) {
        Map<String, List<PluginEntry>> byId = new LinkedHashMap<>();
        for (PluginEntry e : entries) {
            if (e.isLoaded()) {
                byId.computeIfAbsent(e.info().orElseThrow().id(), k -> new ArrayList<>()).add(e);
            }
        }
        List<PluginEntry> out = new ArrayList<>();
        for (PluginEntry e : entries) {
            List<PluginEntry> same = e.isLoaded() ? byId.get(e.info().orElseThrow().id()) : List.of(e);
            if (same.size() > 1) {
                String id = e.displayId();
                List<PluginEntry> builtIns = same.stream().filter(this::builtIn).toList();
                if (builtIns.size() == 1 && builtIn(e)) {
                    out.add(e);
                } else if (builtIns.size() == 1) {
                    PluginEntry b = builtIns.get(0);
                    out.add(e.refuse("duplicate plugin id '" + id + "': module " + e.moduleName() + " (" + e.location()
                            + ") uses the id of the built-in plugin in module " + b.moduleName() + "; it is ignored"
                            + " and the built-in one is used (give the jar's plugin another id)"));
                } else {
                    String all = same.stream().map(s -> "module " + s.moduleName() + " (" + s.location() + ")")
                            .collect(Collectors.joining(" and "));
                    out.add(e.refuse("duplicate plugin id '" + id + "' provided by " + all + "; remove one of them"));
                }
            } else {
                out.add(e);
            }
        }
        return out;
    }

    private static String locationOf(Module module) {
        ModuleLayer layer = module.getLayer();
        if (layer == null) {
            return "?";
        }
        return layer.configuration().findModule(module.getName())
                .flatMap(r -> r.reference().location())
                .map(PluginDiscovery::display)
                .orElse("?");
    }

    private static String display(URI uri) {
        return "file".equals(uri.getScheme()) ? Path.of(uri).toString() : uri.toString();
    }

    private static String layerName(ModuleLayer layer) {
        if (layer == hostLayer()) {
            return "?";
        }
        return layer.modules().stream().map(Module::getName).sorted().collect(Collectors.joining(","));
    }

    private static Throwable rootCause(Throwable t) {
        Throwable c = t;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c;
    }

    static String oneLine(Throwable t) {
        String m = t.getMessage();
        String text = t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
        return text.replaceAll("\\s*\\R\\s*", " ");
    }
}
