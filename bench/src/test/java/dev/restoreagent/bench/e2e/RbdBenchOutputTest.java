package dev.restoreagent.bench.e2e;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RbdBenchOutputTest {
    @Test
    void readsTheRateInEveryFormRbdBenchPrints() {
        assertThat(Scenarios.bytesPerSecond("elapsed: 0   ops: 64   ops/sec: 202.532   bytes/sec: 810 MiB/s"))
                .isEqualTo(810.0 * (1 << 20));
        assertThat(Scenarios.bytesPerSecond("elapsed: 3   ops: 512   ops/sec: 300   bytes/sec: 1.5 GiB/s"))
                .isEqualTo(1.5 * (1 << 30));
        assertThat(Scenarios.bytesPerSecond("elapsed: 3   ops: 512   ops/sec: 300   bytes/sec: 965000000.5"))
                .isEqualTo(965000000.5);
        assertThatThrownBy(() -> Scenarios.bytesPerSecond("elapsed: 3")).hasMessageContaining("no bytes/sec");
    }
}
