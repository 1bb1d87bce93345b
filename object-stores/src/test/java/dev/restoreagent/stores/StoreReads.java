package dev.restoreagent.stores;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;

/** Reads of a store's objects as the decoders make them: into a direct buffer the size of their input buffer. */
final class StoreReads {
    private static final int INPUT_BYTES = 256 << 10;

    private StoreReads() {
    }

    /** All of {@code channel}'s bytes; closes it. */
    static byte[] readAll(ReadableByteChannel channel) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        try (channel) {
            ByteBuffer input = ByteBuffer.allocateDirect(INPUT_BYTES);
            while (channel.read(input) >= 0) {
                input.flip();
                copy(input, all);
                input.clear();
            }
        }
        return all.toByteArray();
    }

    private static void copy(ByteBuffer from, OutputStream to) throws IOException {
        byte[] bytes = new byte[from.remaining()];
        from.get(bytes);
        to.write(bytes);
    }
}
