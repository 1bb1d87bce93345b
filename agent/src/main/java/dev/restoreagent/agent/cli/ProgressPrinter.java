package dev.restoreagent.agent.cli;

import dev.restoreagent.agent.restore.Progress;
import dev.restoreagent.agent.restore.Restore;
import dev.restoreagent.io.DaemonThreads;
import dev.restoreagent.units.Sizes;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Shows a running restore's progress on stderr: a bar redrawn in place on a terminal, plain
 * lines at an interval otherwise (for logs and journald), nothing in quiet mode.
 */
final class ProgressPrinter implements AutoCloseable {
    /** How progress is shown. */
    enum Mode { AUTO, BAR, PLAIN, NONE }

    private static final int BAR_WIDTH = 30;

    private final PrintStream out;
    private final Supplier<Progress> progress;
    private final boolean bar;
    private final Thread thread;
    private volatile boolean stopped;
    private int lastLength;

    ProgressPrinter(PrintStream out, Supplier<Progress> progress, boolean bar, Duration interval) {
        this.out = out;
        this.progress = progress;
        this.bar = bar;
        this.thread = DaemonThreads.named("progress").newThread(() -> loop(interval));
    }

    void start() {
        thread.start();
    }

    private void loop(Duration interval) {
        long sleepMillis = bar ? 250 : interval.toMillis();
        while (!stopped) {
            try {
                Thread.sleep(sleepMillis);
            } catch (InterruptedException e) {
                return;
            }
            if (!stopped) {
                print(progress.get());
            }
        }
    }

    private synchronized void print(Progress p) {
        String line = format(p, bar);
        if (bar) {
            String padded = line + " ".repeat(Math.max(0, lastLength - line.length()));
            out.print("\r" + padded);
            lastLength = line.length();
        } else {
            out.println(line);
        }
        out.flush();
    }

    static String format(Progress p, boolean bar) {
        if (p.state() == Restore.State.QUEUED || p.state() == Restore.State.NEW) {
            return "waiting for memory budget...";
        }
        StringBuilder line = new StringBuilder();
        if (bar && p.totalBytes() > 0) {
            int filled = (int) Math.min(BAR_WIDTH, p.doneBytes() * BAR_WIDTH / p.totalBytes());
            line.append('[').append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled)).append("] ");
        } else if (!bar) {
            line.append("progress: ");
        }
        line.append(Sizes.format(p.doneBytes()));
        if (p.totalBytes() >= 0) {
            line.append(" of ").append(Sizes.format(p.totalBytes()));
            if (p.totalBytes() > 0) {
                line.append(String.format(Locale.ROOT, " (%d%%)", p.doneBytes() * 100 / p.totalBytes()));
            }
        }
        line.append(", ").append(Sizes.format((long) p.bytesPerSecond())).append("/s");
        long eta = p.etaSeconds();
        if (eta >= 0) {
            line.append(", ETA ").append(clock(eta));
        }
        return line.toString();
    }

    static String clock(long seconds) {
        return seconds >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60)
                : String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }

    /** Stops printing and ends the bar's line. */
    @Override
    public void close() {
        stopped = true;
        thread.interrupt();
        try {
            thread.join(1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (this) {
            if (bar && lastLength > 0) {
                out.print("\r" + " ".repeat(lastLength) + "\r");
                out.flush();
                lastLength = 0;
            }
        }
    }
}
