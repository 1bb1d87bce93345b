package dev.restoreagent.agent.source.cinder;

import dev.restoreagent.agent.failure.RestoreFailure;

import java.util.Map;

/**
 * A locator that reads a parent where its export record says ({@code --cinder-record} given once per
 * backup of the chain), and looks for the others as the locator it wraps does.
 */
public final class RecordedParents implements BackupLocator {
    private final BackupLocator inner;
    private final Map<String, CinderExportRecord> byBackupId;

    /** @param byBackupId the parents' records by their backups' ids */
    public RecordedParents(BackupLocator inner, Map<String, CinderExportRecord> byBackupId) {
        this.inner = inner;
        this.byBackupId = Map.copyOf(byBackupId);
    }

    @Override
    public LocatedBackup locate(String backupId, String container) throws RestoreFailure {
        return inner.locate(backupId, container);
    }

    @Override
    public LocatedBackup locate(String backupId, String container, String prefix) throws RestoreFailure {
        return inner.locate(backupId, container, prefix);
    }

    @Override
    public LocatedBackup locateParent(String parentId, LocatedBackup child, String volumeId) throws RestoreFailure {
        CinderExportRecord record = byBackupId.get(parentId);
        return record == null ? inner.locateParent(parentId, child, volumeId)
                : inner.locate(parentId, record.container(), record.prefix());
    }
}
