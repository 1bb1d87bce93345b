package dev.restoreagent.api;

/**
 * What made a restore fail, coarsely: the API's {@code error_kind}; each kind has its own exit code
 * in the command line.
 */
public enum FailureKind {
    /** The backup or stream is malformed, missing, unsupported, or cannot be read. */
    BAD_INPUT,
    /** Data did not verify: md5 or length mismatch, corrupt or truncated compressed data. */
    VERIFICATION,
    /** The target is missing, too small, of the wrong kind, or failed a write or flush. */
    TARGET,
    /** Someone asked the restore to stop. */
    CANCELLED,
    /** A bug or an unexpected runtime failure. */
    INTERNAL,
    /** The request makes no sense as given (a usage error: options that do not go together). */
    USAGE
}
