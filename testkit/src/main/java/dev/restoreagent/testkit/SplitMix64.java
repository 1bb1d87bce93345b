package dev.restoreagent.testkit;

/**
 * SplitMix64 (Steele, Lea, Flood 2014): a tiny generator whose output is fully specified, so test volumes are
 * the same on every JVM and platform. Not thread-safe.
 */
final class SplitMix64 {
    private long state;

    SplitMix64(long seed) {
        this.state = seed;
    }

    long nextLong() {
        long z = (state += 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** Uniform in {@code [0, bound)}; the modulo bias is irrelevant for test data. */
    long nextLong(long bound) {
        return (nextLong() >>> 1) % bound;
    }

    /** Uniform in {@code [0, 1)}. */
    double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /**
     * Log-uniform in {@code [1, max]}: short lengths are as likely per octave as long ones. StrictMath keeps it
     * reproducible across platforms.
     */
    long logUniform(long max) {
        long v = (long) StrictMath.exp(nextDouble() * StrictMath.log(max));
        return Math.max(1, Math.min(max, v));
    }

    void nextBytes(byte[] buf, int off, int len) {
        int i = off;
        int end = off + len;
        while (i < end) {
            long r = nextLong();
            for (int k = 0; k < 8 && i < end; k++, r >>>= 8) {
                buf[i++] = (byte) r;
            }
        }
    }
}
