package dev.restoreagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreagent.agent.client.ControlClient;
import dev.restoreagent.api.JobView;
import dev.restoreagent.nativeb.libc.Terminal;
import dev.restoreagent.units.Sizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code restore-agent watch}: follows the daemon's jobs until each has finished. */
@Command(name = "watch", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Follows restore jobs of the daemon until every one has finished: a progress bar per job,"
                + " redrawn in place on a terminal, else a line per change of state and every 10 s.",
                "Exits with the code of the first job (in the order given) that did not succeed: 3 bad input,"
                        + " 4 verification, 5 target, 70 internal, 130 cancelled; 0 if all succeeded.",
                "With --output json, prints each job's JSON once it has finished, one per line."})
public final class WatchCommand implements Callable<Integer> {
    /** How often jobs are polled unless {@code --interval} says otherwise. */
    static final int DEFAULT_INTERVAL_SECONDS = 1;

    @Mixin
    ClientOptions client;

    @Parameters(paramLabel = "ID", arity = "0..*",
            description = "Jobs to follow (default: every queued or running job).")
    List<String> ids;

    @Option(names = "--progress", paramLabel = "MODE", defaultValue = "auto",
            description = "auto (a bar on a terminal, else lines), bar, plain, or none (only the outcome).")
    ProgressPrinter.Mode progressMode;

    @Option(names = "--interval", paramLabel = "SECONDS", defaultValue = "" + DEFAULT_INTERVAL_SECONDS,
            description = "How often to ask the daemon (default: ${DEFAULT-VALUE}).")
    double intervalSeconds;

    @Override
    public Integer call() {
        return client.run(c -> {
            List<String> watched = ids == null ? active(c) : ids;
            if (watched.isEmpty()) {
                client.err().println("restore-agent: no queued or running restores to watch");
                client.err().flush();
                return ExitCode.OK;
            }
            Duration interval = Duration.ofMillis(Math.max(10, Math.round(intervalSeconds * 1000)));
            return new Follower(client, progressMode, interval).follow(c, watched);
        });
    }

    private static List<String> active(ControlClient client) throws IOException {
        List<String> active = new ArrayList<>();
        for (JsonNode node : client.list().path("restores")) {
            JobView job = JobView.parse(node);
            if (!job.isFinished()) {
                active.add(job.id());
            }
        }
        return active;
    }

    /** What {@code restore-agent} exits with for a finished job, as {@code restore} would have. */
    static int exitCode(JobView job) {
        return switch (job.state()) {
            case SUCCEEDED -> ExitCode.OK;
            case CANCELLED -> ExitCode.CANCELLED;
            case FAILED -> job.errorKind() == null ? ExitCode.INTERNAL : ExitCode.of(job.errorKind());
            case QUEUED, RUNNING -> throw new IllegalStateException("job " + job.id() + " has not finished");
        };
    }

    /** {@code restored 4.0 GiB to /dev/sdb: ...}, {@code VERIFICATION: md5 mismatch ...}, and so on. */
    private static String outcome(JobView job) {
        return switch (job.state()) {
            case SUCCEEDED -> "restored " + Sizes.format(job.bytesDone()) + " to " + job.target() + ": "
                    + Sizes.format(job.bytesWritten()) + " written, " + Sizes.format(job.bytesSkippedZero())
                    + " skipped as zero, " + Sizes.format(job.bytesZeroed()) + " zeroed";
            case FAILED -> (job.errorKind() == null ? "" : job.errorKind() + ": ") + job.error();
            case CANCELLED -> "after " + Sizes.format(job.bytesDone());
            case QUEUED, RUNNING -> throw new IllegalStateException("job " + job.id() + " has not finished");
        };
    }

    /**
     * Polls jobs until all have finished, showing them on stdout. A finished job gets one full line;
     * in bar mode the unfinished ones get a bar line each, redrawn in place with ANSI cursor
     * movement below the finished ones. Used by {@code watch} and {@code submit --watch}.
     */
    static final class Follower {
        private static final Duration PLAIN_EVERY = Duration.ofSeconds(10);
        private static final int BAR_WIDTH = 20;
        private static final int DEFAULT_COLUMNS = 80;

