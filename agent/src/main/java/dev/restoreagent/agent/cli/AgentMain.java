package dev.restoreagent.agent.cli;

import dev.restoreagent.agent.log.AgentLogManager;
import dev.restoreagent.agent.log.AgentLogging;
import dev.restoreagent.agent.failure.RestoreFailure;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;

import java.util.logging.Level;
import java.util.logging.Logger;

/** The {@code restore-agent} command. */
@Command(name = "restore-agent", mixinStandardHelpOptions = true, versionProvider = AgentMain.Version.class,
        description = "Restores block-device backups (Cinder chunked backups, image streams) into files and "
                + "block devices, streaming through a fixed memory budget.",
        subcommands = {RestoreCommand.class, VerifyCommand.class, ServeCommand.class, SubmitCommand.class, ListCommand.class,
                ShowCommand.class, WatchCommand.class, CancelCommand.class, BudgetCommand.class,
                WarmUpCommand.class},
        footerHeading = "%nExit codes:%n",
        footer = {"  0    success", "  2    usage error", "  3    bad input (backup or stream malformed, missing,"
                + " unsupported)", "  4    verification failed (md5, length, corrupt or truncated data)",
                "  5    target problem (missing, too small, write failed)",
                " 69    the daemon cannot be reached (client commands)", " 70    internal error",
                " 71    serve: another agent runs on its state directory or socket",
                " 77    the daemon refused this caller",
                "130    cancelled"})
public final class AgentMain {
    static {
        // before the first Logger below: java.util.logging reads it once, when it starts
        if (System.getProperty(AgentLogManager.PROPERTY) == null) {
            System.setProperty(AgentLogManager.PROPERTY, AgentLogManager.class.getName());
        }
    }

    private static final Logger LOG = Logger.getLogger(AgentMain.class.getName());

    private AgentMain() {
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs the command line and returns the exit code; for tests. */
    public static int run(String... args) {
        if (args.length == 1 && (args[0].equals("--version") || args[0].equals("-V"))) {
            // what scripts probe an install with, answered before picocli loads: its 160 classes are Java 5
            // class files, which no class-data archive holds, and loading them took 0.2 s of a 0.35 s start
            for (String line : new Version().getVersion()) {
                System.out.println(line);
            }
            return ExitCode.OK;
        }
        // a command's warnings as its other lines; serve installs the daemon's log in their place
        AgentLogging.installForCommand(() -> System.err);
        return commandLine(args).setCaseInsensitiveEnumValuesAllowed(true)
                .setExecutionExceptionHandler(AgentMain::unexpected)
                .setParameterExceptionHandler(AgentMain::usageError).execute(args);
    }

    /**
     * The command line that runs {@code args}: the root with only the subcommand they name; the whole tree
     * otherwise (help, an unknown command: their messages list every command). picocli builds a model of every
     * option of every command it holds, and for the whole tree that took 0.2 s of every start (measured
     * 2026-12-07).
     */
    static CommandLine commandLine(String... args) {
        Command root = AgentMain.class.getAnnotation(Command.class);
        if (args.length > 0) {
            for (Class<?> subcommand : root.subcommands()) {
                if (subcommand.getAnnotation(Command.class).name().equals(args[0])) {
                    CommandLine line = new CommandLine(lean(root));
                    line.addSubcommand(new CommandLine(subcommand, CommandLine.defaultFactory()));
                    return line;
                }
            }
        }
        return new CommandLine(new AgentMain());
    }

    /** The root as a subcommand needs it: its name, version and standard options. */
    private static CommandSpec lean(Command root) {
        CommandSpec spec = CommandSpec.wrapWithoutInspection(new AgentMain()).name(root.name())
                .mixinStandardHelpOptions(true);
        spec.versionProvider(new Version());
        return spec;
    }

    /** A usage error: the one line that matters and where to read more, not the whole help above it. */
    private static int usageError(CommandLine.ParameterException e, String[] args) {
        CommandLine command = e.getCommandLine();
        command.getErr().println("restore-agent: " + e.getMessage());
        command.getErr().println("Try '" + command.getCommandSpec().qualifiedName() + " --help' for more.");
        return ExitCode.USAGE;
    }

    /** A command threw what it should have handled: one line and exit 70, the trace at debug level. */
    private static int unexpected(Exception e, CommandLine command, CommandLine.ParseResult parsed) {
        LOG.log(Level.FINE, "restore-agent " + command.getCommandName() + " failed unexpectedly", e);
        command.getErr().println("restore-agent: " + RestoreFailure.internal(e).getMessage());
        return ExitCode.INTERNAL;
    }

    /** The version from the jar's manifest, or {@code development} when run from classes. */
    static String version() {
        String version = AgentMain.class.getPackage().getImplementationVersion();
        return version == null ? "development" : version;
    }

    /** {@code restore-agent VERSION} for {@code --version}. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"restore-agent " + version()};
        }
    }
}
