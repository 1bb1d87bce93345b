package dev.restoreagent.testkit;

import java.util.Objects;

/**
 * One element of a backup's {@code objects} list.
 *
 * @param name the object's file name, {@code <prefix>-NNNNN}
 * @param offset byte offset of the object's data in the volume
 * @param length uncompressed length in bytes
 * @param md5 lower-case hex MD5 of the uncompressed bytes
 * @param compression the tag written for the object: {@code none}, {@code zlib}, {@code gzip}, {@code bz2},
 *     {@code bzip2} or {@code zstd}
 */
public record ObjectEntry(String name, long offset, long length, String md5, String compression) {

    /** Checks that no component is null. */
    public ObjectEntry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(md5, "md5");
        Objects.requireNonNull(compression, "compression");
    }
}
