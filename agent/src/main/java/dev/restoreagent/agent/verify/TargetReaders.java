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
}
