package dev.nova.host.cluster.protocol;

import java.util.Map;

/** Typed reads of the protocol's maps, with one-line errors naming the key. */
final class Maps {

    private Maps() {
    }

    static <T> T get(Map<String, ?> m, String key, Class<T> type) {
        Object v = m.get(key);
        if (!type.isInstance(v)) {
            throw new IllegalArgumentException("cluster protocol: '" + key + "' must be a " + type.getSimpleName()
                    + ", found " + (v == null ? "nothing" : v.getClass().getSimpleName()));
        }
        return type.cast(v);
    }
}
