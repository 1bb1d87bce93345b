package dev.restoreagent.bench.e2e;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;

/**
 * Watches a run for noise (issue 22): times the {@link Calibration} at its start and around each section, and
 * samples the load from start to close ({@link LoadSampler}); each section is judged by
 * {@link SectionNoise#judge}. Sections run one after the other, on one thread.
 */
final class NoiseWatch implements AutoCloseable {
    /** A section's work. */
    interface Section<T> {
        T run() throws IOException, InterruptedException;
    }

    private final Calibration calibration;
    private final LoadSampler sampler;
    private final double startMillis;
    private final Consumer<String> log;
    private final List<SectionNoise> sections = new ArrayList<>();

    private NoiseWatch(Calibration calibration, LoadSampler sampler, double startMillis, Consumer<String> log) {
        this.calibration = calibration;
        this.sampler = sampler;
        this.startMillis = startMillis;
        this.log = log;
    }

    /**
     * Times the calibration for the run's start and starts sampling; {@code work} is the harness's work
     * directory, which the command lines of its detached daemons name. Blocks for about two seconds, and
     * until every dirty page is written back.
     */
    static NoiseWatch start(Path work, Consumer<String> log) throws IOException, InterruptedException {
        Calibration calibration = Calibration.onEveryCore();
        double start = calibrate(calibration);
        log.accept(String.format(Locale.ROOT, "noise: calibration %.0f ms at the start, load average %.2f", start,
                LoadSampler.loadAverage()));
        return new NoiseWatch(calibration, LoadSampler.start(OtherCpu.ofThisHarness(work)), start, log);
    }

    /**
     * Runs {@code body} as the section {@code name} (its report heading) between two calibrations and returns
     * what it returns; an exception from it ends the run, unjudged.
     */
    <T> T section(String name, Section<T> body) throws IOException, InterruptedException {
        // the load first: the calibration itself keeps every core busy for a second
        double loadBefore = LoadSampler.loadAverage();
        double before = calibrate(calibration);
        int mark = sampler.count();
        long t0 = System.nanoTime();
        T result = body.run();
        double seconds = (System.nanoTime() - t0) / 1e9;
        List<LoadSampler.Sample> samples = sampler.since(mark);
        double after = calibrate(calibration);
        SectionNoise noise = SectionNoise.judge(name, seconds, startMillis, before, after, loadBefore, samples,
                Runtime.getRuntime().availableProcessors());
        sections.add(noise);
        log.accept(String.format(Locale.ROOT, "noise: %s: calibration %.0f ms before, %.0f ms after; other"
                        + " processes %.2f cores (a minute's peak %.2f); %s", name, before, after, noise.otherCpuMean(),
                noise.otherCpuPeak(), noise.noisy() ? "NOISY: " + String.join("; ", noise.noise()) : "clean"));
        return result;
    }

    // after writing back every dirty page: the kernel's writeback of the inputs or of a section's targets would
    // take CPU from the calibration, and it is the harness's own doing, not noise
    private static double calibrate(Calibration calibration) throws IOException, InterruptedException {
        Commands.output(List.of("sync"));
        return calibration.millis();
    }

    /** The run's noise so far: the calibration at its end is the last section's after. */
    RunNoise result() {
        double end = sections.isEmpty() ? startMillis : sections.get(sections.size() - 1).calibrationAfterMillis();
        return new RunNoise(Runtime.getRuntime().availableProcessors(), startMillis, end, List.copyOf(sections));
    }

    @Override
    public void close() throws InterruptedException {
        sampler.close();
    }
}
