package dev.restoreagent.agent.source.rbd;

import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.io.rbd.RbdConnection;
import dev.restoreagent.nativeb.Errno;
import dev.restoreagent.nativeb.NativeIoException;
import dev.restoreagent.nativeb.rados.IoContext;
import dev.restoreagent.nativeb.rbd.RbdImage;
import dev.restoreagent.nativeb.rbd.Snapshot;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds where Cinder's Ceph driver wrote a backup, as its own code names things: a snapshot
 * {@code backup.<backup id>.snap.<time>} of a base image {@code volume-<volume id>.backup.<first backup id>}
 * (every backup of an RBD volume, full or incremental: the snapshot holds the whole volume), else a
 * full copy without a snapshot at {@code volume-<volume id>.backup.<backup id>} (a non-RBD volume),
 * else at the legacy {@code volume-<volume id>.backup.base}. One snapshot per backup id: more is an error,
 * as in Cinder.
 */
public final class CephDriverLocator {
    /** Cinder's {@code backup_snapshot_name_pattern()}. */
    private static final Pattern SNAPSHOT = Pattern.compile("^backup\\.([a-z0-9\\-]+?)\\.snap\\.(.+)$");

    private CephDriverLocator() {
    }

    /**
     * The image and snapshot holding {@code backup} in pool {@code poolName} of {@code cluster}.
     *
     * @param clusterName how messages name the cluster
     * @throws RestoreFailure naming what was looked for where, or the snapshots that make it ambiguous
     */
    public static RbdSnapshotSpec locate(RbdConnection cluster, String clusterName, String poolName,
                                         CephDriverBackup backup) throws RestoreFailure {
        String where = "pool " + poolName + " of " + clusterName;
        try (IoContext pool = cluster.openPool(poolName, null)) {
            return locate(pool, where, backup);
        } catch (NativeIoException e) {
            throw RestoreFailure.badInput("cannot open " + where + ": " + (Errno.ENOENT.is(e.errno())
                    ? "it does not exist" : e.getMessage()), e);
        }
    }

    private static RbdSnapshotSpec locate(IoContext pool, String where, CephDriverBackup backup) throws RestoreFailure {
        String what = "backup " + backup.backupId() + " of volume " + backup.volumeId();
        try {
            if (backup.base() != null) {
                List<String> snaps = snapshotsOf(pool, backup.base(), backup.backupId());
                if (snaps == null) {
                    throw RestoreFailure.badInput(what + ": its base image " + backup.base()
                            + " (service_metadata) does not exist in " + where);
                }
                if (snaps.size() == 1) {
                    return spec(pool, backup.base(), snaps.get(0));
                }
                if (snaps.size() > 1) {
                    throw ambiguous(what, backup.base(), snaps);
                }
                if (!backup.base().equals(fullCopyName(backup))) {
                    throw RestoreFailure.badInput(what + ": its base image " + backup.base() + " in " + where
                            + " has no snapshot backup." + backup.backupId() + ".snap.* (was the backup deleted?)");
                }
                return spec(pool, backup.base(), null);
            }
            String prefix = "volume-" + backup.volumeId() + ".backup.";
            List<String> images = RbdImage.list(pool).stream().filter(name -> name.startsWith(prefix)).toList();
            List<RbdSnapshotSpec> found = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (String image : images) {
                List<String> snaps = snapshotsOf(pool, image, backup.backupId());
                for (String snap : snaps == null ? List.<String>of() : snaps) {
                    found.add(spec(pool, image, snap));
                    names.add(image + "@" + snap);
                }
            }
            if (found.size() > 1) {
                throw RestoreFailure.badInput(what + " has " + found.size() + " snapshots in " + where + " ("
                        + String.join(", ", names) + "); Cinder allows one per backup");
            }
            if (found.size() == 1) {
                return found.get(0);
            }
            for (String name : List.of(fullCopyName(backup), prefix + "base")) {
                if (images.contains(name)) {
                    return spec(pool, name, null);
                }
            }
            throw RestoreFailure.badInput(what + " is not in " + where + ": no image " + prefix + "* has a snapshot"
                    + " backup." + backup.backupId() + ".snap.*, and there is no " + fullCopyName(backup) + " nor "
                    + prefix + "base");
        } catch (NativeIoException e) {
            throw RestoreFailure.badInput("cannot look for " + what + " in " + where + ": " + e.getMessage(), e);
        }
    }

    /** Where the driver copies a full backup of a non-RBD volume. */
    private static String fullCopyName(CephDriverBackup backup) {
        return "volume-" + backup.volumeId() + ".backup." + backup.backupId();
    }

    /** The snapshots of {@code image} that belong to {@code backupId}; null when there is no such image. */
    private static List<String> snapshotsOf(IoContext pool, String image, String backupId) throws NativeIoException {
        List<Snapshot> snapshots;
        try (RbdImage opened = RbdImage.openReadOnly(pool, image, null)) {
            snapshots = opened.snapshots();
        } catch (NativeIoException e) {
            if (Errno.ENOENT.is(e.errno())) {
                return null;
            }
            throw e;
        }
        List<String> mine = new ArrayList<>();
        for (Snapshot snapshot : snapshots) {
            Matcher m = SNAPSHOT.matcher(snapshot.name());
            if (m.matches() && m.group(1).equals(backupId)) {
                mine.add(snapshot.name());
            }
        }
        return mine;
    }

    private static RestoreFailure ambiguous(String what, String image, List<String> snaps) {
        return RestoreFailure.badInput(what + " has " + snaps.size() + " snapshots on " + image + " ("
                + String.join(", ", snaps) + "); Cinder allows one per backup");
    }

    private static RbdSnapshotSpec spec(IoContext pool, String image, String snapshot) {
        return new RbdSnapshotSpec(pool.pool(), pool.namespace() == null || pool.namespace().isEmpty() ? null
                : pool.namespace(), image, snapshot);
    }
}
