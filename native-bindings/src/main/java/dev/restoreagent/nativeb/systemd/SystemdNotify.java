package dev.restoreagent.nativeb.systemd;

import dev.restoreagent.nativeb.NativeCheck;
import dev.restoreagent.nativeb.NativeIoException;
import dev.restoreagent.nativeb.systemd.raw.LibSystemd;

/**
 * Tells systemd how a {@code Type=notify} service is doing, through sd_notify(3) in libsystemd.
 * Outside systemd ({@code NOTIFY_SOCKET} unset) and where {@code libsystemd.so.0} is missing
 * every call is a no-op that returns false, so a daemon may call these unconditionally.
 * Thread-safe; a call sends one datagram to a local socket and does not block for long.
 */
public final class SystemdNotify {
    private static final boolean AVAILABLE = load();

    private SystemdNotify() {
    }

    /**
     * {@code READY=1}: the service is up and serving; systemd ends its start-up wait.
     *
     * @param status one line for {@code systemctl status}, without newlines
     * @return true when sent, false when there is no systemd to tell
     * @throws NativeIoException if systemd's socket refused the message (sd_notify's errno)
     */
    public static boolean ready(String status) throws NativeIoException {
        return send("READY=1\nSTATUS=" + oneLine(status));
    }

    /**
     * {@code STOPPING=1}: the service has begun to shut down.
     *
     * @param status one line for {@code systemctl status}, without newlines
     * @return true when sent, false when there is no systemd to tell
     * @throws NativeIoException if systemd's socket refused the message (sd_notify's errno)
     */
    public static boolean stopping(String status) throws NativeIoException {
        return send("STOPPING=1\nSTATUS=" + oneLine(status));
    }

    private static boolean send(String state) throws NativeIoException {
        if (!AVAILABLE) {
            return false;
        }
        // unset_environment 0: the variable stays, so STOPPING=1 can follow READY=1
        // the context names the state on one line, for a log line
        return NativeCheck.checkNegErrno(LibSystemd.sd_notify(0, state), "sd_notify", "state",
                state.replace("\n", "\\n")) > 0;
    }

    private static String oneLine(String status) {
        // a newline would start another assignment in the notification
        if (status.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("a status is one line: " + status);
        }
        return status;
    }

    private static boolean load() {
        try {
            Class.forName(LibSystemd.class.getName(), true, SystemdNotify.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            // UnsatisfiedLinkError: a system without systemd, so nothing to notify
            return false;
        }
    }
}
