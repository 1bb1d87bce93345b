package dev.restoreagent.testkit;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Command-line entry point of the test kit: {@code make-volume}, {@code mutate-volume}, {@code make-backup} and
 * {@code make-image}. Run {@code java -cp ... dev.restoreagent.testkit.TestkitMain help} for the options.
 */
@Command(
        name = "testkit",
        mixinStandardHelpOptions = true,
        description = "Makes test volumes, Cinder chunked backups and compressed image streams.",
        subcommands = {
            CommandLine.HelpCommand.class,
            MakeVolumeCommand.class,
            MutateVolumeCommand.class,
            MakeBackupCommand.class,
            MakeImageCommand.class
        })
public final class TestkitMain implements Runnable {

    @Spec private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "a subcommand is required");
    }

    /** Runs the command line and exits with its exit code. */
    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /**
     * The configured command line: failures in a subcommand print {@code error: <exception>} on its error writer
     * and give exit code 1; usage errors give 2.
     */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new TestkitMain());
        cl.setExecutionExceptionHandler(
                (e, cmd, parseResult) -> {
                    cmd.getErr().println("error: " + e);
                    return 1;
                });
        return cl;
    }
}
