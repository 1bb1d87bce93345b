package dev.restoreagent.bench.e2e;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class ReadmeRefusalTest {
    private static final String README = String.join("\n", "# restore-agent", "", "<!-- bench-headline:start -->",
            "Measured 2026-12-03 (full mode).", "", "| target | measured | met |", "|---|---|---|",
            "| one zlib restore >= 3.0x Cinder | 1.20x | **no** |", "<!-- bench-headline:end -->", "", "The rest.",
            "");
    private static final String HEADLINE = String.join("\n", "Measured 2026-12-08 (full mode).", "",
            "| target | measured | met |", "|---|---|---|", "| one zlib restore >= 3.0x Cinder | 3.10x | yes |", "");
    private static final List<LoadSampler.Sample> QUIET = Collections.nCopies(120,
            new LoadSampler.Sample(1.0, 1.0, 0.05));
    private static final List<LoadSampler.Sample> BUSY = Collections.nCopies(120,
            new LoadSampler.Sample(1.0, 4.0, 0.9));

    @TempDir
    Path dir;

    private Optional<String> update(RunNoise noise) throws Exception {
        return HarnessMain.updateReadme(dir.resolve("README.md"), dir.resolve("bench/results/2026-12-08-full"),
                HEADLINE, ScenarioSelection.parse("all"), "2026-12-08", "full", noise);
    }

    @Test
    void aNoisyRunIsRefusedWithOneLineNamingItsNoisySectionsAndReadmeStaysAsItWas() throws Exception {
        Files.writeString(dir.resolve("README.md"), README);
        RunNoise noise = new RunNoise(2, 300, 350, List.of(
                SectionNoise.judge("1. Concurrent restores", 600, 300, 300, 305, 0.3, QUIET, 2),
                SectionNoise.judge("1a. Budget", 300, 300, 305, 360, 2.5, QUIET, 2),
                SectionNoise.judge("4. Against Cinder's own code", 120, 300, 300, 300, 2.5, BUSY, 2)));

        Optional<String> refused = update(noise);

        assertThat(refused).contains("--update-readme refused, README.md not changed: a noisy run (1a. Budget:"
                + " calibration +18% during it (360 ms after, 305 ms before); calibration +20% from the run's start"
                + " (305 ms before it, 360 ms after, 300 ms at the start); 4. Against Cinder's own code: other"
                + " processes used 0.90 of the 2 cores over a minute of it (limit 0.30)); see"
                + " bench/results/2026-12-08-full/report.md");
        assertThat(refused.orElseThrow()).doesNotContain("\n").doesNotContain("1. Concurrent restores");
        assertThat(Files.readString(dir.resolve("README.md"))).isEqualTo(README);
    }

    @Test
    void aCleanRunPutsItsTableBetweenTheMarkers() throws Exception {
        Files.writeString(dir.resolve("README.md"), README);
        RunNoise noise = new RunNoise(2, 300, 305, List.of(
                SectionNoise.judge("1. Concurrent restores", 600, 300, 300, 305, 0.3, QUIET, 2)));

        assertThat(update(noise)).isEmpty();

        assertThat(Files.readString(dir.resolve("README.md"))).isEqualTo(String.join("\n", "# restore-agent", "",
                "<!-- bench-headline:start -->", "Measured 2026-12-08 (full mode).", "", "| target | measured | met |",
                "|---|---|---|", "| one zlib restore >= 3.0x Cinder | 3.10x | yes |", "",
                "Full report: [bench/results/2026-12-08-full/report.md](bench/results/2026-12-08-full/report.md).",
                "<!-- bench-headline:end -->", "", "The rest.", ""));
    }
}
