package dev.restoreagent.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.restoreagent.agent.source.cinder.Sha256File;
import dev.restoreagent.agent.source.cinder.Sha256FileException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A backup's {@code _sha256file}: read or refused with a {@link Sha256FileException} naming it, never
 * anything else. What it accepts has a plausible block size and exactly the hashes the file lists, all
 * readable back; its hashes go to a temporary file, so the heap holds a batch, not the file. Seeds: the
 * sha256files of backups made by Cinder's posix driver.
 */
class Sha256FileFuzzTest {
    private static final Bounds BOUNDS = new Bounds("sha256file");
    private static final String NAME = "volume_" + Seeds.VOLUME_ID + "_20260101T000000_backup_" + Seeds.BACKUP_ID
            + "_sha256file";
    /** Hex text parses into strings first: a few dozen bytes of heap per input byte. */
    private static final int HEAP_PER_INPUT_BYTE = 64;

    @TempDir
    static Path hashes;

    @FuzzTest
    void sha256file(byte[] input) throws Exception {
        MemoryContainer container = new MemoryContainer(Map.of(NAME, input));
        BOUNDS.run(Seeds.PARSER_HEAP_BYTES + (long) HEAP_PER_INPUT_BYTE * input.length, () -> {
            try (Sha256File file = Sha256File.read(container, NAME, Seeds.BACKUP_ID, hashes)) {
                assertThat(file.blockBytes()).isBetween(1, 1 << 30);
                // each hash is 64 hex digits in quotes, a comma between them
                assertThat(file.blocks()).isBetween(0L, input.length / 67L + 1);
                assertThat(file.hashes(0, (int) file.blocks())).hasSize(32 * (int) file.blocks());
            } catch (Sha256FileException e) {
                assertThat(e.getMessage()).contains("memory/" + NAME);
            }
        });
    }

    @AfterAll
    static void close() {
        BOUNDS.close();
    }
}
