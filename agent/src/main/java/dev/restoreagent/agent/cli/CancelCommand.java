package dev.restoreagent.agent.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

import java.util.concurrent.Callable;

/** {@code restore-agent cancel ID}: asks the daemon to stop a job. */
@Command(name = "cancel", mixinStandardHelpOptions = true,
        description = {"Asks the daemon to stop a queued or running restore job. It turns CANCELLED once its"
                + " writes in flight have drained; 'watch ID' waits for that.",
                "A job that has finished already cannot be cancelled (exit code 2)."})
public final class CancelCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Parameters(paramLabel = "ID", description = "The job, as submit or list printed it.")
    String id;

    @Override
    public Integer call() {
        return client.run(c -> client.answer(c.cancel(id),
                answer -> "cancel requested: " + answer.path("id").asText(id) + System.lineSeparator()));
    }
}
