package dev.restoreagent.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.source.cinder.CinderExportRecord;
import dev.restoreagent.agent.source.rbd.CephDriverBackup;
import dev.restoreagent.api.FailureKind;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What {@code cinder backup-export} prints, as {@code --cinder-record} and a request's {@code cinder_record}
 * name it: decoded, and read as a posix, an object store's or a Ceph driver's backup, or refused as bad
 * input in one line naming the file, never anything else; an id it accepts is a backup id. Seeds: the export
 * records of backups made by Cinder's posix driver, and one of them as the Ceph driver's.
 */
class ExportRecordFuzzTest {
    private static final Bounds BOUNDS = new Bounds("export-record");
    /** The record is read whole (it is at most 1 MiB), then its base64 row: a few copies of the input. */
    private static final int HEAP_PER_INPUT_BYTE = 64;
    private static final String ID = "[A-Za-z0-9][A-Za-z0-9-]{3,127}";

    @TempDir
    static Path dir;

    @FuzzTest
    void record(byte[] input) throws Exception {
        Path file = Files.write(dir.resolve("record.json"), input);
        BOUNDS.run(Seeds.PARSER_HEAP_BYTES + (long) HEAP_PER_INPUT_BYTE * input.length, () -> {
            refusedOrRead(() -> {
                CinderExportRecord.Parsed parsed = CinderExportRecord.parse(file);
                if (parsed.isCephDriver()) {
                    CephDriverBackup backup = CephDriverBackup.of(parsed);
                    assertThat(backup.backupId()).matches(ID);
                    assertThat(backup.volumeId()).matches(ID);
                }
            }, file);
            refusedOrRead(() -> assertThat(CinderExportRecord.read(file, false).backupId()).matches(ID), file);
            refusedOrRead(() -> assertThat(CinderExportRecord.read(file, true).backupId()).matches(ID), file);
        });
    }

    /** One way of reading the record; a refusal must be bad input that names the file, on one line. */
    private static void refusedOrRead(Reading reading, Path file) {
        try {
            reading.run();
        } catch (RestoreFailure e) {
            assertThat(e.kind()).isEqualTo(FailureKind.BAD_INPUT);
            assertThat(e.getMessage()).contains(file.toString()).doesNotContain("\n");
        }
    }

    @FunctionalInterface
    private interface Reading {
        void run() throws RestoreFailure;
    }

    @AfterAll
    static void close() {
        BOUNDS.close();
    }
}
