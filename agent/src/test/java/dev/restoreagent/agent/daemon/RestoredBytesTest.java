package dev.restoreagent.agent.daemon;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The restored-bytes counter moves while restores run, counts each once, and never goes down. */
class RestoredBytesTest {
    private final RestoredBytes bytes = new RestoredBytes();

    @Test
    void runningRestoresCountAsTheyGo() {
        assertThat(bytes.total(Map.of("a", 100L))).isEqualTo(100);
        assertThat(bytes.total(Map.of("a", 300L, "b", 5L))).isEqualTo(305);
    }

    @Test
    void aFinishedRestoreCountsOnceWhileListedAndAfterItExpires() {
        bytes.total(Map.of("a", 300L));
        bytes.finished("a", 400);

        assertThat(bytes.total(Map.of("a", 400L))).isEqualTo(400);
        assertThat(bytes.total(Map.of())).as("expired from the list").isEqualTo(400);
        assertThat(bytes.total(Map.of("b", 10L))).isEqualTo(410);
    }

    @Test
    void aSecondFinishOfTheSameJobIsIgnored() {
        bytes.finished("a", 400);
        bytes.finished("a", 400);

        assertThat(bytes.total(Map.of("a", 400L))).isEqualTo(400);
    }

    @Test
    void aJobThatExpiredBeforeItWasCountedIsCountedOnce() {
        // retention 0: housekeeping may drop a settled job before the agent's listener counts it
        bytes.finished("a", 400);

        assertThat(bytes.total(Map.of())).isEqualTo(400);
    }

    @Test
    void neverGoesDown() {
        assertThat(bytes.total(Map.of("a", 300L))).isEqualTo(300);
        // a job whose progress reads lower than before (it must not, but a counter cannot show it)
        assertThat(bytes.total(Map.of("a", 200L))).isEqualTo(300);
    }
}
