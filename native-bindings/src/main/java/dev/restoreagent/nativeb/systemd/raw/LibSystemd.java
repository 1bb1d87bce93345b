package dev.restoreagent.nativeb.systemd.raw;

import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;

/**
 * libsystemd ({@code libsystemd.so.0}), direct-mapped: C symbol names, raw results. Loading this
 * class throws {@link UnsatisfiedLinkError} where the library is missing;
 * {@code dev.restoreagent.nativeb.systemd.SystemdNotify} catches that and checks every result.
 */
public final class LibSystemd {
    static {
        Native.register(NativeLibrary.getInstance("libsystemd.so.0"));
    }

    private LibSystemd() {
    }

    /** sd_notify(3): {@code -errno} on failure, 0 when {@code NOTIFY_SOCKET} is unset, positive when sent. */
    public static native int sd_notify(int unset_environment, String state);
}
