package dev.restoreagent.agent.source.cinder;

import dev.restoreagent.agent.source.store.BackupContainer;

/**
 * Where one backup's objects are: its container and its object-name prefix, Cinder's
 * {@code service_metadata} ({@code volume_<volume id>_<UTC timestamp>_backup_<backup id>} for
 * posix/NFS, {@code volume_<volume id>/<UTC timestamp>/az_<zone>_backup_<backup id>} for Swift and S3).
 *
 * @param note how it was found, where the user should hear it (a parent found outside the containers
 *     Cinder would look in), or null
 */
public record LocatedBackup(String backupId, BackupContainer container, String prefix, String note) {
    /** Suffix of the metadata object. */
    public static final String METADATA_SUFFIX = "_metadata";
    /** Suffix of the sha256 object: the sha256 of every block of the volume, which Cinder's restore never reads. */
    public static final String SHA256_SUFFIX = "_sha256file";

    /** A backup found where it was looked for first. */
    public LocatedBackup(String backupId, BackupContainer container, String prefix) {
        this(backupId, container, prefix, null);
    }

    public String metadataName() {
        return prefix + METADATA_SUFFIX;
    }

    public String sha256Name() {
        return prefix + SHA256_SUFFIX;
    }
}
