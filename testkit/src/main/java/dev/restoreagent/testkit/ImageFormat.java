package dev.restoreagent.testkit;

import java.util.Arrays;

/** Encodings of a whole volume image as one stream, as written by {@link ImageStreams#write}. */
public enum ImageFormat {
    /** The bytes as they are. */
    RAW("raw"),
    /** One streamed zstd frame at level 3 with a content checksum and no content size (like {@code zstd < in}). */
    ZSTD("zstd"),
    /** Independent zstd frames, one per MiB of input, each with its content size (like {@code pzstd}). */
    ZSTD_MULTI_FRAME("zstd-multi"),
    /** One RFC 1950 zlib stream at level 6. */
    ZLIB("zlib"),
    /** A gzip container (RFC 1952) with one member. */
    GZIP("gzip"),
    /** One bzip2 stream with block size 9. */
    BZ2("bz2");

    private final String cliName;

    ImageFormat(String cliName) {
        this.cliName = cliName;
    }

    /** The name used on the command line, e.g. {@code zstd-multi}. */
    public String cliName() {
        return cliName;
    }

    /**
     * The format whose {@link #cliName()} (or enum name) is {@code name}, case-insensitively.
     *
     * @throws IllegalArgumentException for an unknown name
     */
    public static ImageFormat fromCliName(String name) {
        for (ImageFormat f : values()) {
            if (f.cliName.equalsIgnoreCase(name) || f.name().equalsIgnoreCase(name)) {
                return f;
            }
        }
        throw new IllegalArgumentException(
                "unknown image format '" + name + "', expected one of "
                        + Arrays.stream(values()).map(ImageFormat::cliName).toList());
    }
}
