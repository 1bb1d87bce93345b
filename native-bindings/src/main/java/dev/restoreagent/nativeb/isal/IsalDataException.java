package dev.restoreagent.nativeb.isal;

import dev.restoreagent.nativeb.NativeIoException;

/** ISA-L refused the data: a bad zlib header, a corrupt deflate stream or a wrong Adler-32. */
public final class IsalDataException extends NativeIoException {
    private static final long serialVersionUID = 1L;

    private final int code;
    private final String reason;

    IsalDataException(String call, int code, String reason) {
        super(call, 0, reason + ", code " + code);
        this.code = code;
        this.reason = reason;
    }

    /** ISA-L's return code, one of {@code LibIsal.ISAL_INVALID_*} and the like. */
    public int code() {
        return code;
    }

    /** What was wrong with the data, in zlib's words where zlib has them, without the call's name. */
    public String reason() {
        return reason;
    }
}
