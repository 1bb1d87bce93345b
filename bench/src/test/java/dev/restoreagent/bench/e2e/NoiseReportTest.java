package dev.restoreagent.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.Collections;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class NoiseReportTest {
    private static final BenchPlan PLAN = BenchPlan.quick(12L << 30);
    private static final List<LoadSampler.Sample> QUIET = Collections.nCopies(120,
            new LoadSampler.Sample(1.0, 3.0, 0.05));

    private static SectionNoise section(String name, double before, double after) {
        return SectionNoise.judge(name, 120, 325, before, after, 0.4, QUIET, 2);
    }

    private static final RunNoise CLEAN = new RunNoise(2, 325, 310, List.of(section("1a. Budget", 305, 310)));
    private static final RunNoise NOISY = new RunNoise(2, 325, 350, List.of(section("1a. Budget", 305, 310),
            section("4. Against Cinder's own code", 300, 350)));

    private static String report(RunNoise noise) {
        return Report.markdown("2026-12-08", new Results(PLAN, List.of()), Map.of("CPU", "2 cores"), "", noise,
                List.of(), List.of(), false, "");
    }

    @Test
    void theTopOfACleanRunsReportSaysItIsClean() {
        String md = report(CLEAN);

        assertThat(md).startsWith("# restore-agent benchmark: quick mode, 2026-12-08\n\n**Clean run**: no section was"
                + " noisy; the calibration took 325 ms at the start and 310 ms at the end (see [Noise](#noise)).\n");
        assertThat(md).contains("| 1a. Budget | 120 | 0.40 | 3.00 / 3.00 | 0.05 / 0.05 | 305 / 310 | no |");
    }

    @Test
    void theTopOfANoisyRunsReportNamesItsNoisySectionsAndWhy() {
        String md = report(NOISY);

        assertThat(md).startsWith("# restore-agent benchmark: quick mode, 2026-12-08\n\n**Noisy run**: 4. Against"
                + " Cinder's own code: calibration +17% during it (350 ms after, 300 ms before). Its figures may"
                + " disagree with a quiet run's, and `--update-readme` refuses it (see [Noise](#noise)).\n");
        assertThat(md).contains("| 1a. Budget | 120 | 0.40 | 3.00 / 3.00 | 0.05 / 0.05 | 305 / 310 | no |")
                .contains("| 4. Against Cinder's own code | 120 | 0.40 | 3.00 / 3.00 | 0.05 / 0.05 | 300 / 350 |"
                        + " **noisy**: calibration +17% during it (350 ms after, 300 ms before) |");
        // the noise comes before the targets, which a partial run's report ends with
        assertThat(md.indexOf("## Noise")).isLessThan(md.indexOf(Report.HEADLINE));
    }

    @Test
    void aSectionTooShortForASampleShowsDashes() {
        RunNoise noise = new RunNoise(2, 300, 300, List.of(SectionNoise.judge("3. Zero-copy", 0.5, 300, 300, 300,
                0.4, List.of(), 2)));

        assertThat(report(noise)).contains("| 3. Zero-copy | 1 | 0.40 | - / - | - / - | 300 / 300 | no |");
    }

    @Test
    void theMeasurementsJsonCarriesEachSectionsFiguresAndMark() {
        JsonNode json = new ObjectMapper().valueToTree(NOISY);

        assertThat(json.get("clean").asBoolean()).isFalse();
        assertThat(json.get("calibrationStartMillis").asDouble()).isEqualTo(325);
        JsonNode cinder = json.get("sections").get(1);
        assertThat(cinder.get("section").asText()).isEqualTo("4. Against Cinder's own code");
        assertThat(cinder.get("noisy").asBoolean()).isTrue();
        assertThat(cinder.get("noise").get(0).asText())
                .isEqualTo("calibration +17% during it (350 ms after, 300 ms before)");
        assertThat(cinder.get("loadBefore").asDouble()).isEqualTo(0.4);
        assertThat(cinder.get("otherCpuPeak").asDouble()).isCloseTo(0.05, within(1e-9));
        assertThat(cinder.get("calibrationAfterMillis").asDouble()).isEqualTo(350);
        assertThat(json.get("sections").get(0).get("noisy").asBoolean()).isFalse();
    }
}
