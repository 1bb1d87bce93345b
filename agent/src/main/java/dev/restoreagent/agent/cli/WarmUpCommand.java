package dev.restoreagent.agent.cli;

import dev.restoreagent.agent.daemon.DataPathWarmup;
import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.restore.RestoreSettings;
import dev.restoreagent.io.memory.MemoryBudget;
import dev.restoreagent.units.Sizes;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/**
 * {@code restore-agent warm-up}: the daemon's start-up warm-up as a command of its own. Its use is the
 * training run of {@code bin/restore-agent-cds}, which records the classes it loads in the class-data
 * archive the launcher then maps; it also tells whether the data path works on this node at all.
 */
@Command(name = "warm-up", hidden = true, mixinStandardHelpOptions = true,
        description = "Runs a built-in sample through every decoder, md5, sha256 and the read-ahead, as serve"
                + " does when it starts, and says how long that took.")
public final class WarmUpCommand implements Callable<Integer> {

    @Override
    public Integer call() throws InterruptedException {
        try (MemoryBudget budget = new MemoryBudget(Sizes.parse(RestoreCommand.DEFAULT_MEMORY_BUDGET))) {
            System.out.println(DataPathWarmup.run(budget, RestoreSettings.defaults(), () -> false));
            return ExitCode.OK;
        } catch (RestoreFailure e) {
            System.err.println("restore-agent: warm-up failed: " + e.getMessage());
            return ExitCode.of(e.kind());
        }
    }
}
