package dev.restoreagent.fuzz;

import dev.restoreagent.agent.source.store.BackupContainer;
import dev.restoreagent.agent.source.store.NoSuchObjectException;
import dev.restoreagent.agent.source.store.StoredDigest;

import java.io.ByteArrayInputStream;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A container of objects held in memory, read as an object store's are: one stream per open, its size
 * not known up front. What the fuzz targets hand a parser that reads objects by name.
 */
public final class MemoryContainer implements BackupContainer {
    private final Map<String, byte[]> objects;

    public MemoryContainer(Map<String, byte[]> objects) {
        this.objects = Map.copyOf(objects);
    }

    @Override
    public String describe() {
        return "container memory";
    }

    @Override
    public String describe(String name) {
        return "memory/" + name;
    }

    @Override
    public SortedSet<String> list(String prefix) {
        SortedSet<String> names = new TreeSet<>();
        objects.keySet().stream().filter(n -> n.startsWith(prefix)).forEach(names::add);
        return names;
    }

    @Override
    public boolean exists(String name) {
        return objects.containsKey(name);
    }

    @Override
    public ReadableByteChannel open(String name, StoredDigest digest) throws NoSuchObjectException {
        byte[] bytes = objects.get(name);
        if (bytes == null) {
            throw new NoSuchObjectException(describe(name) + " does not exist");
        }
        return Channels.newChannel(new ByteArrayInputStream(bytes));
    }
}
