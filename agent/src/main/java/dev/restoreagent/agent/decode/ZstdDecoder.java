package dev.restoreagent.agent.decode;

import com.github.luben.zstd.ZstdDecompressCtx;
import com.github.luben.zstd.ZstdException;
import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.source.SourceObject;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * zstd through zstd-jni's direct-buffer streaming call, one reused context. Several frames in a
 * row decode as one stream (pzstd output). The window is capped at {@code 2^windowLogMax} bytes:
 * that much native memory is what the working set reserves for this decoder.
 */
final class ZstdDecoder implements Decoder {
    private final ZstdDecompressCtx context;
    private final int windowLogMax;

    ZstdDecoder(int windowLogMax) {
        this.windowLogMax = windowLogMax;
        this.context = new ZstdDecompressCtx();
        this.context.setLongMax(windowLogMax);
    }

    @Override
    public void decode(SourceObject object, CompressedInput in, ObjectOutput out)
            throws IOException, InterruptedException, RestoreFailure {
        context.reset();
        context.setLongMax(windowLogMax);
        // true between frames, including before the first: the stream may cleanly end there
        boolean frameDone = true;
        while (true) {
            ByteBuffer src = in.buffer();
            if (!src.hasRemaining()) {
                in.fill();
                src = in.buffer();
            }
            if (in.atEof() && frameDone) {
                return;
            }
            ByteBuffer dst = out.space();
            int srcBefore = src.position();
            int dstBefore = dst.position();
            try {
                frameDone = context.decompressDirectByteBufferStream(dst, src);
            } catch (ZstdException e) {
                throw failure(object, in, e);
            }
            // zstd-jni reports neither truncation nor a stall: both look like "no progress"
            if (in.atEof() && !frameDone && src.position() == srcBefore && dst.position() == dstBefore) {
                throw RestoreFailure.verification(object.describe() + " is truncated: its zstd data ends after "
                        + in.consumedBytes() + " compressed bytes, inside a frame");
            }
        }
    }

    private RestoreFailure failure(SourceObject object, CompressedInput in, ZstdException e) {
        String message = e.getMessage();
        if (message != null && message.contains("too much memory")) {
            return RestoreFailure.badInput(object.describe() + " needs a zstd window larger than 2^" + windowLogMax
                    + " bytes; allow it with --zstd-window-log-max (up to 31) if the memory budget can bear it");
        }
        return RestoreFailure.verification(object.describe() + " has corrupt zstd data near compressed byte "
                + in.consumedBytes() + ": " + message, e);
    }

    @Override
    public void close() {
        context.close();
    }
}
