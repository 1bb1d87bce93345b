package dev.restoreagent.bench.e2e;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.List;
import java.util.Locale;

/**
 * The noise of one run (issue 22): the calibration at its start and at its end, and each section's noise. A
 * run is clean when none of its sections is noisy; only a clean run goes into the README.
 *
 * @param cores the cores the harness saw (the JVM's available processors)
 * @param calibrationStartMillis the {@link Calibration} at the start of the run
 * @param calibrationEndMillis the {@link Calibration} at its end (after the last section)
 * @param sections in the order they ran
 */
record RunNoise(int cores, double calibrationStartMillis, double calibrationEndMillis,
                List<SectionNoise> sections) {

    @JsonProperty("clean")
    boolean clean() {
        return sections.stream().noneMatch(SectionNoise::noisy);
    }

    /** The noisy sections and why: "1a. Budget: why; 4. Against Cinder's own code: why; why". */
    String noisySections() {
        return String.join("; ", sections.stream().filter(SectionNoise::noisy).map(SectionNoise::verdict).toList());
    }

    /** The top of the report: whether the run is clean, and if not, which sections are noisy and why. */
    String verdict() {
        if (clean()) {
            return String.format(Locale.ROOT, "**Clean run**: no section was noisy; the calibration took %.0f ms at"
                    + " the start and %.0f ms at the end (see [Noise](#noise)).", calibrationStartMillis,
                    calibrationEndMillis);
        }
        return "**Noisy run**: " + noisySections() + ". Its figures may disagree with a quiet run's, and"
                + " `--update-readme` refuses it (see [Noise](#noise)).";
    }
}
