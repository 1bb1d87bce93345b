package dev.restoreagent.agent.decode;

import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.source.Codec;
import dev.restoreagent.agent.source.SourceObject;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.GZIPInputStream;

/**
 * Codecs whose decoders only speak {@link InputStream}: bzip2 (commons-compress, several streams
 * in a row as Python's {@code bz2.decompress} reads them) and gzip containers. Output passes
 * through one small heap array, a copy that costs little next to these codecs' speed.
 */
final class StreamDecoder implements Decoder {
    /** The heap staging array; part of this decoder's working set. */
    static final int STAGING_BYTES = 64 * 1024;

    private final Codec codec;
    private final byte[] staging = new byte[STAGING_BYTES];

    StreamDecoder(Codec codec) {
        if (codec != Codec.BZIP2 && codec != Codec.GZIP) {
            throw new IllegalArgumentException("not a stream codec: " + codec);
        }
        this.codec = codec;
    }

    @Override
    public void decode(SourceObject object, CompressedInput in, ObjectOutput out)
            throws IOException, InterruptedException, RestoreFailure {
        InputStream decoded = null;
        try {
            decoded = read(object, in, () -> open(in.asStream()));
            int n;
            while ((n = read(object, in, decoded)) >= 0) {
                int done = 0;
                while (done < n) {
                    ByteBuffer dst = out.space();
                    int chunk = Math.min(n - done, dst.remaining());
                    dst.put(staging, done, chunk);
                    done += chunk;
                }
            }
        } finally {
            if (decoded != null) {
                decoded.close();
            }
        }
    }

    private int read(SourceObject object, CompressedInput in, InputStream decoded)
            throws IOException, RestoreFailure {
        return read(object, in, () -> decoded.read(staging));
    }

    /** Runs one call into the decoder, turning its complaints (not the sink's) into failures. */
    private <T> T read(SourceObject object, CompressedInput in, DecoderCall<T> call) throws IOException, RestoreFailure {
        try {
            return call.run();
        } catch (SourceReadException e) {
            throw e;
        } catch (IOException e) {
            String what = in.atEof() ? " is truncated or corrupt: its " + codec.label() + " data ends after "
                    : " has corrupt " + codec.label() + " data near compressed byte ";
            throw RestoreFailure.verification(object.describe() + what + in.consumedBytes()
                    + (in.atEof() ? " compressed bytes (" : " (") + e.getMessage() + ")", e);
        }
    }

    @FunctionalInterface
    private interface DecoderCall<T> {
        T run() throws IOException;
    }

    private InputStream open(InputStream compressed) throws IOException {
        return codec == Codec.BZIP2 ? new BZip2CompressorInputStream(compressed, true)
                : new GZIPInputStream(compressed, STAGING_BYTES);
    }

    @Override
    public void close() {
    }
}
