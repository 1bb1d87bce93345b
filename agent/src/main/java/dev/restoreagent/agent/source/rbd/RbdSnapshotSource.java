package dev.restoreagent.agent.source.rbd;

import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.source.Codec;
import dev.restoreagent.agent.source.Layer;
import dev.restoreagent.agent.source.RestoreSource;
import dev.restoreagent.agent.source.SourceObject;
import dev.restoreagent.agent.source.ZeroChannel;
import dev.restoreagent.io.rbd.RbdConnection;
import dev.restoreagent.nativeb.Errno;
import dev.restoreagent.nativeb.NativeIoException;
import dev.restoreagent.nativeb.rados.IoContext;
import dev.restoreagent.nativeb.rbd.Extent;
import dev.restoreagent.nativeb.rbd.RbdImage;
import dev.restoreagent.nativeb.rbd.Snapshot;

import java.util.ArrayList;
import java.util.List;

/**
 * An RBD snapshot (or an image's head, read-only) as a restore's source: one base layer whose objects
 * are its allocated extents, read with librbd into the pooled buffers, and the holes between them,
 * which read as zeros. The extents come from {@code rbd_diff_iterate2} at object granularity (the
 * fast-diff object map where the image has a valid one), cut into pieces of at most
 * {@link #PIECE_BYTES} so that several decode threads read at once and checkpoints advance; the same
 * snapshot always gives the same pieces, so a resumed restore skips exactly what was done.
 *
 * <p>A Ceph-driver backup carries no checksum: nothing is verified on the way; {@code verify_after}
 * compares the target with the snapshot.
 */
public final class RbdSnapshotSource {
    /** The most bytes one object of the layer covers. */
    static final long PIECE_BYTES = 32L << 20;

    private RbdSnapshotSource() {
    }

    /**
     * Opens {@code spec} read-only on {@code cluster} and lists its extents; reads no data.
     *
     * @param clusterName how messages name the cluster: {@code backup cluster /etc/ceph/backup.conf as client.x}
     * @param layerId the layer's name in progress and the mark: the backup id, or the spec
     * @param description the source for people
     * @throws RestoreFailure naming the pool, image, snapshot and cluster: missing, refused, unreachable
     */
    public static RestoreSource open(RbdConnection cluster, String clusterName, RbdSnapshotSpec spec, String layerId,
                                     String description) throws RestoreFailure {
        String where = spec + " in " + clusterName;
        IoContext pool;
        try {
            pool = cluster.openPool(spec.pool(), spec.namespace());
        } catch (NativeIoException e) {
            throw RestoreFailure.badInput("cannot open pool " + spec.pool() + " of " + clusterName + ": "
                    + (Errno.ENOENT.is(e.errno()) ? "it does not exist" : e.getMessage()), e);
        }
        RbdImage image = null;
        try {
            image = RbdImage.openReadOnly(pool, spec.image(), spec.snapshot());
            List<Extent> extents = image.extents(0, image.sizeBytes(), true);
            String objectsOf = layerId.equals(spec.toString()) ? "image" : "backup " + layerId;
            RbdImage opened = image;
            Layer layer = new Layer(layerId, true, objects(image.sizeBytes(), spec, objectsOf, extents,
                    (offset, length) -> new RbdExtent(opened, offset, length)));
            return new RestoreSource(description + " (" + where + ")", layerId, List.of(layer), image.sizeBytes(),
                    image.sizeBytes(), "none: the Ceph driver's backups carry no checksum (verify_after compares the"
                    + " target with the snapshot)", List.of(), List.of(image, pool), 0,
                    stillThere(pool, spec, snapshotId(pool, spec), where), true);
        } catch (NativeIoException e) {
            closeQuietly(image);
            pool.close();
            throw RestoreFailure.badInput("cannot read " + where + ": " + why(e, spec), e);
        } catch (RuntimeException e) {
            closeQuietly(image);
            pool.close();
            throw e;
        }
    }

