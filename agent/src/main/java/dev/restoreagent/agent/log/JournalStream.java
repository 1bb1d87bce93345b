package dev.restoreagent.agent.log;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Whether stderr is a stream to the systemd journal. systemd sets {@code JOURNAL_STREAM} to the
 * {@code st_dev:st_ino} of that stream (systemd.exec(5)); a process whose stderr was redirected
 * since (a child of the service, a shell's {@code 2>file}) still inherits the variable, so it counts
 * only if stderr is that very file.
 */
public final class JournalStream {
    private static final Path STDERR = Path.of("/proc/self/fd/2");

    private JournalStream() {
    }

    /** Whether this process's stderr goes to the journal. */
    public static boolean isStderr() {
        return isStream(System.getenv(), STDERR);
    }

    /** Whether {@code stream}, a file or an fd's link in /proc, is the one {@code env}'s JOURNAL_STREAM names. */
    static boolean isStream(Map<String, String> env, Path stream) {
        String named = env.get("JOURNAL_STREAM");
        if (named == null || named.isEmpty()) {
            return false;
        }
        try {
            // the link in /proc is followed to the socket or file itself
            return named.equals(Files.getAttribute(stream, "unix:dev") + ":" + Files.getAttribute(stream, "unix:ino"));
        } catch (IOException | UnsupportedOperationException e) {
            // nothing to compare with (no unix attributes here): then the variable alone says so
            return true;
        }
    }
}
