package dev.restoreagent.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Samples the machine's load every {@link #INTERVAL_MILLIS} ms on a daemon thread of its own, from when it
 * is started until it is closed: the kernel's one-minute load average, and the CPU that processes other than
 * the harness's used meanwhile ({@link OtherCpu}). Thread-safe.
 */
final class LoadSampler implements AutoCloseable {
    static final long INTERVAL_MILLIS = 1000;

    /**
     * One sample.
     *
     * @param seconds the time since the sample before, which this one covers
     * @param loadAverage the kernel's one-minute load average at its end, NaN if unreadable
     * @param otherCpuSeconds the CPU other processes used in it
     */
    record Sample(double seconds, double loadAverage, double otherCpuSeconds) {}

    private final OtherCpu otherCpu;
    private final List<Sample> samples = new ArrayList<>(); // guarded by this
    private final Thread thread;

    private LoadSampler(OtherCpu otherCpu) {
        this.otherCpu = otherCpu;
        this.thread = new Thread(this::run, "load-sampler");
        thread.setDaemon(true);
    }

    /** Takes a first reading, then samples until closed. */
    static LoadSampler start(OtherCpu otherCpu) {
        LoadSampler sampler = new LoadSampler(otherCpu);
        otherCpu.ticksSince(OtherCpu.read());
        sampler.thread.start();
        return sampler;
    }

    private void run() {
        long last = System.nanoTime();
        while (!Thread.currentThread().isInterrupted()) {
            try {
                Thread.sleep(INTERVAL_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            long ticks = otherCpu.ticksSince(OtherCpu.read());
            long now = System.nanoTime();
            Sample s = new Sample((now - last) / 1e9, loadAverage(),
                    (double) ticks / ProcessWatch.CLOCK_TICKS_PER_SECOND);
            last = now;
            synchronized (this) {
                samples.add(s);
            }
        }
    }

    /** How many samples there are so far: a mark for {@link #since(int)}. */
    synchronized int count() {
        return samples.size();
    }

    /** The samples taken after {@code mark} (an earlier {@link #count()}). */
    synchronized List<Sample> since(int mark) {
        return List.copyOf(samples.subList(mark, samples.size()));
    }

    /** The kernel's one-minute load average now ({@code /proc/loadavg}), NaN if it cannot be read. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    @Override
    public void close() throws InterruptedException {
        thread.interrupt();
        thread.join();
    }
}