        private final ClientOptions options;
        private final ProgressPrinter.Mode mode;
        private final Duration interval;
        private final Map<String, Long> printedAtNanos = new HashMap<>();
        private int barLines;

        Follower(ClientOptions options, ProgressPrinter.Mode mode, Duration interval) {
            this.options = options;
            this.mode = options.json() ? ProgressPrinter.Mode.NONE
                    : mode != ProgressPrinter.Mode.AUTO ? mode
                    // stdout, since following jobs is this command's output
                    : Terminal.isTerminal(1) ? ProgressPrinter.Mode.BAR : ProgressPrinter.Mode.PLAIN;
            this.interval = interval;
        }

        /** Follows {@code ids} to the end; returns the exit code of the first that did not succeed, else 0. */
        int follow(ControlClient client, List<String> ids) throws IOException {
            Map<String, JobView> jobs = new LinkedHashMap<>();
            for (;;) {
                List<JobView> finished = new ArrayList<>();
                for (String id : new LinkedHashSet<>(ids)) {
                    JobView before = jobs.get(id);
                    if (before == null || !before.isFinished()) {
                        JsonNode node = client.job(id);
                        JobView job = JobView.parse(node);
                        jobs.put(id, job);
                        if (job.isFinished()) {
                            finished.add(job);
                            if (options.json()) {
                                options.print(node);
                            }
                        } else if (mode == ProgressPrinter.Mode.PLAIN) {
                            plainLine(job, before);
                        }
                    }
                }
                show(finished, jobs.values());
                if (jobs.values().stream().allMatch(JobView::isFinished)) {
                    return jobs.values().stream().mapToInt(WatchCommand::exitCode)
                            .filter(code -> code != ExitCode.OK).findFirst().orElse(ExitCode.OK);
                }
                if (!sleep()) {
                    return ExitCode.CANCELLED;
                }
            }
        }

        private void plainLine(JobView job, JobView before) {
            long now = System.nanoTime();
            if (before == null || before.state() != job.state()
                    || now - printedAtNanos.get(job.id()) >= PLAIN_EVERY.toNanos()) {
                options.out().println(line(job, false));
                options.out().flush();
                printedAtNanos.put(job.id(), now);
            }
        }

        private void show(List<JobView> finished, Iterable<JobView> jobs) {
            if (options.json()) {
                return;
            }
            StringBuilder screen = new StringBuilder();
            if (barLines > 0) {
                // back to the first bar line, and erase it and all below
                screen.append("\033[").append(barLines).append("A\r\033[J");
            }
            for (JobView job : finished) {
                screen.append(line(job, false)).append('\n');
            }
            if (mode == ProgressPrinter.Mode.BAR) {
                barLines = 0;
                int columns = columns();
                for (JobView job : jobs) {
                    if (!job.isFinished()) {
                        // a bar line must not wrap, or moving up one line per job falls short
                        String line = line(job, true);
                        screen.append(line, 0, Math.min(line.length(), columns - 1)).append('\n');
                        barLines++;
                    }
                }
            }
            options.out().print(screen);
            options.out().flush();
        }

        private static int columns() {
            try {
                return Math.max(20, Integer.parseInt(System.getenv().getOrDefault("COLUMNS", "")));
            } catch (NumberFormatException e) {
                return DEFAULT_COLUMNS;
            }
        }

        /** One job on one line; a bar line has a short id and the bar for RUNNING, to fit 80 columns. */
        static String line(JobView job, boolean bar) {
            String id = bar && job.id().length() > 8 ? job.id().substring(0, 8) : job.id();
            return switch (job.state()) {
                case QUEUED -> id + " QUEUED" + (job.queuePosition() == null ? ""
                        : ", #" + job.queuePosition() + " in line") + ", waiting for memory budget";
                case RUNNING -> id + (bar ? " " + ProgressPrinter.bar(job, BAR_WIDTH) : " RUNNING ")
                        + ProgressPrinter.progress(job);
                case SUCCEEDED, FAILED, CANCELLED -> id + " " + job.state() + ": " + outcome(job);
            };
        }

        /** False if interrupted; the interrupt stays set. */
        private boolean sleep() {
            try {
                Thread.sleep(interval.toMillis());
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }
}
