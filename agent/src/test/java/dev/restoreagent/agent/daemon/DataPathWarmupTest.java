package dev.restoreagent.agent.daemon;

import dev.restoreagent.agent.restore.RestoreSettings;
import dev.restoreagent.agent.source.Codec;
import dev.restoreagent.io.memory.BudgetLease;
import dev.restoreagent.io.memory.MemoryBudget;
import org.junit.jupiter.api.Test;

import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start-up warm-up restores its sample through every codec and the read-ahead, checked by md5 and sha256 as
 * backups are (a sample that did not decode to its hashes would fail it), under the budget and never waiting in
 * its queue.
 */
class DataPathWarmupTest {
    private static final long MIB = 1 << 20;

    @Test
    void everyCodecAndTheReadAheadRestoreTheSampleUnderTheBudget() throws Exception {
        MemoryBudget budget = new MemoryBudget(256 * MIB);

        String done = DataPathWarmup.run(budget, RestoreSettings.defaults(), () -> false);

        long layers = Codec.values().length + 1;
        long mib = DataPathWarmup.ROUNDS * layers * DataPathWarmup.OBJECTS * DataPathWarmup.SAMPLE_BYTES / MIB;
        assertThat(done).startsWith("warmed the data path in ").contains(": " + mib + " MiB through every decoder")
                .doesNotContain("left out");
        assertThat(budget.availableBytes()).as("every lease given back").isEqualTo(budget.totalBytes());
        assertThat(budget.peakUsedBytes()).isPositive();
    }

    @Test
    void eachCodecStoresTheSampleSmallerThanItIs() {
        byte[] sample = DataPathWarmup.sample();
        for (Codec codec : Codec.values()) {
            byte[] stored = DataPathWarmup.compressed(codec, sample);
            assertThat(stored.length).as(codec.label())
                    .isLessThanOrEqualTo(codec == Codec.NONE ? sample.length : sample.length / 2);
        }
    }

    @Test
    void aBudgetInUseIsNotWaitedFor() throws Exception {
        MemoryBudget budget = new MemoryBudget(64 * MIB);
        try (BudgetLease taken = budget.tryAcquire(64 * MIB, "a job").orElseThrow()) {
            String done = DataPathWarmup.run(budget, RestoreSettings.defaults(), () -> false);
            assertThat(done).contains(": 0 MiB").endsWith((Codec.values().length + 1) * DataPathWarmup.ROUNDS
                    + " restores left out, the budget being in use");
        }
    }

    @Test
    void itStopsWhenTheAgentCloses() throws Exception {
        MemoryBudget budget = new MemoryBudget(256 * MIB);
        AtomicInteger asked = new AtomicInteger();

        String done = DataPathWarmup.run(budget, RestoreSettings.defaults(), () -> asked.incrementAndGet() > 2);

        assertThat(done).contains(": " + DataPathWarmup.OBJECTS * DataPathWarmup.SAMPLE_BYTES / MIB + " MiB");
    }
}
