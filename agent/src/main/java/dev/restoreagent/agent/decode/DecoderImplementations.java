package dev.restoreagent.agent.decode;

import dev.restoreagent.agent.source.Codec;
import dev.restoreagent.nativeb.bzip2.Bz2Decompressor;
import dev.restoreagent.nativeb.isal.IsalInflater;

/**
 * Which library decodes each codec here, for the {@code restore_agent_decoder_info} metric, the
 * health answer and the restore's summary. A native library that cannot be loaded leaves its
 * codec to the pure-Java decoder. {@code -Drestore.agent.decoders=java} chooses the Java ones
 * (for comparing the two, and for the tests that run every decoder case on both).
 */
public final class DecoderImplementations {
    /** The system property that, set to {@code java}, turns the native decoders off. */
    public static final String PROPERTY = "restore.agent.decoders";

    private DecoderImplementations() {
    }

    private static boolean javaAskedFor() {
        return "java".equals(System.getProperty(PROPERTY));
    }

    /** Whether zlib goes through ISA-L: 2.30 loads and passes its self-test, and Java was not asked for. */
    static boolean nativeZlib() {
        return !javaAskedFor() && IsalInflater.isAvailable();
    }

    /** Whether bzip2 goes through libbz2: it loads, and Java was not asked for. */
    static boolean nativeBzip2() {
        return !javaAskedFor() && Bz2Decompressor.isAvailable();
    }

    /** Every codec's implementation, by the codec's label: what {@code GET /v1/health} shows. */
    public static java.util.Map<String, String> all() {
        java.util.Map<String, String> all = new java.util.LinkedHashMap<>();
        for (Codec codec : Codec.values()) {
            all.put(codec.label(), of(codec));
        }
        return all;
    }

    /**
     * Why a codec falls back to its Java decoder although a native one exists: the library
     * cannot be used. Null when the native one is used, when Java was asked for, or when the
     * codec has no native decoder.
     */
    public static String fallback(Codec codec) {
        if (javaAskedFor()) {
            return null;
        }
        return switch (codec) {
            case ZLIB -> IsalInflater.unavailableReason();
            case BZIP2 -> Bz2Decompressor.unavailableReason();
            case NONE, ZSTD, GZIP -> null;
        };
    }

    /** The implementation that decodes {@code codec}; {@link Codec#NONE} is a plain copy. */
    public static String of(Codec codec) {
        return switch (codec) {
            case NONE -> "copy";
            case ZSTD -> "zstd-jni";
            case ZLIB -> nativeZlib() ? "isa-l" : "java.util.zip.Inflater";
            case GZIP -> "java.util.zip.GZIPInputStream";
            case BZIP2 -> nativeBzip2() ? "libbz2" : "commons-compress";
        };
    }
}
