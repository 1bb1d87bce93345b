package dev.restoreagent.bench.e2e;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * One command or pipeline run to its end under a {@link ProcessWatch}: wall time, and each process's
 * peak resident set and CPU time.
 */
record CommandRun(double seconds, List<Long> peakRssBytes, List<Double> cpuSeconds, List<Integer> exitCodes,
                  long killedAtRssBytes) {

    /** Runs {@code stages} as a pipeline (one stage: a plain command), killing it above {@code rssLimitBytes}. */
    static CommandRun of(List<ProcessBuilder> stages, long rssLimitBytes, long timeoutSeconds)
            throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        List<Process> processes = ProcessBuilder.startPipeline(stages);
        List<ProcessHandle> handles = processes.stream().map(Process::toHandle).toList();
        try (ProcessWatch watch = ProcessWatch.killingAbove(handles, rssLimitBytes)) {
            List<Integer> exits = new ArrayList<>();
            for (Process p : processes) {
                if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    processes.forEach(Process::destroyForcibly);
                    throw new IOException("still running after " + timeoutSeconds + " s: " + stages.get(0).command());
                }
                exits.add(p.exitValue());
            }
            double seconds = (System.nanoTime() - t0) / 1e9;
            return new CommandRun(seconds, handles.stream().map(watch::peakRssBytes).toList(),
                    handles.stream().map(watch::cpuSeconds).toList(), exits, watch.killedAtRssBytes());
        }
    }

    boolean succeeded() {
        return killedAtRssBytes < 0 && exitCodes.stream().allMatch(c -> c == 0);
    }

    long maxPeakRssBytes() {
        return peakRssBytes.stream().mapToLong(Long::longValue).max().orElse(0);
    }

    double totalCpuSeconds() {
        return cpuSeconds.stream().mapToDouble(Double::doubleValue).sum();
    }
}
