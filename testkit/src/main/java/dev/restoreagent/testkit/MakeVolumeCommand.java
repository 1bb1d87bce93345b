package dev.restoreagent.testkit;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code make-volume}: writes a deterministic disk-like volume with {@link Volumes#write}. */
@Command(name = "make-volume", mixinStandardHelpOptions = true, description = "Writes a deterministic test volume.")
final class MakeVolumeCommand implements Callable<Integer> {

    @Option(names = "--out", required = true, description = "volume file to write")
    private Path out;

    @Option(names = "--size", required = true, converter = ByteSize.class, description = "bytes (K/M/G suffixes)")
    private long size;

    @Option(names = "--seed", defaultValue = "1", description = "content seed (default: ${DEFAULT-VALUE})")
    private long seed;

    @Option(
            names = "--zero-fraction",
            defaultValue = "0.4",
            description = "share of zero runs (default: ${DEFAULT-VALUE})")
    private double zeroFraction;

    @Option(
            names = "--text-fraction",
            defaultValue = "0.3",
            description = "share of text runs (default: ${DEFAULT-VALUE})")
    private double textFraction;

    @Option(
            names = "--max-run",
            defaultValue = "256K",
            converter = ByteSize.class,
            description = "longest data run (default: ${DEFAULT-VALUE})")
    private long maxRun;

    @Override
    public Integer call() throws Exception {
        Volumes.write(out, size, seed, new VolumeShape(zeroFraction, textFraction, Math.toIntExact(maxRun)));
        return 0;
    }
}
