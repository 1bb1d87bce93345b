package dev.restoreagent.agent.source.cinder;

import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.source.BlockHashes;
import dev.restoreagent.agent.source.Verify;
import dev.restoreagent.agent.source.store.StoredDigest;

import java.io.IOException;
import java.nio.file.Path;

/**
 * How one layer of a chain is verified under a {@link Verify} mode: which of md5 and sha256 apply,
 * and, for sha256, the layer's sha256file, once it is known to describe this volume in blocks
 * that its objects start on.
 *
 * @param sha256 the layer's sha256file, or null when sha256 is not checked
 * @param md5 whether each object's md5 is checked
 * @param note why a layer under {@code auto} falls back to md5, or null
 */
record LayerVerification(Sha256File sha256, boolean md5, String note) {

    static LayerVerification plan(Verify mode, LocatedBackup located, CinderMetadata metadata, long volumeBytes,
                                  Path tempDir) throws RestoreFailure {
        if (mode == Verify.MD5) {
            return new LayerVerification(null, true, null);
        }
        Sha256File file;
        try {
            file = usable(located, metadata, volumeBytes, tempDir);
        } catch (Sha256FileException e) {
            if (mode == Verify.AUTO) {
                return new LayerVerification(null, true, "backup " + metadata.backupId()
                        + " is verified by md5: " + e.getMessage());
            }
            throw RestoreFailure.badInput("backup " + metadata.backupId() + " cannot be verified by sha256: "
                    + e.getMessage(), e);
        }
        return new LayerVerification(file, mode == Verify.BOTH, null);
    }

    private static Sha256File usable(LocatedBackup located, CinderMetadata metadata, long volumeBytes, Path tempDir)
            throws Sha256FileException {
        String name = located.sha256Name();
        String path = located.container().describe(name);
        try {
            if (!located.container().exists(name)) {
                throw new Sha256FileException("it has no sha256file (" + path + ")");
            }
        } catch (IOException e) {
            throw new Sha256FileException("cannot look for its sha256file (" + path + "): " + e.getMessage(), e);
        }
        Sha256File file = Sha256File.read(located.container(), name, metadata.backupId(), tempDir);
        try {
            long block = file.blockBytes();
            long wanted = (volumeBytes + block - 1) / block;
            if (file.blocks() != wanted) {
                throw new Sha256FileException("sha256file " + path + " lists " + file.blocks() + " blocks of "
                        + block + " bytes, but the volume of " + volumeBytes + " bytes has " + wanted);
            }
            for (CinderObject object : metadata.objects()) {
                if (object.offsetBytes() % block != 0
                        || object.endBytes() % block != 0 && object.endBytes() != volumeBytes) {
                    throw new Sha256FileException("object " + object.name() + " (" + object.offsetBytes() + " to "
                            + object.endBytes() + ") does not lie on the " + block + "-byte blocks of " + path);
                }
            }
            return file;
        } catch (Sha256FileException | RuntimeException e) {
            closeQuietly(file);
            throw e;
        }
    }

    /**
     * Whether the store's digest of this layer's objects (an MD5 ETag) is checked as they are read:
     * not where the sha256file covers them, since {@link #usable} found that every object lies on its
     * blocks, so each decoded byte is checked against a block's hash ({@link StoredDigest#SKIP} says
     * why that is enough).
     */
    StoredDigest storedDigest() {
        return sha256 == null ? StoredDigest.CHECK : StoredDigest.SKIP;
    }

    /** The hashes {@code object} must have, or null when sha256 is not checked. */
    BlockHashes hashesOf(CinderObject object) {
        if (sha256 == null) {
            return null;
        }
        int block = sha256.blockBytes();
        long first = object.offsetBytes() / block;
        int count = Math.toIntExact((object.lengthBytes() + block - 1) / block);
        return new BlockHashes() {
            @Override
            public int blockBytes() {
                return block;
            }

            @Override
            public byte[] expected() throws IOException {
                return sha256.hashes(first, count);
            }

            @Override
            public String source() {
                return "sha256file " + sha256.source();
            }
        };
    }

    private static void closeQuietly(Sha256File file) {
        try {
            file.close();
        } catch (IOException e) {
            // only a descriptor of an unlinked file
        }
    }
}
