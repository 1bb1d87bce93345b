package dev.restoreagent.agent.restore;

import dev.restoreagent.agent.source.Codec;
import dev.restoreagent.units.Sizes;

import java.util.Set;

/**
 * The memory one restore holds for its whole run, all of it taken from the budget before the
 * first byte is read: per decoder an input buffer, the codec's own memory (zstd window, bzip2
 * tables) and an object store's receive buffers, plus the output buffers, each with the source's
 * own copy of a read in flight into it where the source keeps one (librados).
 *
 * @param decoderBytes memory of one decoder, the largest of the codecs in use
 * @param readCopyBytes what the source holds beside each buffer a read is in flight into, at most a
 *     buffer's worth ({@link dev.restoreagent.agent.source.RestoreSource#readCopyBytes()})
 */
public record WorkingSet(int decoders, int buffersPerDecoder, int bufferBytes, int inputBufferBytes,
                         long decoderBytes, int readCopyBytes) {
    /** Compressed input is read this much at a time. */
    public static final int INPUT_BUFFER_BYTES = 256 * 1024;

    public long totalBytes() {
        return decoders * (decoderBytes + inputBufferBytes
                + (long) buffersPerDecoder * (bufferBytes + Math.min(bufferBytes, readCopyBytes)));
    }

    /** Output buffers in all: the queue depth after clamping. */
    public int queueDepth() {
        return decoders * buffersPerDecoder;
    }

    /**
     * Native or heap memory one decoder of {@code codec} may use at most. zstd: the window, its
     * block buffers and context. bzip2: commons-compress's tables for 900k blocks (about 4.6 MB of
     * int and byte arrays) and the staging array. zlib: ISA-L's inflate_state (85 KiB, native);
     * java.util.zip's 32 KiB window and state take less.
     */
    static long decoderBytes(Codec codec, int zstdWindowLogMax) {
        return switch (codec) {
            case NONE -> 0;
            case ZLIB -> 96 * Sizes.KIB;
            case GZIP -> 128 * Sizes.KIB;
            case BZIP2 -> 5 * Sizes.MIB;
            case ZSTD -> (1L << zstdWindowLogMax) + 512 * Sizes.KIB;
        };
    }

    /**
     * The working set for a restore of {@code codecs} with {@code settings}, clamped to
     * {@code budgetBytes}: first fewer decode threads, then fewer buffers, then smaller ones. A
     * working set larger than the whole budget is shrunk, never refused, down to one decoder with
     * one 64 KiB buffer.
     *
     * @param maxUsefulDecoders the most objects a layer has: more threads than that idle
     * @param readerBytes what each decoder's open object holds besides its input buffer
     *     ({@link dev.restoreagent.agent.source.RestoreSource#readerBytes()})
     * @throws IllegalArgumentException if even the smallest working set exceeds the budget
     */
    public static WorkingSet plan(RestoreSettings settings, Set<Codec> codecs, int maxUsefulDecoders,
                                  long budgetBytes, int cores, int readerBytes) {
        return plan(settings, codecs, maxUsefulDecoders, budgetBytes, cores, readerBytes, 0);
    }

    /**
     * The same for a source that keeps a copy of each read in flight, of up to {@code readCopyBytes}
     * ({@link dev.restoreagent.agent.source.RestoreSource#readCopyBytes()}).
     */
    public static WorkingSet plan(RestoreSettings settings, Set<Codec> codecs, int maxUsefulDecoders,
                                  long budgetBytes, int cores, int readerBytes, int readCopyBytes) {
        long decoder = readerBytes
                + codecs.stream().mapToLong(c -> decoderBytes(c, settings.zstdWindowLogMax())).max().orElse(0);
        // each decode thread verifies its objects' md5 on a digest thread of its own (about 0.7 GB/s),
        // so even zstd, which decodes faster than that, gains from a thread per core
        int decoders = settings.decoders() > 0 ? settings.decoders() : Math.min(cores, 4);
        decoders = Math.max(1, Math.min(decoders, Math.min(maxUsefulDecoders, settings.queueDepth())));
        int perDecoder = Math.max(1, settings.queueDepth() / decoders);
        WorkingSet set = new WorkingSet(decoders, perDecoder, settings.bufferBytes(), INPUT_BUFFER_BYTES, decoder,
                readCopyBytes);
        while (set.totalBytes() > budgetBytes) {
            set = set.shrink().orElseThrow(() -> new IllegalArgumentException("memory budget of "
                    + Sizes.format(budgetBytes) + " is below the smallest working set of this restore ("
                    + Sizes.format(decoder + INPUT_BUFFER_BYTES + RestoreSettings.MIN_BUFFER_BYTES) + ")"));
        }
        return set;
    }

    private java.util.Optional<WorkingSet> shrink() {
        if (buffersPerDecoder > 2) {
            return java.util.Optional.of(new WorkingSet(decoders, buffersPerDecoder - 1, bufferBytes,
                    inputBufferBytes, decoderBytes, readCopyBytes));
        }
        if (decoders > 1) {
            return java.util.Optional.of(new WorkingSet(decoders - 1, buffersPerDecoder, bufferBytes,
                    inputBufferBytes, decoderBytes, readCopyBytes));
        }
        if (buffersPerDecoder > 1) {
            return java.util.Optional.of(new WorkingSet(decoders, 1, bufferBytes, inputBufferBytes, decoderBytes,
                    readCopyBytes));
        }
        if (bufferBytes > RestoreSettings.MIN_BUFFER_BYTES) {
            return java.util.Optional.of(new WorkingSet(decoders, buffersPerDecoder,
                    Math.max(RestoreSettings.MIN_BUFFER_BYTES, bufferBytes / 2 / 4096 * 4096),
                    inputBufferBytes, decoderBytes, readCopyBytes));
        }
        return java.util.Optional.empty();
    }
}
