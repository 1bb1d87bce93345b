package dev.restoreagent.bench.e2e;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.util.ArrayList;
import java.util.DoubleSummaryStatistics;
import java.util.List;
import java.util.Locale;

/**
 * One section of a run and the noise around it: the load before and during it, the calibration before and
 * after, and why it is noisy (issue 22), if it is. NaN where the section was too short for a sample.
 *
 * @param section its heading in the report, e.g. "1a. Budget"
 * @param seconds how long it ran
 * @param loadBefore the kernel's one-minute load average as it started
 * @param loadMean the mean of the kernel's load average sampled during it: the harness's own work included
 * @param loadPeak the highest of those samples
 * @param otherCpuMean the CPU other processes than the harness's used during it, in cores ({@link OtherCpu})
 * @param otherCpuPeak the same over the minute of the section where it was highest (the whole section if it
 *                     was shorter), in cores
 * @param calibrationBeforeMillis the {@link Calibration} just before it
 * @param calibrationAfterMillis the {@link Calibration} just after it
 * @param noise why it is noisy, one reason each; empty when it is clean
 */
record SectionNoise(String section, double seconds, double loadBefore, double loadMean, double loadPeak,
                    double otherCpuMean, double otherCpuPeak, double calibrationBeforeMillis,
                    double calibrationAfterMillis, List<String> noise) {
    /** A calibration that differs by more than this from the one before it, or from the run's start, is noise. */
    static final double DRIFT_LIMIT = 0.15;
    /**
     * Other processes' CPU over a minute, as a share of the cores, above which a section is noisy. The issue
     * says "load average above the cores", but the load average counts the harness's own restores (dozens of
     * threads at once), so the rule is taken to what others use: the harness's CPU-bound rows lose up to that
     * share of the cores, and 15% is the calibration's tolerance too.
     */
    static final double OTHER_CPU_LIMIT = 0.15;
    /** Other processes' CPU is judged over a minute at a time, as the kernel's load average smooths over one. */
    static final double WINDOW_SECONDS = 60;

    /**
     * Judges a section by the rules above: its calibration after against before, each against the run's
     * start ({@code startMillis}), and the others' CPU of {@code samples} (those taken during it) against
     * {@link #OTHER_CPU_LIMIT} of {@code cores}.
     */
    static SectionNoise judge(String section, double seconds, double startMillis, double beforeMillis,
                              double afterMillis, double loadBefore, List<LoadSampler.Sample> samples, int cores) {
        List<String> noise = new ArrayList<>();
        double during = drift(afterMillis, beforeMillis);
        if (Math.abs(during) > DRIFT_LIMIT) {
            noise.add(f("calibration %+.0f%% during it (%.0f ms after, %.0f ms before)", 100 * during, afterMillis,
                    beforeMillis));
        }
        double fromStart = drift(beforeMillis, startMillis);
        double afterFromStart = drift(afterMillis, startMillis);
        if (Math.max(Math.abs(fromStart), Math.abs(afterFromStart)) > DRIFT_LIMIT) {
            noise.add(f("calibration %+.0f%% from the run's start (%.0f ms before it, %.0f ms after, %.0f ms at"
                    + " the start)", 100 * (Math.abs(fromStart) > Math.abs(afterFromStart) ? fromStart
                    : afterFromStart), beforeMillis, afterMillis, startMillis));
        }
        double totalSeconds = samples.stream().mapToDouble(LoadSampler.Sample::seconds).sum();
        double otherMean = samples.stream().mapToDouble(LoadSampler.Sample::otherCpuSeconds).sum() / totalSeconds;
        double otherPeak = peakWindowCores(samples);
        double limit = OTHER_CPU_LIMIT * cores;
        if (otherPeak > limit) {
            noise.add(f("other processes used %.2f of the %d cores over %s (limit %.2f)", otherPeak, cores,
                    totalSeconds >= WINDOW_SECONDS ? "a minute of it" : f("its %.0f s", totalSeconds), limit));
        }
        DoubleSummaryStatistics loads = samples.stream().mapToDouble(LoadSampler.Sample::loadAverage)
                .filter(l -> !Double.isNaN(l)).summaryStatistics();
        return new SectionNoise(section, seconds, loadBefore, loads.getCount() == 0 ? Double.NaN : loads.getAverage(),
                loads.getCount() == 0 ? Double.NaN : loads.getMax(), otherMean, otherPeak, beforeMillis, afterMillis,
                List.copyOf(noise));
    }

    @JsonProperty("noisy")
    boolean noisy() {
        return !noise.isEmpty();
    }

    /** "1a. Budget: why; why". */
    String verdict() {
        return section + ": " + String.join("; ", noise);
    }

    // (now - reference) / reference
    private static double drift(double nowMillis, double referenceMillis) {
        return (nowMillis - referenceMillis) / referenceMillis;
    }

    /**
     * Others' CPU in cores over the minute of {@code samples} where it was highest: over each run of
     * consecutive samples that covers at least {@link #WINDOW_SECONDS} and no sample more; over all of them if
     * they cover less; NaN without a sample.
     */
    private static double peakWindowCores(List<LoadSampler.Sample> samples) {
        double total = samples.stream().mapToDouble(LoadSampler.Sample::seconds).sum();
        if (total < WINDOW_SECONDS) {
            return samples.stream().mapToDouble(LoadSampler.Sample::otherCpuSeconds).sum() / total;
        }
        double peak = 0;
        double seconds = 0;
        double cpu = 0;
        int first = 0;
        for (LoadSampler.Sample s : samples) {
            seconds += s.seconds();
            cpu += s.otherCpuSeconds();
            while (seconds - samples.get(first).seconds() >= WINDOW_SECONDS) {
                seconds -= samples.get(first).seconds();
                cpu -= samples.get(first).otherCpuSeconds();
                first++;
            }
            if (seconds >= WINDOW_SECONDS) {
                peak = Math.max(peak, cpu / seconds);
            }
        }
        return peak;
    }

    private static String f(String format, Object... args) {
        return String.format(Locale.ROOT, format, args);
    }
}
