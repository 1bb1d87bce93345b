package dev.restoreagent.bench.e2e;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class SectionNoiseTest {
    private static final int CORES = 2;

    // one sample a second for a section of `seconds` in which other processes use `cores` throughout
    private static List<LoadSampler.Sample> steady(int seconds, double load, double cores) {
        return new ArrayList<>(Collections.nCopies(seconds, new LoadSampler.Sample(1.0, load, cores)));
    }

    private static SectionNoise judge(double start, double before, double after, List<LoadSampler.Sample> samples) {
        return SectionNoise.judge("1a. Budget", samples.size(), start, before, after, 0.4, samples, CORES);
    }

    @Test
    void aSteadyCalibrationAndQuietNeighboursMakeACleanSection() {
        SectionNoise s = judge(300, 305, 310, steady(120, 1.0, 0.05));

        assertThat(s.noisy()).isFalse();
        assertThat(s.noise()).isEmpty();
        assertThat(s.otherCpuMean()).isCloseTo(0.05, within(1e-9));
        assertThat(s.otherCpuPeak()).isCloseTo(0.05, within(1e-9));
        assertThat(s.calibrationBeforeMillis()).isEqualTo(305);
        assertThat(s.calibrationAfterMillis()).isEqualTo(310);
    }

    @Test
    void aCalibrationThatSlowsByMoreThanFifteenPercentDuringTheSectionMakesItNoisy() {
        // both within 8% of the run's start
        SectionNoise s = judge(325, 300, 350, steady(120, 1.0, 0));

        assertThat(s.noise()).containsExactly("calibration +17% during it (350 ms after, 300 ms before)");
        assertThat(s.verdict()).isEqualTo("1a. Budget: calibration +17% during it (350 ms after, 300 ms before)");
    }

    @Test
    void aCalibrationThatGetsFasterByMoreThanFifteenPercentIsNoiseToo() {
        assertThat(judge(300, 300, 250, steady(120, 1.0, 0)).noise())
                .containsExactly("calibration -17% during it (250 ms after, 300 ms before)",
                        "calibration -17% from the run's start (300 ms before it, 250 ms after, 300 ms at the start)");
    }

    @Test
    void fifteenPercentExactlyIsStillClean() {
        assertThat(judge(300, 300, 345, steady(120, 1.0, 0)).noisy()).isFalse();
    }

    @Test
    void aSectionRunSlowFromItsStartDriftsFromTheRunsStartCalibration() {
        // steady within the section (another build ran all along), but 20% off the run's start
        SectionNoise s = judge(300, 360, 362, steady(120, 1.0, 0));

        assertThat(s.noise()).containsExactly(
                "calibration +21% from the run's start (360 ms before it, 362 ms after, 300 ms at the start)");
    }

    @Test
    void otherProcessesAboveFifteenPercentOfTheCoresOverAMinuteMakeItNoisy() {
        List<LoadSampler.Sample> samples = steady(30, 1.0, 0);
        samples.addAll(steady(60, 3.0, 0.8));
        samples.addAll(steady(30, 1.0, 0));

        SectionNoise s = judge(300, 300, 300, samples);

        assertThat(s.noise()).containsExactly("other processes used 0.80 of the 2 cores over a minute of it"
                + " (limit 0.30)");
        assertThat(s.otherCpuMean()).isCloseTo(0.4, within(1e-9));
        assertThat(s.otherCpuPeak()).isCloseTo(0.8, within(1e-9));
    }

    @Test
    void aShortBurstCountsAsItsMinutesMean() {
        // 10 s of 1.5 cores is 0.25 cores over its minute: under the limit of 0.30
        List<LoadSampler.Sample> samples = steady(60, 1.0, 0);
        samples.addAll(steady(10, 1.0, 1.5));
        samples.addAll(steady(60, 1.0, 0));

        SectionNoise s = judge(300, 300, 300, samples);

        assertThat(s.noisy()).isFalse();
        assertThat(s.otherCpuPeak()).isCloseTo(0.25, within(1e-9));
    }

    @Test
    void aSectionShorterThanAMinuteIsJudgedOverItsLength() {
        assertThat(judge(300, 300, 300, steady(30, 1.0, 0.4)).noise())
                .containsExactly("other processes used 0.40 of the 2 cores over its 30 s (limit 0.30)");
    }

    @Test
    void theLoadAverageIsRecordedButNotJudged() {
        // the harness's own 41 restores keep the load average far above the cores
        SectionNoise s = judge(300, 300, 300, steady(120, 9.0, 0));

        assertThat(s.noisy()).isFalse();
        assertThat(s.loadBefore()).isEqualTo(0.4);
        assertThat(s.loadMean()).isEqualTo(9.0);
        assertThat(s.loadPeak()).isEqualTo(9.0);
    }

    @Test
    void everyReasonIsGiven() {
        SectionNoise s = judge(300, 360, 420, steady(120, 1.0, 1.0));

        assertThat(s.noise()).hasSize(3);
        assertThat(s.verdict()).startsWith("1a. Budget: calibration +17% during it").contains("; calibration +40%"
                + " from the run's start").endsWith("; other processes used 1.00 of the 2 cores over a minute of it"
                + " (limit 0.30)");
    }

    @Test
    void aSectionTooShortForASampleHasNoLoadFiguresAndOnlyTheCalibrationRules() {
        SectionNoise s = judge(300, 300, 301, List.of());

        assertThat(s.noisy()).isFalse();
        assertThat(s.otherCpuMean()).isNaN();
        assertThat(s.otherCpuPeak()).isNaN();
        assertThat(s.loadMean()).isNaN();
    }
}
