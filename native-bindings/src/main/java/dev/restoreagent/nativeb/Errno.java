package dev.restoreagent.nativeb;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Linux errno values (x86_64, aarch64 and ppc64le share the ones listed here). We ship only deb and rpm for Linux, so the
 * values are fixed here once instead of appearing as literals at call sites.
 */
public enum Errno {
    EPERM(1), ENOENT(2), EINTR(4), EIO(5), ENXIO(6), EBADF(9), EAGAIN(11), ENOMEM(12), EACCES(13),
    EFAULT(14), EBUSY(16), EEXIST(17), ENODEV(19), EISDIR(21), EINVAL(22), EFBIG(27), ENOSPC(28),
    ESPIPE(29), EROFS(30), ERANGE(34), ENOSYS(38), EOPNOTSUPP(95), ESHUTDOWN(108), ETIMEDOUT(110),
    ECANCELED(125);

    private static final Map<Integer, Errno> BY_CODE = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(Errno::code, Function.identity(), (a, b) -> a));

    private final int code;

    Errno(int code) {
        this.code = code;
    }

    /** The positive errno value. */
    public int code() {
        return code;
    }

    /** The symbolic name of {@code code}, or {@code errno=N} for a value this enum does not list. */
    public static String nameOf(int code) {
        Errno e = BY_CODE.get(code);
        return e == null ? "errno=" + code : e.name();
    }

    /** True when {@code code} is this errno. */
    public boolean is(int code) {
        return this.code == code;
    }
}
