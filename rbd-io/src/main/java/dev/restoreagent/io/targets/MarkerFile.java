package dev.restoreagent.io.targets;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The mark as a small file of its own: beside a regular file whose file system has no user
 * extended attributes, or in the agent's state directory for a block device (device nodes cannot
 * carry user attributes).
 */
public final class MarkerFile implements IncompleteMarker {
    private final Path file;

    public MarkerFile(Path file) {
        this.file = file;
    }

    /** The state-directory mark for {@code device}: {@code <dir>/<path with / as %2F>}. */
    public static MarkerFile forDevice(Path markerDir, Path device) {
        String escaped = device.toAbsolutePath().normalize().toString()
                .replace("%", "%25").replace("/", "%2F");
        return new MarkerFile(markerDir.resolve(escaped));
    }

    @Override
    public void set(String what) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ch.write(ByteBuffer.wrap((what + "\n").getBytes(StandardCharsets.UTF_8)));
            ch.force(true);
        }
        syncDirectory(file.toAbsolutePath().getParent());
    }

    @Override
    public void clear() throws IOException {
        if (Files.deleteIfExists(file)) {
            syncDirectory(file.toAbsolutePath().getParent());
        }
    }

    @Override
    public Optional<String> get() throws IOException {
        try {
            return Optional.of(Files.readString(file, StandardCharsets.UTF_8).strip());
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }

    @Override
    public String describe() {
        return "marker file " + file;
    }

    private static void syncDirectory(Path dir) throws IOException {
        // a created or removed name is durable only once its directory is synced
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
