package dev.restoreagent.agent.source.cinder;

import dev.restoreagent.agent.failure.RestoreFailure;

/** Finds backups, and the parents of incremental ones, in one backup repository. */
public interface BackupLocator {
    /**
     * Locates backup {@code backupId} by its metadata object's name, in {@code container}, or in
     * the repository's default container for it when {@code container} is null.
     */
    LocatedBackup locate(String backupId, String container) throws RestoreFailure;

    /** Locates a backup whose container and prefix are known (from an export record). */
    LocatedBackup locate(String backupId, String container, String prefix) throws RestoreFailure;

    /** Locates the parent {@code parentId} of {@code child}, a backup of volume {@code volumeId}. */
    LocatedBackup locateParent(String parentId, LocatedBackup child, String volumeId) throws RestoreFailure;
}
