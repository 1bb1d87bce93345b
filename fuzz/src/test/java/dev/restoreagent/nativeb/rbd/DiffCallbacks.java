package dev.restoreagent.nativeb.rbd;

import java.util.List;

/** What {@link RbdImage#extents} makes of the ranges {@code rbd_diff_iterate2} called back with, for a fuzz target. */
public final class DiffCallbacks {
    private DiffCallbacks() {
    }

    /** The extents {@code reported}, in the order librbd called back with them, collected and merged. */
    public static List<Extent> merged(List<Extent> reported) {
        DiffIterations.Collector collector = new DiffIterations.Collector();
        for (Extent extent : reported) {
            collector.add(extent.offset(), extent.length(), extent.exists());
        }
        return collector.merged();
    }
}
