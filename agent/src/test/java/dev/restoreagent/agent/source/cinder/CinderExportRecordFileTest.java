package dev.restoreagent.agent.source.cinder;

import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.api.FailureKind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The file {@code --cinder-record} names is read only if it is a regular file of at most 1 MiB: a device
 * would be read into the heap without end, and a FIFO would block its reader until some writer came.
 */
@Timeout(20)
class CinderExportRecordFileTest {
    @TempDir
    Path dir;

    @Test
    void aDeviceThatNeverEndsIsRefusedAsNotARegularFile() {
        RestoreFailure failure = catchThrowableOfType(RestoreFailure.class,
                () -> CinderExportRecord.parse(Path.of("/dev/zero")));

        assertThat(failure.kind()).isEqualTo(FailureKind.BAD_INPUT);
        assertThat(failure.getMessage()).startsWith("cannot read Cinder export record /dev/zero: ")
                .contains("not a regular file").doesNotContain("\n");
    }

    @Test
    void aFifoIsRefusedWithoutWaitingForAWriter() throws Exception {
        Path fifo = dir.resolve("record.json");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();

        RestoreFailure failure = catchThrowableOfType(RestoreFailure.class, () -> CinderExportRecord.parse(fifo));

        assertThat(failure.getMessage()).contains(fifo.toString()).contains("FIFO");
    }

    @Test
    void aRecordLargerThanOneMebibyteIsRefusedWithoutBeingReadWhole() throws Exception {
        Path big = Files.write(dir.resolve("record.json"), new byte[(1 << 20) + 1]);

        RestoreFailure failure = catchThrowableOfType(RestoreFailure.class, () -> CinderExportRecord.parse(big));

        assertThat(failure.getMessage()).isEqualTo("Cinder export record " + big + " is larger than 1 MiB");
    }
}
