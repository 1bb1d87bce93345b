package dev.restoreagent.agent.source.store;

import dev.restoreagent.agent.failure.RestoreFailure;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;

/**
 * The object stores requests may name ({@code store} in a request): the daemon's are agent.conf's
 * {@code store.<name>.*} sections; a one-shot {@code restore} has the one its options describe.
 * Closing closes them all.
 */
public final class Stores implements AutoCloseable {
    /** No object stores: backups come from directories only. */
    public static final Stores NONE = new Stores(Map.of());

    private final Map<String, ObjectStore> byName;

    public Stores(Map<String, ObjectStore> byName) {
        this.byName = new LinkedHashMap<>(byName);
    }

    /** The store named {@code name}, or a failure naming those there are. */
    public ObjectStore get(String name) throws RestoreFailure {
        ObjectStore store = byName.get(name);
        if (store == null) {
            throw RestoreFailure.badInput("no object store named '" + name + "'"
                    + (byName.isEmpty() ? "; agent.conf names none (store.<name>.type = s3 or swift)"
                    : "; agent.conf names " + String.join(", ", new TreeSet<>(byName.keySet()))));
        }
        return store;
    }

    /** The names, for health and logs. */
    public java.util.Set<String> names() {
        return java.util.Collections.unmodifiableSet(byName.keySet());
    }

    @Override
    public void close() {
        byName.values().forEach(ObjectStore::close);
    }
}
