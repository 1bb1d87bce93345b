package dev.restoreagent.agent;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Reads a daemon's {@code GET /v1/budget} over and over on a thread of its own while a test does its worst,
 * and notes every answer that shows more memory in use than the budget has: in use, the allocator's direct
 * memory of the data path, or the peak. Answers that do not come (the daemon is down or starting) are skipped.
 */
public final class BudgetSampler {
    private static final long INTERVAL_MILLIS = 100;

    private final DaemonProcess daemon;
    private final Thread thread;
    private final List<String> violations = new ArrayList<>();
    private volatile boolean stopped;
    private int samples;
    private long highestInUse;
    private long highestDirect;

    private BudgetSampler(DaemonProcess daemon) {
        this.daemon = daemon;
        this.thread = new Thread(this::loop, "budget sampler");
        thread.setDaemon(true);
    }

    /** Starts sampling {@code daemon}, whichever of its processes runs. */
    public static BudgetSampler start(DaemonProcess daemon) {
        BudgetSampler sampler = new BudgetSampler(daemon);
        sampler.thread.start();
        return sampler;
    }

    private void loop() {
        while (!stopped) {
            try {
                DaemonProcess.Answer answer = daemon.call("GET", "/v1/budget", null);
                if (answer.status() == 200 && answer.body() != null) {
                    note(answer.body());
                }
                Thread.sleep(INTERVAL_MILLIS);
            } catch (InterruptedException e) {
                return;
            } catch (Exception e) {
                // curl found no daemon: it is being killed or started
            }
        }
    }

    private synchronized void note(JsonNode budget) {
        samples++;
        long total = budget.get("total_bytes").asLong();
        long inUse = budget.get("in_use_bytes").asLong();
        long direct = budget.get("direct_memory_used_bytes").asLong();
        long peak = budget.get("peak_in_use_bytes").asLong();
        highestInUse = Math.max(highestInUse, inUse);
        highestDirect = Math.max(highestDirect, direct);
        if (inUse > total || inUse < 0 || direct > total || peak > total) {
            violations.add(budget.toString());
        }
    }

    /** Stops sampling and waits for the sampler's thread; idempotent. */
    public void stop() throws InterruptedException {
        stopped = true;
        thread.interrupt();
        thread.join(TimeUnit.MINUTES.toMillis(1));
    }

    /** The answers that showed more in use than the budget's total. */
    public synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    /** How many answers were read. */
    public synchronized int samples() {
        return samples;
    }

    /** The most bytes in use any answer showed. */
    public synchronized long highestInUse() {
        return highestInUse;
    }

    public synchronized String summary() {
        return samples + " budget samples, highest in use " + highestInUse + " bytes, highest direct memory "
                + highestDirect + " bytes";
    }
}
