package dev.restoreagent.nativeb.rbd;

/**
 * A user snapshot of an image, as {@code rbd_snap_list} tells it ({@code rbd snap ls}).
 *
 * @param id the snapshot id: ids grow with each snapshot taken in the pool
 * @param name the name to open it by ({@link RbdImage#openReadOnly})
 * @param sizeBytes the image's size when the snapshot was taken
 */
public record Snapshot(long id, String name, long sizeBytes) {
}
