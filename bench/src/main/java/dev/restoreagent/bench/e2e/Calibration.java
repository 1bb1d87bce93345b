package dev.restoreagent.bench.e2e;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The run's yardstick: a fixed, CPU-bound, deterministic piece of work, timed. Each of {@code threads}
 * threads computes the SHA-256 of the same pseudo-random buffer (a fixed seed) a fixed number of times, all at
 * once: with one thread per core, anything else running takes a core from it and shows as a longer time (a
 * single thread would not notice another build on the other core). It neither reads nor writes a file, so
 * the page cache and the disks do not move it. Not thread-safe: one caller at a time.
 */
final class Calibration {
    /** 8 MiB hashed 32 times per core: about 300 ms with the CPU's SHA instructions (2 cores, 2026-12). */
    static final int BUFFER_BYTES = 8 << 20;
    static final int PASSES = 32;
    /** Timings per {@link #millis()}, of which it reports the median: one stray wake-up does not move it. */
    private static final int TIMINGS = 3;
    private static final long SEED = 22; // issue 22

    private final byte[] buffer;
    private final int passes;
    private final int threads;

    Calibration(int bufferBytes, int passes, int threads) {
        this.buffer = new byte[bufferBytes];
        new SplittableRandom(SEED).nextBytes(buffer);
        this.passes = passes;
        this.threads = threads;
    }

    /** The harness's calibration, one thread per core, warmed up: the first timing is not the JIT's. */
    static Calibration onEveryCore() throws InterruptedException {
        Calibration c = new Calibration(BUFFER_BYTES, PASSES, Runtime.getRuntime().availableProcessors());
        c.once();
        return c;
    }

    /** The median of three timings of the work, milliseconds; blocks meanwhile (about a second). */
    double millis() throws InterruptedException {
        double[] timings = new double[TIMINGS];
        for (int i = 0; i < TIMINGS; i++) {
            timings[i] = once();
        }
        Arrays.sort(timings);
        return timings[TIMINGS / 2];
    }

    private double once() throws InterruptedException {
        long t0 = System.nanoTime();
        List<Thread> workers = new ArrayList<>();
        for (int i = 0; i < threads; i++) {
            Thread t = new Thread(this::hash, "calibration-" + i);
            workers.add(t);
            t.start();
        }
        for (Thread t : workers) {
            t.join();
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    private void hash() {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            for (int i = 0; i < passes; i++) {
                sha256.update(buffer);
            }
            sha256.digest();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