    /** The id of {@code spec}'s snapshot, or -1 for an image's head. */
    private static long snapshotId(IoContext pool, RbdSnapshotSpec spec) throws NativeIoException {
        if (spec.snapshot() == null) {
            return -1;
        }
        try (RbdImage head = RbdImage.openReadOnly(pool, spec.image(), null)) {
            return head.snapshots().stream().filter(s -> s.name().equals(spec.snapshot())).mapToLong(Snapshot::id)
                    .findFirst().orElse(-1);
        }
    }

    /**
     * After the restore: the snapshot it read is still the one it opened. librbd goes on reading a snapshot
     * deleted under an open handle, as zeros: a backup deleted during its restore must fail it, not leave a
     * target of zeros marked complete.
     */
    private static RestoreSource.Confirmation stillThere(IoContext pool, RbdSnapshotSpec spec, long id, String where) {
        if (spec.snapshot() == null) {
            return RestoreSource.Confirmation.NONE;
        }
        return () -> {
            boolean there;
            try (RbdImage head = RbdImage.openReadOnly(pool, spec.image(), null)) {
                there = head.snapshots().stream().anyMatch(s -> s.id() == id && s.name().equals(spec.snapshot()));
            } catch (NativeIoException e) {
                throw RestoreFailure.badInput("cannot confirm " + where + " is still there after reading it: "
                        + e.getMessage(), e);
            }
            if (!there) {
                throw RestoreFailure.badInput(where + " was deleted during the restore (was the backup deleted?):"
                        + " what was read after that is not the backup; the target stays marked incomplete");
            }
        };
    }

    private static String why(NativeIoException e, RbdSnapshotSpec spec) {
        if (Errno.ENOENT.is(e.errno())) {
            return spec.snapshot() == null ? "no such image" : "no such image or snapshot";
        }
        if (Errno.EPERM.is(e.errno()) || Errno.EACCES.is(e.errno())) {
            return "refused: the user's caps do not allow reading pool " + spec.pool() + " (" + e.getMessage() + ")";
        }
        return e.getMessage();
    }

    /** The bytes of one allocated range. */
    @FunctionalInterface
    interface RangeOpener {
        SourceObject.Opener open(long offset, long length);
    }

    /**
     * The layer's objects: each allocated extent and each hole, in pieces, in order, covering
     * {@code [0, sizeBytes)}; the same extents always give the same objects.
     */
    static List<SourceObject> objects(long sizeBytes, RbdSnapshotSpec spec, String where, List<Extent> extents,
                                      RangeOpener data) {
        List<SourceObject> objects = new ArrayList<>();
        long at = 0;
        for (Extent extent : extents) {
            long from = Math.max(at, extent.offset());
            long end = Math.min(sizeBytes, extent.offset() + extent.length());
            if (!extent.exists() || end <= from) {
                continue;
            }
            pieces(objects, spec, where, at, from - at, null);
            pieces(objects, spec, where, from, end - from, data);
            at = end;
        }
        pieces(objects, spec, where, at, sizeBytes - at, null);
        return objects;
    }

    /** Pieces of {@code [offset, offset + length)}: read through {@code data}, or zeros when it is null. */
    private static void pieces(List<SourceObject> objects, RbdSnapshotSpec spec, String where, long offset, long length,
                               RangeOpener data) {
        for (long done = 0; done < length; done += PIECE_BYTES) {
            long from = offset + done;
            long bytes = Math.min(PIECE_BYTES, length - done);
            String name = spec + (data != null ? "" : " (unallocated)") + " bytes " + from + "-" + (from + bytes - 1);
            objects.add(new SourceObject(name, where, from, bytes, null, null, Codec.NONE,
                    data != null ? data.open(from, bytes) : ZeroChannel.opener(bytes)));
        }
    }

    private static void closeQuietly(RbdImage image) {
        if (image != null) {
            try {
                image.close();
            } catch (NativeIoException e) {
                // the failure that brought us here is the one to report
            }
        }
    }
}
