package dev.restoreagent.agent.source.store;

import dev.restoreagent.nativeb.libc.RegularFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.ReadableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** A posix/NFS container: a directory whose files are the objects. */
public final class DirectoryContainer implements BackupContainer {
    private final Path dir;

    public DirectoryContainer(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    @Override
    public String describe() {
        return "container " + dir;
    }

    @Override
    public String describe(String name) {
        return dir.resolve(name).toString();
    }

    @Override
    public SortedSet<String> list(String prefix) throws IOException {
        try (Stream<Path> list = Files.list(dir)) {
            return list.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(prefix))
                    .collect(Collectors.toCollection(TreeSet::new));
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    @Override
    public boolean exists(String name) {
        return Files.isRegularFile(dir.resolve(name));
    }

    /** {@inheritDoc} A file has no digest of its own: {@code digest} changes nothing. */
    @Override
    public ReadableByteChannel open(String name, StoredDigest digest) throws IOException {
        if (name.indexOf('/') >= 0) {
            throw new NoSuchObjectException(dir + " holds files, not object " + name);
        }
        // objects are plain files in the container: a symlink could lead anywhere, and the open of
        // a FIFO or a device could block for ever
        try {
            return RegularFile.openForReading(dir.resolve(name));
        } catch (NoSuchFileException e) {
            throw new NoSuchObjectException(dir.resolve(name) + " does not exist");
        }
    }
}
