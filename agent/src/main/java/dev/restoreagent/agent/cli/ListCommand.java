package dev.restoreagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreagent.api.JobView;
import dev.restoreagent.units.Sizes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.Callable;

/** {@code restore-agent list}: the daemon's jobs, newest first. */
@Command(name = "list", mixinStandardHelpOptions = true,
        description = "Lists the daemon's restore jobs, newest first: id, state, progress and target.")
public final class ListCommand implements Callable<Integer> {
    private static final List<String> HEADER = List.of("ID", "STATE", "PROGRESS", "TARGET");

    @Mixin
    ClientOptions client;

    @Override
    public Integer call() {
        return client.run(c -> client.answer(c.list(), answer -> table(answer.path("restores"))));
    }

    /** A header and a row per job, in columns two spaces apart; the last column is not padded. */
    static String table(JsonNode restores) throws IOException {
        List<List<String>> rows = new ArrayList<>();
        rows.add(HEADER);
        for (JsonNode node : restores) {
            JobView job = JobView.parse(node);
            rows.add(List.of(job.id(), job.state().name(), progress(job), job.target()));
        }
        int[] widths = new int[HEADER.size()];
        for (List<String> row : rows) {
            for (int i = 0; i < widths.length; i++) {
                widths[i] = Math.max(widths[i], row.get(i).length());
            }
        }
        StringBuilder table = new StringBuilder();
        for (List<String> row : rows) {
            for (int i = 0; i < widths.length - 1; i++) {
                table.append(row.get(i)).append(" ".repeat(widths[i] - row.get(i).length() + 2));
            }
            table.append(row.get(widths.length - 1)).append(System.lineSeparator());
        }
        return table.toString();
    }

    /** {@code 1.2 GiB/4.0 GiB 30%}; {@code 1.2 GiB/?} while the total is unknown. */
    private static String progress(JobView job) {
        String done = Sizes.format(job.bytesDone()) + "/";
        if (job.bytesTotal() == null) {
            return done + "?";
        }
        OptionalInt percent = job.percentDone();
        return done + Sizes.format(job.bytesTotal()) + (percent.isPresent() ? " " + percent.getAsInt() + "%" : "");
    }
}
