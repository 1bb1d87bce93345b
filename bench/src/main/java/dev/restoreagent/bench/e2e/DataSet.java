package dev.restoreagent.bench.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreagent.bench.Md5;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The inputs of a run, made anew under the work directory by the test kit's command line, in child
 * processes (its backup writer holds a whole chunk on the heap; the harness's own memory stays small):
 * disk-like volumes (runs of zeros, text and random bytes), Cinder backups of them, and for the peers
 * the raw volume and a {@code zstd -3} stream of it.
 */
final class DataSet {
    /** A full backup: its id, its {@code _metadata} file, and the volume it restores to. */
    record Backup(String backupId, Path metadata, long objectBytes, long volumeBytes, String volumeMd5) {
    }

    final Path backupRoot;
    final String compression;
    final Map<String, Backup> concurrent = new HashMap<>();
    final Map<Long, Backup> byObjectSize = new LinkedHashMap<>();
    final Backup single;
    final Path singleRaw;
    final Path singleZst;
    final double zeroFraction;
    final double zstdRatio;

    private final Path work;
    private final Map<Long, Path> volumes = new HashMap<>();

    private DataSet(BenchPlan plan, Path work, String compression) throws IOException {
        this.work = work;
        this.compression = compression;
        backupRoot = work.resolve("backups");
        Files.createDirectories(backupRoot);
        concurrent.put(Scenarios.FILE, backup(volume(plan.fileObjectBytes()), plan.fileObjectBytes()));
        concurrent.put(Scenarios.RBD, backup(volume(plan.rbdObjectBytes()), plan.rbdObjectBytes()));
        for (long size : plan.objectSizes()) {
            byObjectSize.put(size, backup(volume(plan.objectSeriesVolumeBytes()), size));
        }
        singleRaw = volume(plan.singleVolumeBytes());
        single = backup(singleRaw, plan.singleObjectBytes());
        singleZst = work.resolve(singleRaw.getFileName() + ".zst");
        Commands.output(List.of("zstd", "-3", "-q", "-f", singleRaw.toString(), "-o", singleZst.toString()));
        zeroFraction = zeroFraction(singleRaw);
        zstdRatio = (double) Files.size(singleRaw) / Files.size(singleZst);
    }

    // only the backup root, for a run of section 4 alone
    private DataSet(Path work, String compression) throws IOException {
        this.work = work;
        this.compression = compression;
        backupRoot = work.resolve("backups");
        Files.createDirectories(backupRoot);
        single = null;
        singleRaw = null;
        singleZst = null;
        zeroFraction = Double.NaN;
        zstdRatio = Double.NaN;
    }

    /** No inputs, only the backup root under {@code work}: what a run of section 4 alone needs. */
    static DataSet backupRootOnly(Path work, String compression) throws IOException {
        return new DataSet(work, compression);
    }

    /** Makes every input {@code plan} needs under {@code work}, the backups' objects compressed with {@code compression}. */
    static DataSet make(BenchPlan plan, Path work, String compression) throws IOException {
        return new DataSet(plan, work, compression);
    }

    // one volume per size, made once and shared by every backup of that size
    private Path volume(long bytes) throws IOException {
        Path existing = volumes.get(bytes);
        if (existing != null) {
            return existing;
        }
        Path file = work.resolve("volume-" + bytes / BenchPlan.MIB + "MiB.raw");
        testkit(List.of("make-volume", "--out", file.toString(), "--size", Long.toString(bytes), "--seed", "2026"));
        volumes.put(bytes, file);
        return file;
    }

    /** A volume of {@code bytes} by the test kit's make-volume with these run shares, as {@code work/NAME.raw}. */
    static Path makeVolume(Path work, String name, long bytes, double zeroRuns, double textRuns) throws IOException {
        Path file = work.resolve(name + ".raw");
        testkit(List.of("make-volume", "--out", file.toString(), "--size", Long.toString(bytes), "--seed", "2026",
                "--zero-fraction", Double.toString(zeroRuns), "--text-fraction", Double.toString(textRuns)));
        return file;
    }

    private Backup backup(Path volume, long objectBytes) throws IOException {
        JsonNode made = new ObjectMapper().readTree(testkit(List.of("make-backup", "--root", backupRoot.toString(),
                "--volume", volume.toString(), "--chunk-size", Long.toString(objectBytes),
                "--compression", compression, "--name", "bench " + volume.getFileName())));
        long volumeBytes = Files.size(volume);
        return new Backup(made.get("backup_id").asText(), Path.of(made.get("metadata").asText()),
                Math.min(objectBytes, volumeBytes), volumeBytes, Md5.hex(volume));
    }

    private static String testkit(List<String> args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElse("java"), "-XX:+UseSerialGC", "-Xmx4g",
                "-cp", System.getProperty("java.class.path"), "dev.restoreagent.testkit.TestkitMain"));
        command.addAll(args);
        return Commands.output(command);
    }

    /** The fraction of 4 KiB blocks that are all zero. */
    static double zeroFraction(Path file) throws IOException {
        long blocks = 0;
        long zero = 0;
        byte[] block = new byte[4096];
        try (InputStream in = Files.newInputStream(file)) {
            while (in.readNBytes(block, 0, block.length) == block.length) {
                blocks++;
                boolean allZero = true;
                for (byte b : block) {
                    if (b != 0) {
                        allZero = false;
                        break;
                    }
                }
                zero += allZero ? 1 : 0;
            }
        }
        return blocks == 0 ? 0 : (double) zero / blocks;
    }
}
