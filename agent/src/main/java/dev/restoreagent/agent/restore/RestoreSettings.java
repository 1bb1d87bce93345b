package dev.restoreagent.agent.restore;

import dev.restoreagent.units.Sizes;

import java.time.Duration;

/**
 * How a restore uses memory and threads. Defaults suit a storage node: 8 buffers of 4 MiB in
 * flight (32 MiB, well under librados' 100 MiB {@code objecter_inflight_op_bytes}).
 *
 * @param bufferBytes size of each pooled output buffer
 * @param queueDepth output buffers per restore: decoded and waiting, or in flight
 * @param decoders decode threads, each taking whole objects; 0 picks one per core, at most 4 (never
 *     more than a layer has objects)
 * @param zstdWindowLogMax largest zstd window accepted, as a power of two; 23 (8 MiB) covers every
 *     level up to 19, Cinder writes 21
 * @param targetZeroed the operator vouches that the target reads as zeros
 * @param sourceReadTimeout how long one read of the source may return nothing before the restore
 *     fails: a hung NFS server or object store ends the job instead of holding it and its memory
 */
public record RestoreSettings(int bufferBytes, int queueDepth, int decoders, int zstdWindowLogMax,
                              boolean targetZeroed, Duration sourceReadTimeout) {
    public static final int DEFAULT_BUFFER_BYTES = (int) (4 * Sizes.MIB);
    public static final int DEFAULT_QUEUE_DEPTH = 8;
    public static final int DEFAULT_ZSTD_WINDOW_LOG_MAX = 23;
    /** Smallest buffer the working set is clamped down to. */
    public static final int MIN_BUFFER_BYTES = 64 * 1024;
    /** Longer than NFS's default soft-mount retry (2 x 60 s) would be pointless; shorter trips on a slow disk. */
    public static final int DEFAULT_SOURCE_READ_TIMEOUT_SECONDS = 120;
    public static final Duration DEFAULT_SOURCE_READ_TIMEOUT = Duration.ofSeconds(DEFAULT_SOURCE_READ_TIMEOUT_SECONDS);

    public RestoreSettings {
        if (bufferBytes < MIN_BUFFER_BYTES || bufferBytes % 4096 != 0) {
            throw new IllegalArgumentException("buffer size must be a multiple of 4 KiB and at least 64 KiB: "
                    + bufferBytes);
        }
        if (queueDepth < 1 || queueDepth > 1024) {
            throw new IllegalArgumentException("queue depth must be 1 to 1024: " + queueDepth);
        }
        if (decoders < 0 || decoders > 64) {
            throw new IllegalArgumentException("decoders must be 0 (auto) to 64: " + decoders);
        }
        if (zstdWindowLogMax < 10 || zstdWindowLogMax > 31) {
            throw new IllegalArgumentException("zstd window log must be 10 to 31: " + zstdWindowLogMax);
        }
        if (sourceReadTimeout.isNegative() || sourceReadTimeout.isZero()) {
            throw new IllegalArgumentException("source read timeout must be positive: " + sourceReadTimeout);
        }
    }

    /** Settings with the {@link #DEFAULT_SOURCE_READ_TIMEOUT}. */
    public RestoreSettings(int bufferBytes, int queueDepth, int decoders, int zstdWindowLogMax, boolean targetZeroed) {
        this(bufferBytes, queueDepth, decoders, zstdWindowLogMax, targetZeroed, DEFAULT_SOURCE_READ_TIMEOUT);
    }

    public static RestoreSettings defaults() {
        return new RestoreSettings(DEFAULT_BUFFER_BYTES, DEFAULT_QUEUE_DEPTH, 0, DEFAULT_ZSTD_WINDOW_LOG_MAX, false);
    }

    public RestoreSettings withTargetZeroed(boolean zeroed) {
        return new RestoreSettings(bufferBytes, queueDepth, decoders, zstdWindowLogMax, zeroed, sourceReadTimeout);
    }

    public RestoreSettings withSourceReadTimeout(Duration timeout) {
        return new RestoreSettings(bufferBytes, queueDepth, decoders, zstdWindowLogMax, targetZeroed, timeout);
    }
}
