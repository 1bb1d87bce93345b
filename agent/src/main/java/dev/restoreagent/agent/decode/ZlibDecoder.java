package dev.restoreagent.agent.decode;

import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.source.SourceObject;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * An RFC 1950 zlib stream (Cinder's {@code zlib} and {@code gzip} tags) through {@link Inflater}
 * on direct buffers, no copy. Bytes after the end of the stream are ignored, as Python's
 * {@code zlib.decompress} (and so Cinder) ignores them; the length and md5 checks still apply.
 */
final class ZlibDecoder implements Decoder {
    private final Inflater inflater = new Inflater();

    @Override
    public void decode(SourceObject object, CompressedInput in, ObjectOutput out)
            throws IOException, InterruptedException, RestoreFailure {
        inflater.reset();
        while (!inflater.finished()) {
            if (inflater.needsInput()) {
                if (!in.fill()) {
                    // Inflater, like zstd-jni, says nothing when its input simply stops
                    throw RestoreFailure.verification(object.describe() + " is truncated: its zlib stream ends after "
                            + in.consumedBytes() + " compressed bytes without its end marker");
                }
                inflater.setInput(in.buffer());
            }
            if (inflater.needsDictionary()) {
                throw RestoreFailure.verification(object.describe()
                        + " has corrupt zlib data: it asks for a preset dictionary");
            }
            ByteBuffer dst = out.space();
            try {
                inflater.inflate(dst);
            } catch (DataFormatException e) {
                throw RestoreFailure.verification(object.describe() + " has corrupt zlib data near compressed byte "
                        + in.consumedBytes() + ": " + e.getMessage(), e);
            }
        }
    }

    @Override
    public void close() {
        inflater.end();
    }
}
