package dev.restoreagent.agent.source;

import dev.restoreagent.agent.failure.RestoreFailure;

import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Everything a restore reads, resolved and validated before the first data byte is read.
 *
 * @param description for messages and progress: {@code Cinder backup <id> (chain of 3)}
 * @param markTag what the target's incomplete mark says: the top backup id, or the image path
 * @param layers oldest first
 * @param extentBytes where the data ends on the target, or -1 when only the stream's end tells
 * @param declaredBytes where the data ends at least: the extent when known, else what an image
 *     stream declares of itself (a zstd frame's content size: a stream of several frames declares
 *     only its first), else -1
 * @param verification what the data is checked against, for people: {@code the sha256 of each block}
 * @param notes what an operator should know before it starts: why a layer is checked by md5 only
 * @param resources what the source holds open while it is restored (sha256files); closed by {@link #close()}
 * @param readerBytes memory one object's reader holds besides the decoder's input buffer (an object
 *     store's receive buffers), per decoder in the working set
 * @param confirmation asked after every byte was read and written, before the target is marked complete:
 *     whether what was read still stands (librbd reads an RBD snapshot deleted under it as zeros)
 * @param zeroesExcess the data ends where the volume ends: a larger target that does not read as zeros
 *     gets zeros past it ({@link #withExcessZeroed}), as Cinder's {@code restore_discard_excess_bytes} does
 *     for its Ceph driver's backups
 */
public record RestoreSource(String description, String markTag, List<Layer> layers, long extentBytes,
                            long declaredBytes, String verification, List<String> notes,
                            List<AutoCloseable> resources, int readerBytes, Confirmation confirmation,
                            boolean zeroesExcess)
        implements AutoCloseable {
    /** Whether what a restore read of a source still stands once it has read it all. */
    @FunctionalInterface
    public interface Confirmation {
        /** Nothing to confirm: files and objects do not change under a restore unnoticed (md5, sha256). */
        Confirmation NONE = () -> { };

        /** @throws RestoreFailure naming what changed: the target must not be marked complete */
        void confirm() throws RestoreFailure;
    }

    public RestoreSource {
        layers = List.copyOf(layers);
        notes = List.copyOf(notes);
        resources = List.copyOf(resources);
    }

    /**
     * This source with zeros from its end to {@code targetBytes} appended to its last layer, in pieces of at
     * most {@code pieceBytes}; itself when it does not zero its excess or the target is no larger. The
     * pieces depend only on the sizes, so a resumed restore sees the same objects.
     */
    public RestoreSource withExcessZeroed(long targetBytes, long pieceBytes) {
        if (!zeroesExcess || layers.isEmpty() || extentBytes < 0 || targetBytes <= extentBytes) {
            return this;
        }
        Layer last = layers.get(layers.size() - 1);
        List<SourceObject> objects = new java.util.ArrayList<>(last.objects());
        for (long from = extentBytes; from < targetBytes; from += pieceBytes) {
            long bytes = Math.min(pieceBytes, targetBytes - from);
            objects.add(new SourceObject("the target's excess bytes " + from + "-" + (from + bytes - 1), "past the"
                    + " volume's end", from, bytes, null, null, Codec.NONE, ZeroChannel.opener(bytes)));
        }
        List<Layer> all = new java.util.ArrayList<>(layers.subList(0, layers.size() - 1));
        all.add(new Layer(last.id(), last.base(), objects));
        return new RestoreSource(description, markTag, all, targetBytes, Math.max(declaredBytes, targetBytes),
                verification, notes, resources, readerBytes, confirmation, zeroesExcess);
    }

    /** Closes what the source holds; the first failure is thrown after every resource was tried. */
    @Override
    public void close() throws Exception {
        Exception first = null;
        for (AutoCloseable resource : resources) {
            try {
                resource.close();
            } catch (Exception e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /**
     * Bytes all layers decode to; where a layer does not say (an image stream), what the source
     * declares, which may be -1 too.
     */
    public long totalBytes() {
        long total = 0;
        for (Layer layer : layers) {
            long bytes = layer.totalBytes();
            if (bytes < 0) {
                return declaredBytes;
            }
            total += bytes;
        }
        return total;
    }

    /**
     * What the source itself holds beside each buffer a read is in flight into: the most one read asks of
     * an object read several reads at once ({@link AsyncReads#maxReadBytes()}: librados' copy of it), else 0.
     */
    public int readCopyBytes() {
        int most = 0;
        for (Layer layer : layers) {
            for (SourceObject object : layer.objects()) {
                AsyncReads reads = object.opener().asyncReads();
                most = Math.max(most, reads == null ? 0 : reads.maxReadBytes());
            }
        }
        return most;
    }

    /** The codecs in use; a null codec (sniffed at read time) counts as every codec. */
    public Set<Codec> codecs() {
        Set<Codec> codecs = EnumSet.noneOf(Codec.class);
        for (Layer layer : layers) {
            for (SourceObject object : layer.objects()) {
                if (object.codec() == null) {
                    return EnumSet.allOf(Codec.class);
                }
                codecs.add(object.codec());
            }
        }
        return codecs;
    }

    /** The most objects any one layer has: more decoders than that cannot help. */
    public int widestLayer() {
        return layers.stream().mapToInt(l -> l.objects().size()).max().orElse(0);
    }
}
