package dev.restoreagent.agent.log;

import dev.restoreagent.agent.cli.AgentMain;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/** A command's warnings as its other lines: {@code restore-agent: warning: ...}, never java.util.logging's two lines. */
class CommandLineFormatterTest {
    private static String format(Level level, String message, Throwable thrown) {
        LogRecord record = new LogRecord(level, message);
        record.setLoggerName("dev.restoreagent.agent.job.JobRunner");
        record.setThrown(thrown);
        return new CommandLineFormatter().format(record);
    }

    @Test
    void aWarningIsOneLineWithTheCommandsPrefix() {
        assertThat(format(Level.WARNING, "job 1: closing target t failed: EIO", null))
                .isEqualTo("restore-agent: warning: job 1: closing target t failed: EIO\n");
        assertThat(format(Level.SEVERE, "boom", null)).isEqualTo("restore-agent: error: boom\n");
    }

    @Test
    void everyLineOfAMessageIsPrefixedAndACauseGivesItsMessageNotItsTrace() {
        assertThat(format(Level.WARNING, "first\nsecond", new IOException("No space left on device")))
                .isEqualTo("restore-agent: warning: first\nrestore-agent: warning: second: No space left on device\n");
        assertThat(format(Level.WARNING, "closing failed: EIO", new IOException("EIO")))
                .isEqualTo("restore-agent: warning: closing failed: EIO\n");
    }

    @Test
    void aCommandRunsWithItAndLogsWhatItsStderrIsAtThatMoment() {
        PrintStream original = System.err;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        try {
            // --version answers before any logging is set up; a command's help goes through it
            AgentMain.run("list", "--help");
            Logger.getLogger("dev.restoreagent.agent.job.JobRunner").warning("job 7: closing its source failed: EIO");
            Logger.getLogger("dev.restoreagent.agent.job.JobRunner").info("not for a command's terminal");
        } finally {
            System.setErr(original);
        }
        assertThat(err.toString(StandardCharsets.UTF_8))
                .isEqualTo("restore-agent: warning: job 7: closing its source failed: EIO\n");
    }
}
