package dev.restoreagent.agent.verify;

import dev.restoreagent.io.rbd.RbdConnection;
import dev.restoreagent.io.rbd.RbdImageSpec;

import java.io.IOException;
import java.nio.file.Path;

/** Opens a target for reading back, the way {@code --to} names it. */
public final class TargetReaders {
    private TargetReaders() {
    }

    public static boolean isRbd(String target) {
        return RbdImageSpec.isRbd(target);
    }

    /** @param connection the cluster, for an {@code rbd:} target; null otherwise */
    public static TargetReader open(String target, RbdConnection connection) throws IOException {
        return isRbd(target) ? new RbdReader(connection, RbdImageSpec.parse(target)) : new FileReader(Path.of(target));
    }

    /**
     * An RBD image at {@code snapshot} (its head when null), read-only: the source a restore of a
     * snapshot is compared with.
     *
     * @param name how messages name it: {@code backups/volume-x.backup.y@backup.z.snap.1}
     */
    public static TargetReader snapshot(RbdConnection connection, String pool, String namespace, String image,
                                        String snapshot, String name) throws IOException {
        return new RbdReader(connection, pool, namespace, image, snapshot, name);
    }
}
