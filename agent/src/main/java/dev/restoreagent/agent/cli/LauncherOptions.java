package dev.restoreagent.agent.cli;

import dev.restoreagent.agent.daemon.AgentConfig;
import dev.restoreagent.units.Sizes;

import java.nio.file.Path;
import java.util.List;

/**
 * The JVM options {@code bin/restore-agent} adds to the agent's JVM, worked out from the agent's command
 * line with the agent's own parsers: {@code -XX:MaxDirectMemorySize}, the JVM's hard cap on direct memory,
 * from the memory budget, so that the budget is a backstop the JVM enforces too. That is
 * {@code --memory-budget} (default {@value RestoreCommand#DEFAULT_MEMORY_BUDGET}) for every command but
 * {@code serve}, which takes {@code memory_budget} from its configuration as {@link AgentConfig#load} reads
 * it, plus {@link #SERVE_HEADROOM_BYTES}; and for {@code serve}, a periodic trim of glibc's heap
 * ({@link #TRIM_INTERVAL_MILLIS}) where the JVM has it.
 *
 * <p>The launcher runs {@link #main} in a short JVM of its own, with the arguments it was given, before
 * the agent's, for the commands that restore or verify ({@code restore}, {@code verify}, {@code serve},
 * {@code warm-up}); the others run with the JVM's default cap. It prints one option a line and exits 0. It prints nothing when the budget is not a
 * positive size or the configuration cannot be read or is invalid: the agent then refuses that itself,
 * in its own words. It must load nothing outside the agent jar, the units jar and the JDK, as the
 * launcher puts only those on its class path.
 */
public final class LauncherOptions {
    /** Direct memory {@code serve} gets beyond its budget: Netty's buffers of the control socket. */
    static final long SERVE_HEADROOM_BYTES = 16 * Sizes.MIB;
    /**
     * How often a daemon gives glibc's free memory back to the kernel ({@code malloc_trim}): what librados
     * and finished restores freed stays in glibc's arenas otherwise, for the daemon's life (measured: 289 MiB
     * resident after 41 restores of RBD snapshots, 135 MiB after one trim).
     */
    static final int TRIM_INTERVAL_MILLIS = 5000;

    private LauncherOptions() {
    }

    public static void main(String[] args) {
        // a loop, not forEach(System.out::println): a first lambda costs this short JVM milliseconds
        for (String option : options(args)) {
            System.out.println(option);
        }
    }

    /** The options to add for an agent run with {@code args}; empty when the agent will refuse them. */
    static List<String> options(String... args) {
        boolean serve = args.length > 0 && args[0].equals("serve");
        long bytes;
        try {
            bytes = serve
                    ? Math.addExact(AgentConfig.load(Path.of(value(args, "--config", AgentConfig.DEFAULT_FILE
                            .toString()))).memoryBudgetBytes(), SERVE_HEADROOM_BYTES)
                    : Sizes.parse(value(args, "--memory-budget", RestoreCommand.DEFAULT_MEMORY_BUDGET));
        } catch (AgentConfig.ConfigException | IllegalArgumentException | ArithmeticException e) {
            // the agent reports it, as it does without the launcher
            return List.of();
        }
        if (bytes <= 0) {
            return List.of();
        }
        String cap = "-XX:MaxDirectMemorySize=" + bytes;
        return serve && trimsNativeHeap(Runtime.version())
                ? List.of(cap, "-XX:TrimNativeHeapInterval=" + TRIM_INTERVAL_MILLIS) : List.of(cap);
    }

    /**
     * Whether this JVM has {@code -XX:TrimNativeHeapInterval} (JDK 21.0.1 and 17.0.9 on: JDK-8293114; 18 to 20
     * never got it); an older one refuses to start with an option it does not know.
     */
    static boolean trimsNativeHeap(Runtime.Version version) {
        return version.feature() > 21 || (version.feature() == 21 && version.update() >= 1)
                || (version.feature() == 17 && version.update() >= 9);
    }

    /**
     * The value of option {@code name}, as {@code name VALUE} or {@code name=VALUE}, the last one given
     * before a {@code --} (after which picocli takes everything as positional); {@code otherwise} if none.
     */
    private static String value(String[] args, String name, String otherwise) {
        String value = otherwise;
        for (int i = 0; i < args.length && !args[i].equals("--"); i++) {
            if (args[i].equals(name) && i + 1 < args.length) {
                value = args[++i];
            } else if (args[i].startsWith(name + "=")) {
                value = args[i].substring(name.length() + 1);
            }
        }
        return value;
    }
}
