package dev.restoreagent.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * Samples processes from {@code /proc} every {@link #INTERVAL_MS} ms on a thread of its own: the
 * kernel's high-water mark of each one's resident set ({@code VmHWM}) and its CPU time ({@code utime
 * + stime}). Optionally kills the watched processes once their resident sets together pass a limit,
 * the harness's stand-in for the OOM killer; or watches a process's descendants too, as they come and go.
 */
final class ProcessWatch implements AutoCloseable {
    static final int INTERVAL_MS = 10;
    /** A tree watch looks for new descendants every this many samples: a scan of /proc is dearer than a sample. */
    private static final int DESCENDANT_SCAN_SAMPLES = 10;
    /** The unit of {@code /proc}'s CPU times ({@code getconf CLK_TCK}). */
    static final long CLOCK_TICKS_PER_SECOND = clockTicks();

    private final List<ProcessHandle> processes;
    private final long killAboveRssBytes;
    private final boolean withDescendants;
    private final Predicate<ProcessHandle> descendantFilter;
    private final Set<ProcessHandle> descendants = ConcurrentHashMap.newKeySet();
    private int samples;
    private final Map<Long, long[]> seen = new ConcurrentHashMap<>(); // pid -> {peak VmHWM bytes, cpu ticks}
    private final Thread sampler;
    private volatile boolean stopped;
    private volatile long killedAtRssBytes = -1;

    private ProcessWatch(List<ProcessHandle> processes, long killAboveRssBytes, boolean withDescendants,
                         Predicate<ProcessHandle> descendantFilter) {
        this.processes = processes;
        this.killAboveRssBytes = killAboveRssBytes;
        this.withDescendants = withDescendants;
        this.descendantFilter = descendantFilter;
        this.sampler = new Thread(this::run, "process-watch");
        sampler.setDaemon(true);
        sampler.start();
    }

    /** Watches {@code processes} until closed. */
    static ProcessWatch of(List<ProcessHandle> processes) {
        return new ProcessWatch(processes, Long.MAX_VALUE, false, p -> false);
    }

    /**
     * Watches {@code root} and the processes it starts, children and theirs, that {@code filter} accepts (it is
     * asked again at each scan: a child may still be its parent's fork, before its exec), found within
     * {@code DESCENDANT_SCAN_SAMPLES} samples of their start: {@link #descendantsPeakRssBytes()}.
     */
    static ProcessWatch ofTree(ProcessHandle root, Predicate<ProcessHandle> filter) {
        return new ProcessWatch(List.of(root), Long.MAX_VALUE, true, filter);
    }

    /** A filter for {@link #ofTree}: processes running {@code command} (its file name, e.g. {@code rbd}). */
    static Predicate<ProcessHandle> running(String command) {
        return p -> p.info().command().map(c -> Path.of(c).getFileName().toString().equals(command)).orElse(false);
    }

    /** Watches {@code processes} and kills them all (SIGKILL) when their resident sets sum above the limit. */
    static ProcessWatch killingAbove(List<ProcessHandle> processes, long rssLimitBytes) {
        return new ProcessWatch(processes, rssLimitBytes, false, p -> false);
    }

    private void run() {
        while (!stopped) {
            sampleOnce();
            try {
                Thread.sleep(INTERVAL_MS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Takes one sample now; also called by {@link #close()} so that a still-running process is read last. */
    private synchronized void sampleOnce() {
        if (withDescendants && samples++ % DESCENDANT_SCAN_SAMPLES == 0) {
            processes.forEach(p -> p.descendants().filter(descendantFilter).forEach(descendants::add));
        }
        long rssSum = 0;
        for (ProcessHandle p : withDescendants ? concat(processes, descendants) : processes) {
            long[] now = read(p.pid());
            if (now == null) {
                continue; // exited: its last sample stands
            }
            seen.merge(p.pid(), new long[] {now[0], now[2]},
                    (a, b) -> new long[] {Math.max(a[0], b[0]), Math.max(a[1], b[1])});
            rssSum += now[1];
        }
        if (rssSum > killAboveRssBytes && killedAtRssBytes < 0) {
            killedAtRssBytes = rssSum;
            processes.forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** {VmHWM bytes, VmRSS bytes, utime+stime ticks}, or null once the process is gone. */
    private static long[] read(long pid) {
        try {
            long hwm = -1;
            long rss = -1;
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmHWM:")) {
                    hwm = kib(line);
                } else if (line.startsWith("VmRSS:")) {
                    rss = kib(line);
                }
            }
            if (hwm < 0 || rss < 0) {
                return null; // a zombie has no memory lines
            }
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            // fields after the command name, which is in parentheses and may hold spaces
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new long[] {hwm, rss, Long.parseLong(f[11]) + Long.parseLong(f[12])};
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    private static long kib(String line) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
    }

    /** Peak resident set of {@code process} so far, bytes (0 if never sampled). */
    long peakRssBytes(ProcessHandle process) {
        sampleOnce();
        long[] s = seen.get(process.pid());
        return s == null ? 0 : s[0];
    }

    /** CPU seconds (user and system) {@code process} has used so far, as last sampled. */
    double cpuSeconds(ProcessHandle process) {
        sampleOnce();
        long[] s = seen.get(process.pid());
        return s == null ? 0 : (double) s[1] / CLOCK_TICKS_PER_SECOND;
    }

    /**
     * The peaks of a tree watch's descendants, summed: an upper bound of what they held at once (the stages of a
     * pipeline run together); 0 if none was seen.
     */
    long descendantsPeakRssBytes() {
        sampleOnce();
        return descendants.stream().map(p -> seen.get(p.pid())).filter(s -> s != null).mapToLong(s -> s[0]).sum();
    }

    /** How many descendants a tree watch has seen. */
    int descendantsSeen() {
        return (int) descendants.stream().filter(p -> seen.containsKey(p.pid())).count();
    }

    private static List<ProcessHandle> concat(List<ProcessHandle> a, Set<ProcessHandle> b) {
        List<ProcessHandle> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    /** The summed resident set at which the processes were killed, or -1 if they were not. */
    long killedAtRssBytes() {
        return killedAtRssBytes;
    }

    @Override
    public void close() {
        stopped = true;
        sampler.interrupt();
        try {
            sampler.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static long clockTicks() {
        try {
            Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            p.waitFor();
            return Long.parseLong(out);
        } catch (IOException | NumberFormatException e) {
            return 100; // Linux's USER_HZ on every architecture the agent runs on
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 100;
        }
    }
}
