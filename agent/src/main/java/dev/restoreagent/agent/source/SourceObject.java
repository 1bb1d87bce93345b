package dev.restoreagent.agent.source;

import java.io.IOException;
import java.nio.channels.ReadableByteChannel;

/**
 * One unit of source data: a Cinder backup object, or a whole image stream.
 *
 * @param name how messages name it: the object name, or the image path
 * @param where context for messages: {@code backup <id>}, or {@code image}
 * @param offsetBytes where its first byte goes on the target
 * @param lengthBytes its uncompressed length, or -1 when only the stream's end tells
 * @param md5Hex the md5 of its uncompressed bytes, or null when there is none to check (or it is not to be)
 * @param blockHashes the sha256 of each of its blocks, or null when they are not checked
 * @param codec its compression; null means "find out from the first bytes" (image streams)
 * @param opener opens its bytes for reading, once per restore attempt
 */
public record SourceObject(String name, String where, long offsetBytes, long lengthBytes, String md5Hex,
                           BlockHashes blockHashes, Codec codec, Opener opener) {

    /** Opens the object's compressed bytes. */
    @FunctionalInterface
    public interface Opener {
        ReadableByteChannel open() throws IOException;

        /**
         * Whether the bytes are all zeros, known without reading them (a hole of an RBD snapshot): a
         * writer that skips zeros then need not be handed them at all.
         */
        default boolean zeros() {
            return false;
        }

        /** The same bytes read several buffers at a time ({@link AsyncReads}), or null when they are read in order. */
        default AsyncReads asyncReads() {
            return null;
        }
    }

    /** {@code object NAME (backup ID)}, the way every message names an object. */
    public String describe() {
        return "object " + name + " (" + where + ")";
    }
}
