package dev.restoreagent.agent.cli;

import dev.restoreagent.agent.daemon.Agent;
import dev.restoreagent.agent.daemon.AgentConfig;
import dev.restoreagent.agent.daemon.AgentStartException;
import dev.restoreagent.agent.log.AgentLogging;
import dev.restoreagent.agent.log.JournalStream;
import dev.restoreagent.agent.log.LogFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Logger;

/** {@code restore-agent serve}: the daemon, until SIGTERM. */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Runs the agent: restores asked for on its Unix socket (see restore-agent submit), under one"
                + " memory budget. Stops on SIGTERM: running restores drain and resume at the next start."})
final class ServeCommand implements Callable<Integer> {
    private static final Logger LOG = Logger.getLogger(ServeCommand.class.getName());

    @Option(names = "--config", paramLabel = "FILE",
            description = "Configuration; it must exist (default: /etc/restore-agent/agent.conf, whose absence means"
                    + " every default).")
    Path config;

    @Option(names = "--log-format", paramLabel = "FORMAT", defaultValue = "plain",
            description = "How log lines on stderr look: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}); json is"
                    + " one object per line with time, level, logger, message and job.")
    LogFormat logFormat;

    @Override
    public Integer call() throws Exception {
        // one line per event, no colour: journald adds the time and the unit, and takes the priority
        boolean journal = JournalStream.isStderr();
        AgentLogging.install(logFormat, journal, () -> System.err);
        // refusals to start are errors in the journal too, but not log records: scripts read them as they are
        String refused = (journal ? "<3>" : "") + "restore-agent: ";
        AgentConfig loaded;
        Path file = config == null ? AgentConfig.DEFAULT_FILE : config;
        if (config != null && !Files.exists(config)) {
            // a file named on purpose and missing is a mistake, not a wish for the defaults
            System.err.println(refused + config + ": no such configuration file");
            return ExitCode.USAGE;
        }
        try {
            loaded = AgentConfig.load(file);
        } catch (AgentConfig.ConfigException e) {
            // the operator's mistake, not ours: one sentence naming the line, no stack trace
            System.err.println(refused + e.getMessage());
            return ExitCode.USAGE;
        }
        if (!Files.exists(file)) {
            LOG.info("no " + file + ": every setting is its default");
        }
        Agent agent;
        try {
            agent = Agent.start(loaded, AgentMain.version());
        } catch (AgentStartException e) {
            System.err.println(refused + e.getMessage());
            return ExitCode.CANNOT_START;
        }
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
