package dev.restoreagent.agent.decode;

import java.io.IOException;

/**
 * Reading the source's bytes failed (an I/O error on the backup store), as opposed to the bytes
 * being wrong. Decoders let it pass through unchanged.
 */
public final class SourceReadException extends IOException {
    private static final long serialVersionUID = 1L;

    public SourceReadException(IOException cause) {
        super(cause.getMessage(), cause);
    }
}
