package dev.restoreagent.agent.cli;

import dev.restoreagent.agent.daemon.Agent;
import dev.restoreagent.agent.daemon.AgentConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

/** {@code restore-agent serve}: the daemon, until SIGTERM. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Runs the agent: restores asked for on its Unix socket (see restore-agent submit), under one"
                + " memory budget. Stops on SIGTERM: running restores drain and resume at the next start."})
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--config", paramLabel = "FILE", description = "Configuration (default: ${DEFAULT-VALUE}).")
    Path config = AgentConfig.DEFAULT_FILE;

    @Override
    public Integer call() throws Exception {
        // one line per event, no colour: journald adds the time and the unit
        System.setProperty("java.util.logging.SimpleFormatter.format", "%4$s %5$s%6$s%n");
        AgentConfig loaded;
        try {
            loaded = AgentConfig.load(config);
        } catch (AgentConfig.ConfigException e) {
            // the operator's mistake, not ours: one sentence naming the line, no stack trace
            System.err.println("restore-agent: " + e.getMessage());
            return ExitCode.USAGE;
        }
        Agent agent = Agent.start(loaded, AgentMain.version());
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            agent.close();
            stopped.countDown();
            // a clean stop on SIGTERM exits 0, not the JVM's 143
            Runtime.getRuntime().halt(ExitCode.OK);
        }, "shutdown"));
        stopped.await();
        return ExitCode.OK;
    }
}
