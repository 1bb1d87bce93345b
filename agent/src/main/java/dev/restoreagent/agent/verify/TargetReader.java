package dev.restoreagent.agent.verify;

import java.io.IOException;
import java.nio.ByteBuffer;

/** A restored target read back: a file, a block device or an RBD image. Closed once. */
public interface TargetReader extends AutoCloseable {
    /** What messages call it: its path, or {@code rbd:pool/image}. */
    String name();

    /** Its size in bytes. */
    long sizeBytes() throws IOException;

    /** Fills {@code into} (a direct buffer) from {@code offset}; the target must hold those bytes. */
    void read(long offset, ByteBuffer into) throws IOException;

    @Override
    void close() throws IOException;
}
