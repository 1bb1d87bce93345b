package dev.restoreagent.io.targets;

import java.io.IOException;

/**
 * Told once when an asynchronous target operation ends. Called on the target's I/O or completion
 * thread: it must not block and must not call back into the target.
 */
public interface IoCompletion {
    void completed();

    void failed(IOException cause);
}
