package dev.restoreagent.bench.e2e;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CalibrationTest {
    @Test
    void timesItsWorkOnEveryThreadItIsGiven() throws Exception {
        assertThat(new Calibration(1 << 16, 2, 2).millis()).isPositive();
    }
}
