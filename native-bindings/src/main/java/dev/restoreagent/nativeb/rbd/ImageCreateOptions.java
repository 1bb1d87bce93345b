package dev.restoreagent.nativeb.rbd;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How {@link RbdImage#create} makes an image, as {@code rbd create} takes it.
 *
 * @param order object size as a power of two (22 = 4 MiB), or 0 for the cluster's default
 * @param features {@code RBD_FEATURE_*} bits, or 0 for the cluster's {@code rbd_default_features}
 * @param dataPool a separate pool for the data objects (an erasure-coded one, typically), or null
 */
public record ImageCreateOptions(int order, long features, String dataPool) {
    /** The cluster's defaults, in 4 MiB objects. */
    public static final ImageCreateOptions DEFAULTS = new ImageCreateOptions(22, 0, null);

    /** The feature names {@code rbd create --image-feature} takes, and their bits. */
    private static final Map<String, Long> FEATURES = featureNames();

    public ImageCreateOptions {
        if (order != 0 && (order < 12 || order > 26)) {
            throw new IllegalArgumentException("the object size must be a power of two from 4 KiB to 64 MiB");
        }
        if (dataPool != null && dataPool.isEmpty()) {
            throw new IllegalArgumentException("the data pool must be named");
        }
    }

    private static Map<String, Long> featureNames() {
        Map<String, Long> bits = new LinkedHashMap<>();
        bits.put("layering", 1L);
        bits.put("striping", 2L);
        bits.put("exclusive-lock", 4L);
        bits.put("object-map", 8L);
        bits.put("fast-diff", 16L);
        bits.put("deep-flatten", 32L);
        bits.put("journaling", 64L);
        return bits;
    }

    /**
     * The bits of {@code names} (each a name {@code rbd} knows, or a comma-separated list of
     * them), or 0 for none.
     *
     * @throws IllegalArgumentException naming an unknown feature and the known ones
     */
    public static long featureBits(List<String> names) {
        long bits = 0;
        for (String list : names) {
            for (String name : list.split(",")) {
                Long bit = FEATURES.get(name.trim().toLowerCase(Locale.ROOT));
                if (bit == null) {
                    throw new IllegalArgumentException("unknown RBD feature '" + name.trim() + "' (known: "
                            + String.join(", ", FEATURES.keySet()) + ")");
                }
                bits |= bit;
            }
        }
        return bits;
    }

    /**
     * The order of an object size in bytes.
     *
     * @throws IllegalArgumentException if it is not a power of two from 4 KiB to 64 MiB
     */
    public static int order(long objectSizeBytes) {
        if (Long.bitCount(objectSizeBytes) != 1 || objectSizeBytes < 4096 || objectSizeBytes > (64L << 20)) {
            throw new IllegalArgumentException("the object size must be a power of two from 4 KiB to 64 MiB: "
                    + objectSizeBytes);
        }
        return Long.numberOfTrailingZeros(objectSizeBytes);
    }
}
