package dev.restoreagent.agent.source.cinder;

import java.nio.file.Path;

/**
 * Where one backup's files are: its container directory and its object-name prefix
 * ({@code volume_<volume id>_<UTC timestamp>_backup_<backup id>}).
 */
public record LocatedBackup(String backupId, Path containerDir, String prefix) {
    /** Suffix of the metadata object. */
    public static final String METADATA_SUFFIX = "_metadata";
    /** Suffix of the sha256 object: the sha256 of every block of the volume, which Cinder's restore never reads. */
    public static final String SHA256_SUFFIX = "_sha256file";

    public Path metadataFile() {
        return containerDir.resolve(prefix + METADATA_SUFFIX);
    }

    public Path sha256File() {
        return containerDir.resolve(prefix + SHA256_SUFFIX);
    }

    public Path objectFile(String name) {
        return containerDir.resolve(name);
    }
}
