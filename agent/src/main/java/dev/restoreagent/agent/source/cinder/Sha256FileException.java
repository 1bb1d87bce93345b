package dev.restoreagent.agent.source.cinder;

/** A sha256file cannot be used: what is wrong with it, in one sentence naming the file. */
public final class Sha256FileException extends Exception {
    private static final long serialVersionUID = 1L;

    Sha256FileException(String message) {
        super(message);
    }

    Sha256FileException(String message, Throwable cause) {
        super(message, cause);
    }
}
