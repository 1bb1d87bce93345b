package dev.restoreagent.nativeb.bzip2;

import dev.restoreagent.nativeb.NativeIoException;

/** libbz2 refused the data: not bzip2, or corrupt. The message says which. */
public final class Bz2DataException extends NativeIoException {
    private static final long serialVersionUID = 1L;

    private final String reason;

    Bz2DataException(String call, String reason) {
        super(call, 0, reason);
        this.reason = reason;
    }

    /** What was wrong with the data, without the call's name. */
    public String reason() {
        return reason;
    }
}
