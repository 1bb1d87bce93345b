package dev.restoreagent.agent.targets;

import dev.restoreagent.nativeb.Errno;
import dev.restoreagent.nativeb.NativeIoException;
import dev.restoreagent.nativeb.rados.RadosConnectException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;

/**
 * Why the cluster connection failed, said the way an operator fixes it: which monitors did not
 * answer, or which keyring the agent's user could not read. librados says only ETIMEDOUT or
 * ENOENT; the native message after the sentence keeps the monitors and keyrings it tried.
 */
public final class ConnectFailure {
    private ConnectFailure() {
    }

    public static String describe(NativeIoException e) {
        if (!(e instanceof RadosConnectException connect)) {
            return "cannot connect to the Ceph cluster: " + e.getMessage();
        }
        String prefix = "cannot connect to the Ceph cluster: ";
        if (Errno.ETIMEDOUT.is(e.errno())) {
            return prefix + "no monitor of " + connect.monHost() + " answered in time (" + e.getMessage() + ")";
        }
        Optional<String> unreadable = Arrays.stream(connect.keyring().split(","))
                .map(String::trim).filter(k -> !k.isEmpty())
                .filter(k -> Files.exists(Path.of(k)) && !Files.isReadable(Path.of(k))).findFirst();
        if (unreadable.isPresent()) {
            return prefix + "keyring " + unreadable.get() + " is not readable by " + user()
                    + "; give it access, or name another with ceph_keyring (agent.conf) or -k (" + e.getMessage() + ")";
        }
        if (Errno.ENOENT.is(e.errno())) {
            return prefix + "no keyring of " + connect.keyring() + " exists; name this client's keyring with"
                    + " ceph_keyring (agent.conf) or -k (" + e.getMessage() + ")";
        }
        if (Errno.EACCES.is(e.errno()) || Errno.EPERM.is(e.errno())) {
            return prefix + "the monitors refused this client's key (" + e.getMessage() + ")";
        }
        return prefix + e.getMessage();
    }

    /** {@code user restore-agent (uid 998)}: who the keyring must be readable by. */
    private static String user() {
        try {
            // /proc/self belongs to the process's own uid
            return "user " + System.getProperty("user.name") + " (uid " + Files.getAttribute(Path.of("/proc/self"),
                    "unix:uid") + ")";
        } catch (IOException | UnsupportedOperationException e) {
            return "user " + System.getProperty("user.name");
        }
    }
}
