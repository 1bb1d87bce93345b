package dev.restoreagent.nativeb.rbd;

/**
 * What {@code rbd_stat} tells of an image.
 *
 * @param order object size as a power of two
 * @param blockNamePrefix prefix of the image's data objects, e.g. {@code rbd_data.1234abcd}
 */
public record ImageInfo(long sizeBytes, long objectSizeBytes, long objects, int order, String blockNamePrefix) {
}
