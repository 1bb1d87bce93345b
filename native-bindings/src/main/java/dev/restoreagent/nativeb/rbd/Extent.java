package dev.restoreagent.nativeb.rbd;

/**
 * A byte range of an image that {@link RbdImage#extents} reports: {@code [offset, offset + length)}.
 *
 * @param exists true when the range holds data; false when it was deleted (discarded) relative to
 *     the start of the comparison. Listing from the image's creation, as {@code extents} does,
 *     reports ranges that hold data, so this is true for all of them in practice
 */
public record Extent(long offset, long length, boolean exists) {
}
