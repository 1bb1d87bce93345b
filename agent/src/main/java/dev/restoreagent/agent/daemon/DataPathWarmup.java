package dev.restoreagent.agent.daemon;

import com.github.luben.zstd.Zstd;
import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.restore.Restore;
import dev.restoreagent.agent.restore.RestoreSettings;
import dev.restoreagent.agent.restore.WorkingSet;
import dev.restoreagent.agent.source.AsyncReads;
import dev.restoreagent.agent.source.BlockHashes;
import dev.restoreagent.agent.source.Codec;
import dev.restoreagent.agent.source.Layer;
import dev.restoreagent.agent.source.RestoreSource;
import dev.restoreagent.agent.source.SourceObject;
import dev.restoreagent.api.Checkpoint;
import dev.restoreagent.io.memory.BudgetLease;
import dev.restoreagent.io.memory.MemoryBudget;
import dev.restoreagent.io.targets.NullTarget;
import dev.restoreagent.nativeb.IoCompletion;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ReadableByteChannel;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.zip.Deflater;
import java.util.zip.DeflaterOutputStream;
import java.util.zip.GZIPOutputStream;

/**
 * The data path run over a small sample when the daemon starts, so that its first real restore is not a cold
 * one: a JVM runs sha256, md5 and the zero scan interpreted until its compilers have seen enough of them, and a
 * restore started right after {@code serve} paid for that (the issue measured nearly half of a 1 GiB restore).
 * Every codec's decoder, the md5 and sha256 checks and the read-ahead of RBD snapshots take the sample, generated
 * here (1 MiB of disk-like bytes, a fifth of its 4 KiB blocks zero) and compressed by each codec, through
 * {@link Restore} into a {@link NullTarget}, a few rounds.
 *
 * <p>Under the budget like any restore, but never waiting in its queue: a round that finds the memory taken or
 * jobs waiting is not run (those jobs warm the path themselves). The agent runs it before its jobs start and its
 * socket listens, so that in practice the budget is all its own.
 */
public final class DataPathWarmup {
    /** The sample's decoded size: one object of every layer. */
    static final int SAMPLE_BYTES = 1 << 20;
    /** Objects of each layer: the sample over and over. */
    static final int OBJECTS = 8;
    /** Rounds over every codec: enough for C2 to compile sha256's and md5's loops (measured). */
    static final int ROUNDS = 3;
    private static final int SHA_BLOCK_BYTES = 32 * 1024;

    private final byte[] sample;
    private final String md5Hex;
    private final byte[] blockHashes;
    private final List<Layer> layers = new ArrayList<>();

    private DataPathWarmup() {
        sample = sample();
        md5Hex = HexFormat.of().formatHex(digest("MD5").digest(sample));
        blockHashes = blockHashes(sample);
        for (Codec codec : Codec.values()) {
            layers.add(layer(codec, compressed(codec, sample), false));
        }
        layers.add(layer(Codec.NONE, sample, true));
    }

    /**
     * Runs the warm-up rounds, each restore with memory from {@code budget}; stops early when {@code stopped}.
     * Returns what it did, for the log.
     *
     * @throws RestoreFailure if the sample does not restore: a broken data path, worth knowing at start
     */
    public static String run(MemoryBudget budget, RestoreSettings settings, BooleanSupplier stopped)
            throws RestoreFailure, InterruptedException {
        long start = System.nanoTime();
        DataPathWarmup warmup = new DataPathWarmup();
        long bytes = 0;
        int skipped = 0;
        for (int round = 0; round < ROUNDS && !stopped.getAsBoolean(); round++) {
            for (Layer layer : warmup.layers) {
                if (stopped.getAsBoolean()) {
                    break;
                }
                long done = warmup.restore(layer, budget, settings);
                bytes += done;
                skipped += done < 0 ? 1 : 0;
            }
        }
        return String.format("warmed the data path in %.1f s: %d MiB through every decoder, md5, sha256 and the"
                + " read-ahead of RBD snapshots%s", (System.nanoTime() - start) / 1e9, Math.max(0, bytes) >> 20,
                skipped == 0 ? "" : "; " + skipped + " restores left out, the budget being in use");
    }

