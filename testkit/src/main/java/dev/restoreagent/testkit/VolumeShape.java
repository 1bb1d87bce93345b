package dev.restoreagent.testkit;

/**
 * How {@link Volumes#write} mixes content: runs of zeros, text-like bytes (compressible) and random bytes
 * (incompressible), with log-uniform run lengths.
 *
 * @param zeroFraction probability that a run is zeros
 * @param textFraction probability that a run is text-like; the rest of the runs are random bytes
 * @param maxRunBytes longest data run; zero runs may be up to 4× longer so that whole chunks and sha blocks
 *     of zeros occur
 */
public record VolumeShape(double zeroFraction, double textFraction, int maxRunBytes) {

    /** 40% zero runs, 30% text runs, 30% random runs, data runs up to 256 KiB. */
    public static final VolumeShape DISK_LIKE = new VolumeShape(0.4, 0.3, 256 * 1024);

    /** Checks that the fractions are probabilities that add up to at most 1 and that runs can be 1 byte long. */
    public VolumeShape {
        if (zeroFraction < 0 || textFraction < 0 || zeroFraction + textFraction > 1) {
            throw new IllegalArgumentException(
                    "fractions must be >= 0 and add up to <= 1: " + zeroFraction + ", " + textFraction);
        }
        if (maxRunBytes < 1) {
            throw new IllegalArgumentException("maxRunBytes must be >= 1: " + maxRunBytes);
        }
    }
}
