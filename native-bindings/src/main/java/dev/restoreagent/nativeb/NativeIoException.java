package dev.restoreagent.nativeb;

import java.io.IOException;

/**
 * A native call failed. Carries the call's name and the errno so callers can branch on
 * {@link #errno()} without parsing messages; the message names the call and its arguments, e.g.
 * {@code fallocate failed: EOPNOTSUPP (errno=95) (path=/x,offset=0,length=4096)}.
 */
public class NativeIoException extends IOException {
    private static final long serialVersionUID = 1L;

    private final int errno;
    private final String call;

    public NativeIoException(String call, int errno, String context) {
        super(call + " failed: " + Errno.nameOf(errno) + " (errno=" + errno + ")"
                + (context.isEmpty() ? "" : " (" + context + ")"));
        this.errno = errno;
        this.call = call;
    }

    /** The exception for {@code call} failing with {@code errno}: a {@link NativeTimeoutException} for ETIMEDOUT. */
    public static NativeIoException of(String call, int errno, String context) {
        return errno == Errno.ETIMEDOUT.code() ? new NativeTimeoutException(call, context)
                : new NativeIoException(call, errno, context);
    }

    /** The positive errno the call reported. */
    public int errno() {
        return errno;
    }

    /** The C symbol that failed, e.g. {@code rbd_aio_write}. */
    public String call() {
        return call;
    }
}
