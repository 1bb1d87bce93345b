package dev.restoreagent.bench.e2e;

import dev.restoreagent.bench.Md5;
import dev.restoreagent.testkit.CinderBackup;
import dev.restoreagent.testkit.CinderDriver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The backups of section 4, every one written by Cinder's own PosixBackupDriver ({@link CinderDriver}) into the
 * run's backup root: a mixed volume (about 20% zero blocks) in each of zlib, zstd and bz2; the zero-heavy volume
 * of the other sections in zlib; and the seed volume in zlib at Cinder's default chunk size.
 */
final class CinderData {
    /** A volume shape of the test kit's make-volume: its zero and text run shares. */
    record Shape(String label, double zeroRuns, double textRuns) {
    }

    /** About 20% of the 4 KiB blocks all zero, half the runs text: `zstd -3` and zlib shrink it about 2.3x. */
    static final Shape MIXED = new Shape("mixed, ~20% zeros", 0.07, 0.5);
    /** The other sections' disk-like volume: 40% zero runs, about 70% of the blocks zero. */
    static final Shape ZERO_HEAVY = new Shape("zero-heavy", 0.4, 0.3);

    /**
     * One backup Cinder wrote, with the raw volume it restores to.
     *
     * @param label codec and volume, as the report's rows name them
     */
    record Input(String label, String codec, Shape shape, Path volume, DataSet.Backup backup, CinderBackup cinder) {
    }

    final CinderDriver driver;
    final List<Input> compared = new ArrayList<>();
    final Input seed;

    private CinderData(CinderPlan plan, Path work, Path backupRoot, Consumer<String> log) throws IOException {
        driver = CinderDriver.posix(backupRoot, work.resolve("cinder"));
        Path mixed = DataSet.makeVolume(work, "cinder-mixed", plan.volumeBytes(), MIXED.zeroRuns(), MIXED.textRuns());
        for (String codec : List.of("zlib", "zstd", "bz2")) {
            log.accept("Cinder's driver backs up the mixed volume, " + codec);
            compared.add(backup(codec, MIXED, mixed, plan.objectBytes(), work));
        }
        Path heavy = DataSet.makeVolume(work, "cinder-zero-heavy", plan.volumeBytes(), ZERO_HEAVY.zeroRuns(),
                ZERO_HEAVY.textRuns());
        log.accept("Cinder's driver backs up the zero-heavy volume, zlib");
        compared.add(backup("zlib", ZERO_HEAVY, heavy, plan.objectBytes(), work));
        Path seedVolume = DataSet.makeVolume(work, "cinder-seed", plan.seedVolumeBytes(), MIXED.zeroRuns(),
                MIXED.textRuns());
        log.accept("Cinder's driver backs up the seed volume, zlib, default chunk size");
        seed = backup("zlib", MIXED, seedVolume, null, work);
    }

    static CinderData make(CinderPlan plan, Path work, Path backupRoot, Consumer<String> log) throws IOException {
        return new CinderData(plan, work, backupRoot, log);
    }

    // chunkBytes null: Cinder's default backup_file_size
    private Input backup(String codec, Shape shape, Path volume, Long chunkBytes, Path work) throws IOException {
        String id = UUID.randomUUID().toString();
        CinderDriver.Made made = driver.backup(new CinderDriver.BackupSpec(volume, id, UUID.randomUUID().toString(),
                null, codec, chunkBytes, null, null), work.resolve("cinder").resolve(id + ".json"));
        long volumeBytes = Files.size(volume);
        long objectBytes = Math.min(chunkBytes == null ? CinderPlan.DEFAULT_CHUNK_BYTES : chunkBytes, volumeBytes);
        Path metadata = made.backup().containerDir().resolve(made.backup().prefix() + "_metadata");
        DataSet.Backup backup = new DataSet.Backup(id, metadata, objectBytes, volumeBytes, Md5.hex(volume));
        return new Input(codec + ", " + shape.label(), codec, shape, volume, backup, made.backup());
    }
}
