package dev.restoreagent.nativeb;

import java.io.IOException;

/**
 * Told once when an asynchronous I/O operation ends: a librbd AIO call, a file write on a target's
 * I/O thread. The one completion type from the native seam up to the write pipeline: librbd's
 * callback calls it directly, with nothing in between.
 *
 * <p>Runs on the completer's thread (librbd's {@code io_context_pool}, a target's I/O thread): it
 * must not block and must not call back into what completed it, or every other completion stalls
 * behind it.
 */
public interface IoCompletion {
    void completed();

    /**
     * The operation failed. {@code cause} names the call, the errno and where; a
     * {@link NativeTimeoutException} when the peer did not answer in time.
     */
    void failed(IOException cause);
}
