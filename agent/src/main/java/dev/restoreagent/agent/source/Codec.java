package dev.restoreagent.agent.source;

import java.util.Locale;
import java.util.Optional;

/** How an object or stream is compressed. */
public enum Codec {
    /** Stored as is. */
    NONE,
    /** An RFC 1950 zlib stream (Cinder's {@code zlib} and {@code gzip} tags alike). */
    ZLIB,
    /** A gzip container (RFC 1952), one or more members: image streams only. */
    GZIP,
    /** One or more bzip2 streams. */
    BZIP2,
    /** One or more zstd frames. */
    ZSTD;

    /**
     * The codec of a Cinder compression tag, matched case-insensitively as Cinder does:
     * none/off/no, zlib/gzip (both a zlib stream), bz2/bzip2, zstd.
     */
    public static Optional<Codec> ofCinderTag(String tag) {
        return switch (tag.toLowerCase(Locale.ROOT)) {
            case "none", "off", "no" -> Optional.of(NONE);
            case "zlib", "gzip" -> Optional.of(ZLIB);
            case "bz2", "bzip2" -> Optional.of(BZIP2);
            case "zstd" -> Optional.of(ZSTD);
            default -> Optional.empty();
        };
    }

    /** The name people know it by, for messages. */
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
