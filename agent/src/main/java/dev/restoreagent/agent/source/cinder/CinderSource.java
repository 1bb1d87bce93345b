package dev.restoreagent.agent.source.cinder;

import dev.restoreagent.agent.failure.RestoreFailure;
import dev.restoreagent.agent.source.Layer;
import dev.restoreagent.agent.source.RestoreSource;
import dev.restoreagent.agent.source.SourceObject;
import dev.restoreagent.agent.source.Verify;
import dev.restoreagent.agent.source.store.BackupContainer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Turns a located backup into a {@link RestoreSource}: follows {@code parent_id} down to the full
 * backup, reads and validates every layer's metadata, and checks each container holds exactly the
 * objects its metadata lists, as Cinder's own restore does, before any data is read.
 */
public final class CinderSource {
    /** A chain deeper than this is a loop in disguise or damage. */
    static final int MAX_CHAIN_LENGTH = 10_000;

    private CinderSource() {
    }

    /**
     * @param verify what the data is to be checked against
     * @param tempDir where the hashes of sha256files are kept while the restore runs (unlinked files)
     */
    public static RestoreSource resolve(BackupLocator locator, LocatedBackup top, Verify verify, Path tempDir)
            throws RestoreFailure {
        List<CinderMetadata> chain = new ArrayList<>();
        List<LocatedBackup> located = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        LocatedBackup current = top;
        while (true) {
            CinderMetadata metadata = CinderMetadataReader.read(current, current.backupId());
            checkListing(current, metadata);
            seen.add(metadata.backupId());
            chain.add(metadata);
            located.add(current);
            if (metadata.isFull()) {
                break;
            }
            if (seen.contains(metadata.parentId()) || chain.size() >= MAX_CHAIN_LENGTH) {
                throw RestoreFailure.badInput("backup " + metadata.backupId() + " has parent " + metadata.parentId()
                        + ", which makes its chain a loop or longer than " + MAX_CHAIN_LENGTH + " backups");
            }
            current = locator.locateParent(metadata.parentId(), current, metadata.volumeId());
        }
        Collections.reverse(chain);
        Collections.reverse(located);
        CinderMetadata full = chain.get(0);
        checkSameVolume(chain);
        checkTiles(full);
        long extent = 0;
        for (CinderMetadata layer : chain) {
            extent = Math.max(extent, layer.extentBytes());
        }
        List<Layer> layers = new ArrayList<>(chain.size());
        List<AutoCloseable> held = new ArrayList<>();
        List<String> fallbacks = new ArrayList<>();
        try {
            for (int i = 0; i < chain.size(); i++) {
                LayerVerification checks = LayerVerification.plan(verify, located.get(i), chain.get(i),
                        full.extentBytes(), tempDir);
                if (checks.sha256() != null) {
                    held.add(checks.sha256());
                }
                if (checks.note() != null) {
                    fallbacks.add(checks.note());
                }
                layers.add(layer(located.get(i), chain.get(i), i == 0, checks));
            }
        } catch (RestoreFailure | RuntimeException e) {
            closeQuietly(held);
            throw e;
        }
        located.stream().map(LocatedBackup::note).filter(Objects::nonNull).forEach(fallbacks::add);
        String kind = chain.size() == 1 ? "full" : "incremental, chain of " + chain.size();
        return new RestoreSource("Cinder backup " + top.backupId() + " (" + kind + ")", top.backupId(), layers, extent,
                extent, verification(verify, chain.size(), held.size()), fallbacks, held,
                located.stream().mapToInt(l -> l.container().readerBytes()).max().orElse(0), RestoreSource.Confirmation.NONE, false);
    }

    /** {@code the sha256 of each block (3 layers)}. */
    private static String verification(Verify verify, int layers, int bySha256) {
        String what = layers == 1 ? "the backup" : layers + " layers";
        String checks = switch (verify) {
            case MD5 -> "the md5 of each object";
            case BOTH -> "the sha256 of each block and the md5 of each object";
            case SHA256 -> "the sha256 of each block";
            case AUTO -> bySha256 == layers ? "the sha256 of each block"
                    : bySha256 == 0 ? "the md5 of each object" : "sha256 blocks where a layer has them, md5 elsewhere";
        };
        return checks + " (" + what + ")";
    }

    private static void closeQuietly(List<AutoCloseable> held) {
        for (AutoCloseable resource : held) {
            try {
                resource.close();
            } catch (Exception e) {
                // the failure being thrown is the one to report
            }
        }
    }

    private static Layer layer(LocatedBackup located, CinderMetadata metadata, boolean base, LayerVerification checks) {
        String where = "backup " + metadata.backupId();
        List<SourceObject> objects = metadata.objects().stream()
                .map(o -> new SourceObject(o.name(), where, o.offsetBytes(), o.lengthBytes(),
                        checks.md5() ? o.md5Hex() : null, checks.hashesOf(o), o.codec(),
                        () -> located.container().open(o.name(), checks.storedDigest())))
                .collect(Collectors.toList());
        return new Layer(metadata.backupId(), base, objects);
    }

    /**
     * The container's files with the backup's prefix, less the metadata and sha256 objects, must
     * be exactly the listed objects: Cinder refuses a missing object and an extra one alike.
     */
    static void checkListing(LocatedBackup located, CinderMetadata metadata) throws RestoreFailure {
        String prefix = located.prefix();
        BackupContainer container = located.container();
        Set<String> present = new TreeSet<>();
        try {
            for (String name : container.list(prefix)) {
                if (!name.equals(located.metadataName()) && !name.equals(located.sha256Name())) {
                    present.add(name);
                }
            }
        } catch (IOException e) {
            throw RestoreFailure.badInput("cannot list " + container.describe() + ": " + e.getMessage(), e);
        }
        Set<String> listed = metadata.objects().stream().map(CinderObject::name)
                .collect(Collectors.toCollection(TreeSet::new));
        for (String name : listed) {
            if (!present.contains(name)) {
                throw RestoreFailure.badInput("backup " + metadata.backupId() + ": object " + name
                        + " listed in its metadata is missing from " + container.describe());
            }
        }
        for (String name : present) {
            if (!listed.contains(name)) {
                throw RestoreFailure.badInput("backup " + metadata.backupId() + ": "
                        + container.describe() + " holds " + name + ", which its metadata does not list");
            }
        }
    }

    private static void checkSameVolume(List<CinderMetadata> chain) throws RestoreFailure {
        String volume = chain.get(chain.size() - 1).volumeId();
        for (CinderMetadata layer : chain) {
            if (!layer.volumeId().equals(volume)) {
                throw RestoreFailure.badInput("backup " + layer.backupId() + " in the chain of "
                        + chain.get(chain.size() - 1).backupId() + " is of volume " + layer.volumeId()
                        + ", not " + volume);
            }
        }
    }

    /** A full backup covers {@code [0, volume bytes)} without a gap: one object per chunk. */
    private static void checkTiles(CinderMetadata full) throws RestoreFailure {
        List<CinderObject> byOffset = new ArrayList<>(full.objects());
        byOffset.sort((a, b) -> Long.compare(a.offsetBytes(), b.offsetBytes()));
        long expected = 0;
        for (CinderObject object : byOffset) {
            if (object.offsetBytes() != expected) {
                throw RestoreFailure.badInput("full backup " + full.backupId() + " leaves bytes " + expected
                        + " to " + object.offsetBytes() + " uncovered before object " + object.name());
            }
            expected = object.endBytes();
        }
    }
}
