package dev.restoreagent.io.targets;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;
import java.util.Optional;

/**
 * The mark as the extended attribute {@code user.restore-agent.incomplete} of a regular file, so
 * it travels with the file and {@code getfattr -n user.restore-agent.incomplete FILE} shows it.
 * Where the file system has no user attributes, the mark falls back to a {@link MarkerFile}
 * {@code FILE.restore-agent-incomplete} beside it.
 */
public final class XattrMarker implements IncompleteMarker {
    /** The attribute name without the {@code user.} namespace, as the JDK's view wants it. */
    public static final String ATTRIBUTE = "restore-agent.incomplete";
    /** Suffix of the fallback marker file. */
    public static final String SIDECAR_SUFFIX = ".restore-agent-incomplete";

    private final Path file;
    private final MarkerFile sidecar;

    public XattrMarker(Path file) {
        this.file = file;
        this.sidecar = new MarkerFile(file.resolveSibling(file.getFileName() + SIDECAR_SUFFIX));
    }

    @Override
    public void set(String what) throws IOException {
        UserDefinedFileAttributeView view = view();
        if (view == null) {
            sidecar.set(what);
            return;
        }
        try {
            view.write(ATTRIBUTE, ByteBuffer.wrap(what.getBytes(StandardCharsets.UTF_8)));
        } catch (FileSystemException e) {
            // EOPNOTSUPP from a file system without user xattrs (older tmpfs, some NFS)
            sidecar.set(what);
        }
    }

    @Override
    public void clear() throws IOException {
        UserDefinedFileAttributeView view = view();
        if (view != null && readAttribute(view).isPresent()) {
            view.delete(ATTRIBUTE);
        }
        sidecar.clear();
    }

    @Override
    public Optional<String> get() throws IOException {
        UserDefinedFileAttributeView view = view();
        Optional<String> mark = view == null ? Optional.empty() : readAttribute(view);
        return mark.isPresent() ? mark : sidecar.get();
    }

    @Override
    public String describe() {
        return "extended attribute user." + ATTRIBUTE + " of " + file;
    }

    private UserDefinedFileAttributeView view() {
        return Files.getFileAttributeView(file, UserDefinedFileAttributeView.class);
    }

    private static Optional<String> readAttribute(UserDefinedFileAttributeView view) throws IOException {
        try {
            if (!view.list().contains(ATTRIBUTE)) {
                return Optional.empty();
            }
            ByteBuffer value = ByteBuffer.allocate(view.size(ATTRIBUTE));
            view.read(ATTRIBUTE, value);
            return Optional.of(new String(value.array(), 0, value.position(), StandardCharsets.UTF_8));
        } catch (FileSystemException e) {
            return Optional.empty();
        }
    }
}
