package dev.nova.host.internal.discovery;

import dev.nova.api.GeneratorProvider;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Every plugin found, loaded or refused, in discovery order.
 *
 * @param entries the plugins
 */
public record PluginCatalog(List<PluginEntry> entries) {

    /** Copies the entries. */
    public PluginCatalog {
        entries = List.copyOf(entries);
    }

    /** The loaded plugins by id. */
    public Map<String, PluginEntry> loaded() {
        Map<String, PluginEntry> map = new LinkedHashMap<>();
        for (PluginEntry e : entries) {
            if (e.isLoaded()) {
                map.put(e.info().orElseThrow().id(), e);
            }
        }
        return map;
    }

    /** The refused plugins. */
    public List<PluginEntry> refused() {
        return entries.stream().filter(e -> !e.isLoaded()).toList();
    }

    /**
     * The loaded plugin with this id.
     *
     * @param id the plugin id
     * @return its entry, if loaded
     */
    public Optional<PluginEntry> find(String id) {
        return Optional.ofNullable(loaded().get(id));
    }

    /**
     * The loaded plugin with this id, or a usage error that lists the known ids and any refusal of that id.
     *
     * @param id the plugin id
     * @return its provider
     */
    public GeneratorProvider require(String id) {
        PluginEntry e = loaded().get(id);
        if (e != null) {
            return e.provider().orElseThrow();
        }
        Optional<PluginEntry> refused = refused().stream()
                .filter(r -> r.info().map(i -> i.id().equals(id)).orElse(false)).findFirst();
        if (refused.isPresent()) {
            throw new dev.nova.host.internal.support.UsageException("plugin '" + id + "' is installed but was refused: "
                    + refused.get().problem().orElseThrow());
        }
        throw new dev.nova.host.internal.support.UsageException("no plugin with id '" + id + "'; installed: "
                + (loaded().isEmpty() ? "none" : loaded().keySet().stream().collect(Collectors.joining(", ")))
                + " (see 'nova plugins')");
    }
}
