package dev.restoreagent.nativeb.rados;

import dev.restoreagent.nativeb.NativeIoException;

/**
 * {@code rados_connect} failed. Carries what it tried, so a caller can tell an operator which
 * monitors did not answer or which keyring could not be used.
 */
public final class RadosConnectException extends NativeIoException {
    private static final long serialVersionUID = 1L;

    private final String monHost;
    private final String keyring;

    RadosConnectException(int errno, String context, String monHost, String keyring) {
        super("rados_connect", errno, context);
        this.monHost = monHost;
        this.keyring = keyring;
    }

    /** The {@code mon_host} the handle had: the monitors it tried. */
    public String monHost() {
        return monHost;
    }

    /** The {@code keyring} search list the handle had, comma-separated. */
    public String keyring() {
        return keyring;
    }
}
