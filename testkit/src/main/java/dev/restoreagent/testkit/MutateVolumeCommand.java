package dev.restoreagent.testkit;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code mutate-volume}: copies a volume with some changed regions, with {@link Volumes#mutate}. */
@Command(
        name = "mutate-volume",
        mixinStandardHelpOptions = true,
        description = "Copies a volume and changes some regions (for incremental chains).")
final class MutateVolumeCommand implements Callable<Integer> {

    @Option(names = "--in", required = true, description = "volume to copy")
    private Path in;

    @Option(names = "--out", required = true, description = "changed copy to write")
    private Path out;

    @Option(names = "--seed", defaultValue = "1", description = "change seed (default: ${DEFAULT-VALUE})")
    private long seed;

    @Option(names = "--changes", defaultValue = "8", description = "number of changes (default: ${DEFAULT-VALUE})")
    private int changes;

    @Override
    public Integer call() throws Exception {
        Volumes.mutate(in, out, seed, changes);
        return 0;
    }
}
