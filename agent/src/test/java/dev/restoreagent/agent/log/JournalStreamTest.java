package dev.restoreagent.agent.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** JOURNAL_STREAM counts only when it names the very stream stderr is (systemd.exec(5)). */
class JournalStreamTest {
    @TempDir
    Path dir;

    private static String devIno(Path file) throws Exception {
        return Files.getAttribute(file, "unix:dev") + ":" + Files.getAttribute(file, "unix:ino");
    }

    @Test
    void theStreamJournalStreamNamesIsTheJournal() throws Exception {
        Path stderr = Files.createFile(dir.resolve("stderr"));

        assertThat(JournalStream.isStream(Map.of("JOURNAL_STREAM", devIno(stderr)), stderr)).isTrue();
    }

    @Test
    void anotherStreamIsNot() throws Exception {
        // a child of the service that inherited the variable but writes elsewhere
        Path journal = Files.createFile(dir.resolve("journal"));
        Path redirected = Files.createFile(dir.resolve("redirected"));

        assertThat(JournalStream.isStream(Map.of("JOURNAL_STREAM", devIno(journal)), redirected)).isFalse();
    }

    @Test
    void withoutTheVariableNothingIs() throws Exception {
        Path stderr = Files.createFile(dir.resolve("stderr"));

        assertThat(JournalStream.isStream(Map.of(), stderr)).isFalse();
        assertThat(JournalStream.isStream(Map.of("JOURNAL_STREAM", ""), stderr)).isFalse();
    }
}
