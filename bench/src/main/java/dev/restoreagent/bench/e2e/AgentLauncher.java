package dev.restoreagent.bench.e2e;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Starts {@code bin/restore-agent} as operators run it: with the environment the packaged systemd unit
 * sets (its glibc malloc settings), read from the unit file itself so the two cannot drift apart.
 */
final class AgentLauncher {
    private final Path launcher;
    private final Map<String, String> environment;

    private AgentLauncher(Path launcher, Map<String, String> environment) {
        this.launcher = launcher;
        this.environment = environment;
    }

    /** The launcher of the checkout {@code root}, with the environment of its packaged unit. */
    static AgentLauncher of(Path root) throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(root.resolve("packaging/src/common/restore-agent.service"))) {
            if (line.startsWith("Environment=")) {
                for (String pair : line.substring("Environment=".length()).trim().split("\\s+")) {
                    int eq = pair.indexOf('=');
                    env.put(pair.substring(0, eq), pair.substring(eq + 1));
                }
            }
        }
        if (env.isEmpty()) {
            throw new IOException("the packaged unit sets no Environment= line: has its malloc tuning moved?");
        }
        return new AgentLauncher(root.resolve("bin/restore-agent"), Map.copyOf(env));
    }

    /** The unit's environment, for the report. */
    Map<String, String> environment() {
        return environment;
    }

    /** {@code bin/restore-agent ARGS...}, its output to {@code log}. */
    ProcessBuilder command(List<String> args, Path log) {
        List<String> command = new ArrayList<>();
        command.add(launcher.toString());
        command.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().putAll(environment);
        return pb;
    }
}
