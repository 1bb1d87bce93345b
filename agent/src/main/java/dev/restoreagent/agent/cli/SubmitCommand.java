package dev.restoreagent.agent.cli;

import dev.restoreagent.agent.client.ControlClient;
import dev.restoreagent.agent.job.RestoreRequests;
import dev.restoreagent.api.JobView;
import dev.restoreagent.api.RestoreRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code restore-agent submit}: hands a restore to the daemon. */
@Command(name = "submit", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Hands a restore to the running daemon (restore-agent serve), which queues it for its"
                + " memory budget and runs it. Takes the same source and target options as restore; relative"
                + " paths are made absolute here. Prints the job's id.",
                "",
                "Examples:",
                "  restore-agent submit --backup-root /var/lib/cinder/backup --backup-id ID --to rbd:volumes/vm-1"
                        + " --create",
                "  restore-agent submit --image /srv/images/disk.img.zst --to /dev/sdb --watch"})
public final class SubmitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    RestoreOptions what;

    @Mixin
    ClientOptions client;

    @Option(names = "--store", paramLabel = "NAME",
            description = "Read the backup from the Swift or S3 store agent.conf names so (store.NAME.type), in"
                    + " --container (its bucket or container; default: the export record's, else volumebackups); or"
                    + " a Ceph-driver backup (or --from) from the Ceph cluster it names (store.NAME.type = ceph).")
    String store;

    @Option(names = "--idempotency-key", paramLabel = "KEY",
            description = "Submitting again with the same key gives the existing job instead of a new one.")
    String idempotencyKey;

    @Option(names = "--watch", description = "Follow the job until it finishes, as watch does, and exit with its"
            + " outcome's code.")
    boolean watch;

    @Override
    public Integer call() {
        if ("-".equals(what.source.image)) {
            throw new ParameterException(spec.commandLine(), "--image - (standard input) works with restore only:"
                    + " the daemon cannot read this command's input");
        }
        RestoreRequest request = what.toRequest(idempotencyKey, store, null);
        try {
            RestoreRequests.validate(request);
        } catch (RestoreRequests.FieldException e) {
            throw new ParameterException(spec.commandLine(), e.withOptionNames(), e);
        }
        return client.run(c -> submit(c, request));
    }

    private int submit(ControlClient c, RestoreRequest request) throws IOException {
        ControlClient.Submission submission = c.submit(request);
        JobView job = JobView.parse(submission.job());
        if (client.json()) {
            client.print(submission.job());
        } else {
            client.out().println(job.id());
            client.out().flush();
            if (!submission.created()) {
                client.err().println("restore-agent: job " + job.id() + " has idempotency key " + idempotencyKey
                        + " already; not submitted again");
                client.err().flush();
            }
        }
        if (!watch) {
            return ExitCode.OK;
        }
        Duration interval = Duration.ofSeconds(WatchCommand.DEFAULT_INTERVAL_SECONDS);
        return new WatchCommand.Follower(client, ProgressPrinter.Mode.AUTO, interval).follow(c, List.of(job.id()));
    }
}
