package dev.restoreagent.agent.decode;

import dev.restoreagent.agent.source.Codec;

/**
 * Which library decodes each codec in this build, for the {@code restore_agent_decoder_info}
 * metric. Keep {@link #of} in step with the decoders {@link DecodeWorker} makes.
 */
public final class DecoderImplementations {
    private DecoderImplementations() {
    }

    /** The implementation that decodes {@code codec}; {@link Codec#NONE} is a plain copy. */
    public static String of(Codec codec) {
        return switch (codec) {
            case NONE -> "copy";
            case ZSTD -> "zstd-jni";
            case ZLIB -> "java.util.zip.Inflater";
            case GZIP -> "java.util.zip.GZIPInputStream";
            case BZIP2 -> "commons-compress";
        };
    }
}
