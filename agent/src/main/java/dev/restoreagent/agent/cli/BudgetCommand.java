package dev.restoreagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreagent.units.Sizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.util.Locale;
import java.util.concurrent.Callable;

/** {@code restore-agent budget}: the daemon's memory budget and who holds it. */
@Command(name = "budget", mixinStandardHelpOptions = true,
        description = "Shows the daemon's memory budget: total, in use, available, the jobs waiting for it,"
                + " and how much each job holds.")
public final class BudgetCommand implements Callable<Integer> {
    @Mixin
    ClientOptions client;

    @Override
    public Integer call() {
        return client.run(c -> client.answer(c.budget(), BudgetCommand::describe));
    }

    /** A summary line, then a line per job holding or waiting for memory. */
    static String describe(JsonNode budget) {
        StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
                "memory budget %s: %s in use, %s available, %d waiting%n",
                Sizes.format(budget.path("total_bytes").asLong()), Sizes.format(budget.path("in_use_bytes").asLong()),
                Sizes.format(budget.path("available_bytes").asLong()), budget.path("waiting").asInt()));
        for (JsonNode job : budget.path("jobs")) {
            text.append(String.format(Locale.ROOT, "  %s  %-9s %s%n", job.path("id").asText(),
                    job.path("state").asText(), Sizes.format(job.path("bytes").asLong())));
        }
        return text.toString();
    }
}
