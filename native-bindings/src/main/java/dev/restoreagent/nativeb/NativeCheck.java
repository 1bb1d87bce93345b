package dev.restoreagent.nativeb;

import java.util.StringJoiner;

/**
 * The one place where native return codes become exceptions. Two conventions exist: librados and
 * librbd return {@code -errno}; libc returns {@code -1} and leaves the reason in errno, which the
 * caller reads straight after the call and passes here.
 */
public final class NativeCheck {
    private NativeCheck() {
    }

    /**
     * Returns {@code rc} when it is not negative; otherwise throws a {@link NativeIoException} for
     * errno {@code -rc}.
     *
     * @param keyValues alternating names and values that locate the failure (path, offset...)
     */
    public static long checkNegErrno(long rc, String call, Object... keyValues) throws NativeIoException {
        if (rc >= 0) {
            return rc;
        }
        throw NativeIoException.of(call, (int) -rc, context(keyValues));
    }

    /**
     * Returns {@code rc} when it is not {@code -1}; otherwise throws a {@link NativeIoException}
     * for {@code errno}, which the caller read right after the failing libc call.
     */
    public static long checkLibc(long rc, int errno, String call, Object... keyValues) throws NativeIoException {
        if (rc != -1) {
            return rc;
        }
        throw NativeIoException.of(call, errno, context(keyValues));
    }

    public static String context(Object... keyValues) {
        if (keyValues.length % 2 != 0) {
            throw new IllegalArgumentException("keyValues must come in name/value pairs");
        }
        StringJoiner joined = new StringJoiner(",");
        for (int i = 0; i < keyValues.length; i += 2) {
            joined.add(keyValues[i] + "=" + keyValues[i + 1]);
        }
        return joined.toString();
    }

    /**
     * Why a library could not be loaded, as one line: JNA's message lists every path it tried and
     * the whole classpath as resources, one per line; the first path's reason is the one that counts.
     */
    public static String loadFailure(Throwable e) {
        String message = String.valueOf(e.getMessage());
        return message.lines()
                .filter(line -> !line.startsWith("Native library ("))
                .limit(2)
                .collect(java.util.stream.Collectors.joining(" "));
    }
}
