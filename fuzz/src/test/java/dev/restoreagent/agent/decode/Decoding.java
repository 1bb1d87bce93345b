package dev.restoreagent.agent.decode;

import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.source.Codec;
import dev.restoreagent.agent.source.SourceObject;
import dev.restoreagent.api.FailureKind;
import dev.restoreagent.fuzz.CheckedSink;
import dev.restoreagent.io.memory.DirectBuffer;
import dev.restoreagent.io.memory.DirectBufferPool;

import java.io.ByteArrayInputStream;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.util.Arrays;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Cinder object's compressed bytes decoded as a decode worker decodes them (its input buffer, the
 * decoder, the output that checks length, the digest stage) into a {@link CheckedSink} at the object's
 * offset, with the object's recorded length the one the seeds' chunks have. Buffer sizes follow from the
 * input, so that the same input always meets the same boundaries, and different inputs different ones:
 * headers, codes and trailers split across reads and writes.
 *
 * <p>Each input is decoded twice by one decoder, as a worker reuses its decoder for the next object: the
 * second result must be the first. A failure must be the data's ({@link FailureKind#VERIFICATION}) or a
 * refusal of what it asks for ({@link FailureKind#BAD_INPUT}), never an internal one; whatever ends it,
 * every buffer is back in its pool.
 */
final class Decoding implements AutoCloseable {
    /** The recorded length of the seeds' objects: the chunk size of the backups they come from. */
    static final int RECORDED_BYTES = 32 * 1024;
    /** Where the object goes on the target: its second chunk, as an object of a real backup would. */
    private static final long OFFSET_BYTES = RECORDED_BYTES;
    /** Input buffers: a zlib header's two bytes, odd sizes, and the worker's 256 KiB. */
    private static final int[] INPUT_BYTES = {2, 7, 4093, 256 * 1024};
    /** Output buffers: odd and small sizes, and one that holds the object whole. */
    private static final int[] OUTPUT_BYTES = {509, 1021, 4096, RECORDED_BYTES};
    private static final int OUTPUT_BUFFERS = 4;
    /**
     * Heap one input may allocate in its decodes: the Java bzip2 decoder's tables (about 4.6 MB for each
     * stream with a block), the staging arrays, and the copies of what was written.
     */
    static final long HEAP_BYTES = 128L << 20;

    private final DigestStage digest = new DigestStage();

    /** What a decode wrote, and the failure that ended it (null when the object decoded whole and checked). */
    record Result(byte[] written, RestoreFailure failure) {
        boolean succeeded() {
            return failure == null;
        }

        /**
         * Whether {@code other} is the same outcome: the same bytes, or the same failure. How much of an object
         * that fails reaches the target before the failure is seen depends on the digest stage's thread, not
         * on the data.
         */
        boolean same(Result other) {
            return failure == null ? other.failure == null && Arrays.equals(written, other.written)
                    : other.failure != null && failure.getMessage().equals(other.failure.getMessage());
        }
    }

    /** Decodes {@code compressed} twice with one decoder from {@code decoders}; checks the two agree. */
    Result decode(Supplier<Decoder> decoders, Codec codec, byte[] compressed) throws Exception {
        try (Decoder decoder = decoders.get()) {
            Result first = decodeOnce(decoder, codec, compressed);
            Result again = decodeOnce(decoder, codec, compressed);
            if (!first.same(again)) {
                throw new AssertionError("a reused " + codec.label() + " decoder decoded the same object differently:"
                        + " first " + describe(first) + ", then " + describe(again));
            }
            return first;
        }
    }

    /**
     * Decodes {@code compressed} with both decoders (each as {@link #decode} does); what {@code reference} decodes,
     * {@code other} must decode to the same bytes.
     */
    void agree(String referenceName, Supplier<Decoder> reference, String otherName, Supplier<Decoder> other,
               Codec codec, byte[] compressed) throws Exception {
        Result expected = decode(reference, codec, compressed);
        Result actual = decode(other, codec, compressed);
        if (expected.succeeded()) {
            assertThat(actual.failure()).as(otherName + " refused what " + referenceName + " decodes").isNull();
            assertThat(actual.written()).as(otherName + "'s bytes against " + referenceName + "'s")
                    .isEqualTo(expected.written());
        }
    }

    private static String describe(Result result) {
        return result.written.length + " bytes" + (result.failure == null ? "" : " and " + result.failure.getMessage());
    }

    private Result decodeOnce(Decoder decoder, Codec codec, byte[] compressed) throws Exception {
        int shape = Arrays.hashCode(compressed);
        SourceObject object = new SourceObject("fuzz-00002", "backup fuzz", OFFSET_BYTES, RECORDED_BYTES, null, null,
                codec, () -> Channels.newChannel(new ByteArrayInputStream(compressed)));
        CheckedSink target = new CheckedSink(OFFSET_BYTES, RECORDED_BYTES, false);
        RestoreFailure failure = null;
        try (DirectBufferPool inputs = new DirectBufferPool("fuzz-in", INPUT_BYTES[shape & 3], 1);
             DirectBufferPool outputs = new DirectBufferPool("fuzz-out", OUTPUT_BYTES[(shape >>> 2) & 3],
                     OUTPUT_BUFFERS)) {
            DirectBuffer buffer = inputs.take();
            try (ReadableByteChannel channel = object.opener().open()) {
                CompressedInput in = new CompressedInput(buffer.nio());
                in.reset(channel);
                failure = decode(decoder, object, in, new ObjectOutput(outputs, object, target, digest, new ZeroBlocks()));
            } finally {
                inputs.release(buffer);
            }
            assertThat(outputs.outstanding()).as("output buffers not back in their pool").isZero();
        }
        byte[] written = target.written();
        if (failure == null) {
            assertThat(written).as("an object that decoded whole").hasSize(RECORDED_BYTES);
        } else {
            assertThat(failure.kind()).as(failure.getMessage()).isIn(FailureKind.VERIFICATION, FailureKind.BAD_INPUT);
            assertThat(failure.getMessage()).contains(object.describe());
        }
        return new Result(written, failure);
    }

    /** As {@link DecodeWorker#decode}: decode, finish (length and digests), and on failure stop the digest stage. */
    private RestoreFailure decode(Decoder decoder, SourceObject object, CompressedInput in, ObjectOutput out)
            throws Exception {
        boolean finished = false;
        try {
            decoder.decode(object, in, out);
            out.finish();
            finished = true;
            return null;
        } catch (RestoreFailure e) {
            return e;
        } finally {
            if (!finished) {
                digest.stop();
            }
            out.abandon();
        }
    }

    @Override
    public void close() {
        digest.close();
    }
}
