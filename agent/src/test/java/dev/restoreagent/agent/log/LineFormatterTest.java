package dev.restoreagent.agent.log;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.logging.Level;
import java.util.logging.LogRecord;

import static org.assertj.core.api.Assertions.assertThat;

class LineFormatterTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String JOB = "6bf14c35-3494-45e8-bc53-c0c69f3e0c9c";

    private static LogRecord record(Level level, String message) {
        LogRecord record = new LogRecord(level, message);
        record.setLoggerName("dev.restoreagent.agent.daemon.Agent");
        record.setInstant(Instant.parse("2026-01-02T03:04:05.678Z"));
        return record;
    }

    @Test
    void toTheJournalEachLineCarriesItsSyslogPriority() {
        LineFormatter journal = new LineFormatter(LogFormat.PLAIN, true);

        assertThat(journal.format(record(Level.SEVERE, "job x FAILED: md5"))).isEqualTo("<3>SEVERE job x FAILED: md5\n");
        assertThat(journal.format(record(Level.WARNING, "w"))).isEqualTo("<4>WARNING w\n");
        assertThat(journal.format(record(LogLevels.NOTICE, "job x CANCELLED"))).isEqualTo("<5>NOTICE job x CANCELLED\n");
        assertThat(journal.format(record(Level.INFO, "restore-agent stopped")))
                .isEqualTo("<6>INFO restore-agent stopped\n");
        assertThat(journal.format(record(Level.FINE, "d"))).isEqualTo("<7>FINE d\n");
    }

    @Test
    void elsewhereLinesArePlain() {
        assertThat(new LineFormatter(LogFormat.PLAIN, false).format(record(Level.SEVERE, "job x FAILED")))
                .isEqualTo("SEVERE job x FAILED\n");
    }

    @Test
    void aStackTraceIsPrefixedLineByLine() {
        LogRecord record = record(Level.SEVERE, "boom");
        record.setThrown(new IllegalStateException("inner"));

        String text = new LineFormatter(LogFormat.PLAIN, true).format(record);

        assertThat(text).startsWith("<3>SEVERE boom\n<3>java.lang.IllegalStateException: inner\n<3>\tat ");
        assertThat(text.lines()).allMatch(l -> l.startsWith("<3>"));
    }

    @Test
    void jsonIsOneObjectPerLineWithTheJobWhenTheMessageNamesOne() throws Exception {
        String line = new LineFormatter(LogFormat.JSON, false).format(record(Level.SEVERE,
                "job " + JOB + " FAILED: \"quoted\"\nand a second line"));

        assertThat(line).endsWith("\n");
        assertThat(line.strip()).doesNotContain("\n");
        JsonNode parsed = JSON.readTree(line);
        assertThat(parsed.get("time").asText()).isEqualTo("2026-01-02T03:04:05.678Z");
        assertThat(parsed.get("level").asText()).isEqualTo("error");
        assertThat(parsed.get("logger").asText()).isEqualTo("dev.restoreagent.agent.daemon.Agent");
        assertThat(parsed.get("message").asText()).isEqualTo("job " + JOB + " FAILED: \"quoted\"\nand a second line");
        assertThat(parsed.get("job").asText()).isEqualTo(JOB);
    }

    @Test
    void jsonHasNoJobWhenTheMessageNamesNone() throws Exception {
        JsonNode parsed = JSON.readTree(new LineFormatter(LogFormat.JSON, false).format(record(LogLevels.NOTICE,
                "listening on /run/restore-agent/agent.sock")));

        assertThat(parsed.has("job")).isFalse();
        assertThat(parsed.get("level").asText()).isEqualTo("notice");
    }

    @Test
    void jsonToTheJournalIsPrefixedToo() {
        assertThat(new LineFormatter(LogFormat.JSON, true).format(record(Level.WARNING, "w"))).startsWith("<4>{\"time\":");
    }
}
