package dev.restoreagent.agent.source.cinder;

import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.source.store.DirectoryContainer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Finds backups in a posix/NFS backup repository ({@code backup_posix_path}, or for NFS the
 * share's mount point {@code <backup_mount_point_base>/<md5 of the share>}).
 *
 * <p>A backup lives in its container: Cinder's default {@code id[0:2]/id[2:4]/id}, or a directory
 * the user named, which several backups may share. Inside, its metadata object is the one file
 * named {@code volume_*_backup_<id>_metadata}.
 */
public final class CinderBackupLocator implements BackupLocator {
    private final Path root;

    public CinderBackupLocator(Path root) throws RestoreFailure {
        if (!Files.isDirectory(root)) {
            throw RestoreFailure.badInput("backup root " + root + " is not a directory");
        }
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** Cinder's default container of a backup: {@code id[0:2]/id[2:4]/id}. */
    public static String defaultContainer(String backupId) {
        return backupId.substring(0, 2) + "/" + backupId.substring(2, 4) + "/" + backupId;
    }

    /** {@inheritDoc} The container is a directory relative to the root. */
    @Override
    public LocatedBackup locate(String backupId, String container) throws RestoreFailure {
        BackupIds.check(backupId, "backup id");
        Path dir = containerDir(container == null ? defaultContainer(backupId) : container);
        if (!Files.isDirectory(dir)) {
            throw RestoreFailure.badInput("backup " + backupId + ": container directory " + dir + " does not exist");
        }
        List<Path> found = metadataFilesIn(dir, backupId);
        if (found.isEmpty()) {
            throw RestoreFailure.badInput("backup " + backupId + ": no metadata file volume_*_backup_" + backupId
                    + "_metadata in container " + dir);
        }
        return fromMetadataFile(backupId, found);
    }

    @Override
    public LocatedBackup locate(String backupId, String container, String prefix) throws RestoreFailure {
        BackupIds.check(backupId, "backup id");
        if (prefix.isEmpty() || prefix.contains("/") || prefix.startsWith(".")) {
            throw RestoreFailure.badInput("backup " + backupId + ": service_metadata '" + prefix
                    + "' is not an object prefix");
        }
        DirectoryContainer dir = new DirectoryContainer(containerDir(container));
        LocatedBackup located = new LocatedBackup(backupId, dir, prefix);
        if (!dir.exists(located.metadataName())) {
            throw RestoreFailure.badInput("backup " + backupId + ": metadata file "
                    + dir.describe(located.metadataName()) + " does not exist");
        }
        return located;
    }

    /**
     * {@inheritDoc} In its default container, else anywhere under the root (parents made with a
     * user-named container).
     */
    @Override
    public LocatedBackup locateParent(String parentId, LocatedBackup child, String volumeId) throws RestoreFailure {
        String childId = child.backupId();
        BackupIds.check(parentId, "parent_id of backup " + childId);
        Path defaultDir = containerDir(defaultContainer(parentId));
        if (Files.isDirectory(defaultDir)) {
            List<Path> found = metadataFilesIn(defaultDir, parentId);
            if (!found.isEmpty()) {
                return fromMetadataFile(parentId, found);
            }
        }
        String wanted = "_backup_" + parentId + LocatedBackup.METADATA_SUFFIX;
        List<Path> found;
        try (Stream<Path> walk = Files.walk(root)) {
            found = walk.filter(p -> isMetadataName(p.getFileName().toString(), wanted))
                    .filter(Files::isRegularFile).sorted().collect(Collectors.toList());
        } catch (IOException | UncheckedIOException e) {
            throw RestoreFailure.badInput("cannot search backup root " + root + " for parent backup " + parentId
                    + ": " + e.getMessage(), e);
        }
        if (found.isEmpty()) {
            throw RestoreFailure.badInput("parent backup " + parentId + " of backup " + childId
                    + " not found: not in its default container " + defaultDir + " nor anywhere under " + root);
        }
        return fromMetadataFile(parentId, found);
    }

    private Path containerDir(String container) throws RestoreFailure {
        Path relative = Path.of(container).normalize();
        if (container.isEmpty() || relative.isAbsolute() || relative.startsWith("..")) {
            throw RestoreFailure.badInput("container '" + container + "' is not a directory inside backup root " + root);
        }
        return root.resolve(relative);
    }

    private static List<Path> metadataFilesIn(Path dir, String backupId) throws RestoreFailure {
        String wanted = "_backup_" + backupId + LocatedBackup.METADATA_SUFFIX;
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(p -> isMetadataName(p.getFileName().toString(), wanted)).sorted()
                    .collect(Collectors.toList());
        } catch (IOException | UncheckedIOException e) {
            throw RestoreFailure.badInput("cannot list container " + dir + ": " + e.getMessage(), e);
        }
    }

    private static boolean isMetadataName(String name, String wantedSuffix) {
        return name.startsWith("volume_") && name.endsWith(wantedSuffix);
    }

    private static LocatedBackup fromMetadataFile(String backupId, List<Path> found) throws RestoreFailure {
        if (found.size() > 1) {
            throw RestoreFailure.badInput("backup " + backupId + " has " + found.size() + " metadata files: "
                    + found.stream().map(Path::toString).collect(Collectors.joining(", ")));
        }
        Path file = found.get(0);
        String name = file.getFileName().toString();
        return new LocatedBackup(backupId, new DirectoryContainer(file.getParent()),
                name.substring(0, name.length() - LocatedBackup.METADATA_SUFFIX.length()));
    }
}
