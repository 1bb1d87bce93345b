package dev.restoreagent.agent.cli;

import dev.restoreagent.agent.daemon.DataPathWarmup;
import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.restore.RestoreSettings;
import dev.restoreagent.agent.source.store.S3ClientWarmup;
import dev.restoreagent.io.memory.MemoryBudget;
import dev.restoreagent.units.Sizes;
import picocli.CommandLine.Command;

import java.io.IOException;
import java.util.concurrent.Callable;

/**
 * {@code restore-agent warm-up}: the daemon's start-up warm-up as a command of its own. Its use is the
 * training run of {@code bin/restore-agent-cds}, which records the classes it loads in the class-data
 * archive the launcher then maps (the S3 client's too); it also tells whether the data path works on this node.
 */
@Command(name = "warm-up", hidden = true, mixinStandardHelpOptions = true,
        description = "Runs a built-in sample through every decoder, md5, sha256 and the read-ahead, as serve"
                + " does when it starts, and reads objects through the S3 client from a stub gateway on"
                + " loopback; says what it did.")
public final class WarmUpCommand implements Callable<Integer> {
    @Override
    public Integer call() throws InterruptedException {
        try (MemoryBudget budget = new MemoryBudget(Sizes.parse(RestoreCommand.DEFAULT_MEMORY_BUDGET))) {
            System.out.println(DataPathWarmup.run(budget, RestoreSettings.defaults(), () -> false));
        } catch (RestoreFailure e) {
            System.err.println("restore-agent: warm-up failed: " + e.getMessage());
            return ExitCode.of(e.kind());
        }
        try {
            System.out.println(S3ClientWarmup.run());
            return ExitCode.OK;
        } catch (IOException e) {
            System.err.println("restore-agent: warm-up failed: the S3 client: " + e.getMessage());
            return ExitCode.INTERNAL;
        }
    }
}