    /** Restores {@code layer} into a null target; the bytes it restored, or -1 when the budget had no room. */
    private long restore(Layer layer, MemoryBudget budget, RestoreSettings settings)
            throws RestoreFailure, InterruptedException {
        long extent = (long) OBJECTS * SAMPLE_BYTES;
        RestoreSource source = new RestoreSource("warm-up sample", "warm-up", List.of(layer), extent, extent,
                "md5 and sha256", List.of(), List.of(), 0, RestoreSource.Confirmation.NONE, false);
        WorkingSet workingSet = WorkingSet.plan(settings, source.codecs(), 1, budget.totalBytes(), 1,
                source.readerBytes(), source.readCopyBytes());
        Optional<BudgetLease> lease = budget.tryAcquire(workingSet.totalBytes(), "warm-up");
        if (lease.isEmpty()) {
            return -1;
        }
        Restore restore;
        try {
            restore = new Restore(source, new NullTarget(extent, false), lease.get(), workingSet, settings, "warm-up",
                    Checkpoint.START, reached -> { });
        } catch (RuntimeException e) {
            lease.get().close();
            throw e;
        }
        // the restore owns the lease from here and gives it back when it ends
        return restore.run().restoredBytes();
    }

    private Layer layer(Codec codec, byte[] stored, boolean readAhead) {
        // every object is the same sample: one set of expected hashes serves them all
        BlockHashes hashes = new BlockHashes() {
            @Override
            public int blockBytes() {
                return SHA_BLOCK_BYTES;
            }

            @Override
            public byte[] expected() {
                return blockHashes;
            }

            @Override
            public String source() {
                return "the warm-up sample";
            }
        };
        List<SourceObject> objects = new ArrayList<>();
        for (int i = 0; i < OBJECTS; i++) {
            objects.add(new SourceObject("warm-up-" + codec.label() + (readAhead ? "-read-ahead" : "") + "-" + i,
                    "warm-up", (long) i * SAMPLE_BYTES, SAMPLE_BYTES, md5Hex, hashes, codec,
                    readAhead ? new InMemoryReads(stored) : () -> channel(stored)));
        }
        return new Layer("warm-up", true, objects);
    }

    private static ReadableByteChannel channel(byte[] bytes) {
        return Channels.newChannel(new ByteArrayInputStream(bytes));
    }

    /** The sample as an RBD extent offers it: reads into the caller's buffers, completed at once. */
    private static final class InMemoryReads implements SourceObject.Opener, AsyncReads {
        private final byte[] bytes;

        InMemoryReads(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public ReadableByteChannel open() {
            return channel(bytes);
        }

        @Override
        public AsyncReads asyncReads() {
            return this;
        }

        @Override
        public int maxReadBytes() {
            return 256 * 1024;
        }

        @Override
        public void start(long offset, ByteBuffer into, IoCompletion done) {
            into.put(bytes, (int) offset, into.remaining());
            done.completed();
        }
    }

    /** 1 MiB like a disk's: a fifth of its 4 KiB blocks zero, the rest words of a small alphabet, repeatable. */
    static byte[] sample() {
        byte[] bytes = new byte[SAMPLE_BYTES];
        Random random = new Random(22);
        for (int block = 0; block < SAMPLE_BYTES / 4096; block++) {
            if (random.nextInt(5) == 0) {
                continue;
            }
            for (int i = block * 4096; i < (block + 1) * 4096; i++) {
                bytes[i] = (byte) (random.nextInt(7) == 0 ? ' ' : 'a' + random.nextInt(16));
            }
        }
        return bytes;
    }

    /** The sample as each codec stores it; level 1 where there are levels, so that making it costs little. */
    static byte[] compressed(Codec codec, byte[] data) {
        try {
            return switch (codec) {
                case NONE -> data;
                case ZSTD -> Zstd.compress(data, 1);
                case ZLIB -> write(new ByteArrayOutputStream(), out -> new DeflaterOutputStream(out,
                        new Deflater(1)), data);
                case GZIP -> write(new ByteArrayOutputStream(), GZIPOutputStream::new, data);
                case BZIP2 -> write(new ByteArrayOutputStream(), out -> new BZip2CompressorOutputStream(out, 1), data);
            };
        } catch (IOException e) {
            throw new UncheckedIOException("compressing the warm-up sample in memory", e);
        }
    }

    private interface Compressor {
        OutputStream wrap(OutputStream out) throws IOException;
    }

    private static byte[] write(ByteArrayOutputStream bytes, Compressor compressor, byte[] data) throws IOException {
        try (OutputStream out = compressor.wrap(bytes)) {
            out.write(data);
        }
        return bytes.toByteArray();
    }

    private static byte[] blockHashes(byte[] data) {
        MessageDigest sha256 = digest("SHA-256");
        ByteBuffer all = ByteBuffer.allocate(data.length / SHA_BLOCK_BYTES * 32);
        for (int at = 0; at < data.length; at += SHA_BLOCK_BYTES) {
            sha256.update(data, at, SHA_BLOCK_BYTES);
            all.put(sha256.digest());
        }
        return all.array();
    }

    private static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is part of every JDK", e);
        }
    }
}
