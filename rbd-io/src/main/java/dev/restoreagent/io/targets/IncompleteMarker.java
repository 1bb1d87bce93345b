package dev.restoreagent.io.targets;

import java.io.IOException;
import java.util.Optional;

/** Where a file or device target keeps its "restore not finished" mark. */
public interface IncompleteMarker {
    /** Sets the mark durably; {@code what} names the source being restored. */
    void set(String what) throws IOException;

    /** Removes the mark; nothing happens if it is not set. */
    void clear() throws IOException;

    /** The mark, if set. */
    Optional<String> get() throws IOException;

    /** Where the mark lives, for messages. */
    String describe();
}
