package dev.restoreagent.nativeb.libc;

import java.io.IOException;

/** A path that was to be read as a regular file is something else: a FIFO, a socket, a device, a link. */
public final class NotRegularFileException extends IOException {
    private static final long serialVersionUID = 1L;

    NotRegularFileException(String message) {
        super(message);
    }
}
