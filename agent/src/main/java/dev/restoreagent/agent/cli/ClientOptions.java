package dev.restoreagent.agent.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreagent.agent.client.AgentUnreachableException;
import dev.restoreagent.agent.client.ControlClient;
import dev.restoreagent.agent.client.ControlClientException;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;

/**
 * The options of the commands that talk to the daemon ({@code submit}, {@code list}, ...): where
 * its socket is and how to print its answers. Runs a command's calls and turns failures into a
 * message on stderr and an exit code.
 */
final class ClientOptions {
    /** How answers are printed. */
    enum Output { TEXT, JSON }

    @Option(names = "--socket", paramLabel = "PATH",
            defaultValue = "${env:RESTORE_AGENT_SOCKET:-" + ControlClient.DEFAULT_SOCKET + "}",
            description = "The daemon's control socket (default: $RESTORE_AGENT_SOCKET, else "
                    + ControlClient.DEFAULT_SOCKET + ").")
    Path socket;

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text (for people) or json (the daemon's JSON as it is, for scripts).")
    Output output;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** What a command does with the daemon; returns the exit code. */
    interface Calls {
        int run(ControlClient client) throws IOException;
    }

    boolean json() {
        return output == Output.JSON;
    }

    PrintWriter out() {
        return command.commandLine().getOut();
    }

    PrintWriter err() {
        return command.commandLine().getErr();
    }

    /** Prints one JSON document on a line of stdout. */
    void print(JsonNode json) {
        out().println(json.toString());
        out().flush();
    }

    /** What a command prints of the daemon's answer when the output is text. */
    @FunctionalInterface
    interface Text {
        String of(JsonNode answer) throws IOException;
    }

    /** Prints {@code answer} as JSON with {@code --output json}, else as {@code text} makes it; exit code OK. */
    int answer(JsonNode answer, Text text) throws IOException {
        if (json()) {
            print(answer);
        } else {
            out().print(text.of(answer));
            out().flush();
        }
        return ExitCode.OK;
    }

    /** Runs {@code calls} with a client on the socket; prints why it failed, if it did. */
    int run(Calls calls) {
        try (ControlClient client = new ControlClient(socket)) {
            return calls.run(client);
        } catch (AgentUnreachableException e) {
            return fail(ExitCode.UNAVAILABLE, e.getMessage());
        } catch (ControlClientException e) {
            return fail(exitCode(e.status()), e.getMessage());
        } catch (IOException e) {
            return fail(ExitCode.INTERNAL, e.getMessage());
        }
    }

    static int exitCode(int httpStatus) {
        if (httpStatus == 403) {
            return ExitCode.NO_PERMISSION;
        }
        // 5xx: the daemon failed, which is a bug there
        return httpStatus < 500 ? ExitCode.USAGE : ExitCode.INTERNAL;
    }

    private int fail(int exitCode, String message) {
        err().println("restore-agent: " + message);
        err().flush();
        return exitCode;
    }
}
