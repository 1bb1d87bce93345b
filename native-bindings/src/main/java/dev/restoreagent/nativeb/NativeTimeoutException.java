package dev.restoreagent.nativeb;

/**
 * A native call failed with {@code ETIMEDOUT}: the peer (an OSD, a monitor) did not answer within its
 * timeout, and a retry would wait as long again. Made where the errno is seen ({@link NativeCheck},
 * librbd's completions), so callers branch on the type, not on errno values.
 */
public final class NativeTimeoutException extends NativeIoException {
    private static final long serialVersionUID = 1L;

    NativeTimeoutException(String call, String context) {
        super(call, Errno.ETIMEDOUT.code(), context);
    }
}
