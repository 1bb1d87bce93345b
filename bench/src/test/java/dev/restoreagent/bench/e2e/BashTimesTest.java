package dev.restoreagent.bench.e2e;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class BashTimesTest {
    @Test
    void theChildrensUserAndSystemTimeAreAdded() {
        assertThat(CinderScenarios.childrenCpuSeconds("0m0.002s 0m0.001s\n1m2.500s 0m0.250s\n"))
                .isCloseTo(62.75, within(1e-9));
    }

    @Test
    void outputWithoutTimesIsNotANumber() {
        assertThat(CinderScenarios.childrenCpuSeconds("igzip: not a gzip file\n")).isNaN();
    }
}
