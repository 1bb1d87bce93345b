package dev.restoreagent.agent.cli;

import dev.restoreagent.api.JobView;
import dev.restoreagent.units.Sizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code restore-agent show ID}: one job in full. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "Shows one restore job of the daemon: source, target, progress, outcome and times.")
public final class ShowCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Parameters(paramLabel = "ID", description = "The job, as submit or list printed it.")
    String id;

    @Override
    public Integer call() {
        return client.run(c -> client.answer(c.job(id), answer -> describe(JobView.parse(answer))));
    }

    /** {@code label: value} lines, leaving out what does not apply to the job's state. */
    static String describe(JobView job) {
        StringBuilder text = new StringBuilder();
        field(text, "id", job.id());
        field(text, "state", job.state().name());
        if (job.queuePosition() != null) {
            field(text, "queue position", job.queuePosition().toString());
        }
        field(text, "source", job.source());
        field(text, "target", job.target());
        field(text, "progress", ProgressPrinter.progress(job));
        field(text, "written", Sizes.format(job.bytesWritten()));
        field(text, "skipped as zero", Sizes.format(job.bytesSkippedZero()));
        field(text, "zeroed", Sizes.format(job.bytesZeroed()));
        if (job.error() != null) {
            field(text, "error", (job.errorKind() == null ? "" : job.errorKind() + ": ") + job.error());
        }
        field(text, "created", job.createdAt());
        field(text, "started", job.startedAt());
        field(text, "finished", job.finishedAt());
        return text.toString();
    }

    private static void field(StringBuilder text, String label, String value) {
        if (value != null) {
            text.append(String.format("%-16s %s%n", label + ":", value));
        }
    }
}
