package dev.restoreagent.agent.source.cinder;

import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.source.store.BackupContainer;
import dev.restoreagent.agent.source.store.ObjectStore;

import java.io.IOException;
import java.util.List;
import java.util.SortedSet;
import java.util.stream.Collectors;

/**
 * Finds backups in a Swift or S3 store, where Cinder's prefix is
 * {@code volume_<volume id>/<UTC YYYYmmddHHMMSS>/az_<zone>_backup_<backup id>}: the time cannot be
 * derived from the ids, so a backup without its export record is found by listing its container
 * for {@code ..._backup_<id>_metadata}; a parent, by listing its volume's objects.
 */
public final class ObjectStoreLocator implements BackupLocator {
    private final ObjectStore store;

    public ObjectStoreLocator(ObjectStore store) {
        this.store = store;
    }

    @Override
    public LocatedBackup locate(String backupId, String container) throws RestoreFailure {
        BackupIds.check(backupId, "backup id");
        BackupContainer in = store.container(container == null ? ObjectStore.DEFAULT_CONTAINER : container);
        LocatedBackup found = find(backupId, in, "volume_");
        if (found == null) {
            throw RestoreFailure.badInput("backup " + backupId + ": no metadata object volume_*_backup_" + backupId
                    + "_metadata in " + in.describe());
        }
        return found;
    }

    @Override
    public LocatedBackup locate(String backupId, String container, String prefix) throws RestoreFailure {
        BackupIds.check(backupId, "backup id");
        if (prefix.isEmpty() || prefix.startsWith("/") || List.of(prefix.split("/", -1)).contains("..")) {
            throw RestoreFailure.badInput("backup " + backupId + ": service_metadata '" + prefix
                    + "' is not an object prefix");
        }
        BackupContainer in = store.container(container == null ? ObjectStore.DEFAULT_CONTAINER : container);
        LocatedBackup located = new LocatedBackup(backupId, in, prefix);
        boolean there;
        try {
            there = in.exists(located.metadataName());
        } catch (IOException e) {
            throw RestoreFailure.badInput("backup " + backupId + ": " + e.getMessage(), e);
        }
        if (!there) {
            throw RestoreFailure.badInput("backup " + backupId + ": metadata object "
                    + in.describe(located.metadataName()) + " does not exist");
        }
        return located;
    }

    /**
     * {@inheritDoc} Among its volume's objects in the child's container, then in the default
     * container (where Cinder puts a backup whose request named none), then in every other container
     * the store's credentials can list: a full backup made with a container of its own leaves its
     * incrementals in the default one, and Cinder finds it through its database, which the agent
     * has not. A parent found so says where, in a note.
     */
    @Override
    public LocatedBackup locateParent(String parentId, LocatedBackup child, String volumeId) throws RestoreFailure {
        BackupIds.check(parentId, "parent_id of backup " + child.backupId());
        String volumePrefix = "volume_" + volumeId + "/";
        LocatedBackup found = find(parentId, child.container(), volumePrefix);
        BackupContainer fallback = store.container(ObjectStore.DEFAULT_CONTAINER);
        if (found == null && !fallback.describe().equals(child.container().describe())) {
            found = find(parentId, fallback, volumePrefix);
        }
        if (found != null) {
            return found;
        }
        String notFound = "parent backup " + parentId + " of backup " + child.backupId() + " not found: no "
                + volumePrefix + "*_backup_" + parentId + "_metadata in " + child.container().describe()
                + " nor in the default container " + ObjectStore.DEFAULT_CONTAINER;
        SortedSet<String> others;
        try {
            others = store.containers();
        } catch (IOException e) {
            throw RestoreFailure.badInput(notFound + ", and the others cannot be listed (" + e.getMessage()
                    + "); give the parent's export record too (--cinder-record, parent_records)", e);
        }
        for (String name : others) {
            BackupContainer other = store.container(name);
            if (other.describe().equals(child.container().describe()) || other.describe().equals(fallback.describe())) {
                continue;
            }
            LocatedBackup there = find(parentId, other, volumePrefix);
            if (there != null) {
                return new LocatedBackup(parentId, other, there.prefix(), "parent backup " + parentId + " of backup "
                        + child.backupId() + " is in " + other.describe() + ", found by listing the store's "
                        + others.size() + " containers (its export record names it at once)");
            }
        }
        throw RestoreFailure.badInput(notFound + " nor in any of the " + others.size() + " others the store lists;"
                + " give the parent's export record too (--cinder-record, parent_records)");
    }

    private static LocatedBackup find(String backupId, BackupContainer in, String listPrefix) throws RestoreFailure {
        String suffix = "_backup_" + backupId + LocatedBackup.METADATA_SUFFIX;
        List<String> names;
        try {
            names = in.list(listPrefix).stream().filter(n -> n.endsWith(suffix)).collect(Collectors.toList());
        } catch (IOException e) {
            throw RestoreFailure.badInput("backup " + backupId + ": " + e.getMessage(), e);
        }
        if (names.size() > 1) {
            throw RestoreFailure.badInput("backup " + backupId + " has " + names.size() + " metadata objects in "
                    + in.describe() + ": " + String.join(", ", names));
        }
        if (names.isEmpty()) {
            return null;
        }
        String name = names.get(0);
        return new LocatedBackup(backupId, in, name.substring(0, name.length() - LocatedBackup.METADATA_SUFFIX.length()));
    }
}
