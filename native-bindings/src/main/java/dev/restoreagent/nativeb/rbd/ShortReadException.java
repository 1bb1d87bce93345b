package dev.restoreagent.nativeb.rbd;

import dev.restoreagent.nativeb.Errno;
import dev.restoreagent.nativeb.NativeIoException;

/**
 * An asynchronous read returned fewer bytes than it asked for. librbd reports no error then: it
 * clips a read at the image's end and returns the count, which happens when the image was shrunk
 * after this handle was opened (the range is checked against the size at open). The bytes past
 * {@link #readBytes()} in the buffer are not the image's.
 *
 * <p>{@link #errno()} is EIO, for callers that branch on errno only; the message says what
 * happened, e.g. {@code rbd_aio_read2 read 4096 of 8192 bytes: the image ends inside the range
 * (image=rbd/vm-1@s1,offset=0,length=8192)}.
 */
public final class ShortReadException extends NativeIoException {
    private static final long serialVersionUID = 1L;

    private final long readBytes;
    private final long requestedBytes;
    private final String context;

    ShortReadException(String call, String context, long readBytes, long requestedBytes) {
        super(call, Errno.EIO.code(), context);
        this.readBytes = readBytes;
        this.requestedBytes = requestedBytes;
        this.context = context;
    }

    /** The bytes the read returned, from the start of the range. */
    public long readBytes() {
        return readBytes;
    }

    /** The bytes the read asked for. */
    public long requestedBytes() {
        return requestedBytes;
    }

    // not "failed: EIO": librbd returned no errno, and the message must not say it did
    @Override
    public String getMessage() {
        return call() + " read " + readBytes + " of " + requestedBytes + " bytes: the image ends inside the range"
                + (context.isEmpty() ? "" : " (" + context + ")");
    }
}
