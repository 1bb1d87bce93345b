package dev.restoreagent.nativeb.rbd;

import dev.restoreagent.nativeb.NativeIoException;

/**
 * Told once when an asynchronous librbd operation ends. Runs on librbd's completion thread
 * ({@code io_context_pool}): it must not block and must not call into librbd, or every other
 * completion of the image stalls behind it.
 */
public interface AioListener {
    void succeeded();

    /** The operation failed; the exception names the call, errno, image, offset and length. */
    void failed(NativeIoException cause);
}
