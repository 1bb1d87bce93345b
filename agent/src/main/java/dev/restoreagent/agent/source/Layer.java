package dev.restoreagent.agent.source;

import java.util.List;

/**
 * One backup of a chain (or the one image stream): objects that do not overlap, written in list
 * order. Layers are restored oldest first, each complete before the next starts.
 *
 * @param id the backup id, or the image name
 * @param base true for the full backup at the bottom of a chain (and for an image): only a base
 *     layer may skip zeros, because only there the target's zeros are the right content
 */
public record Layer(String id, boolean base, List<SourceObject> objects) {
    public Layer {
        objects = List.copyOf(objects);
    }

    /** Sum of the objects' lengths, or -1 if one is unknown. */
    public long totalBytes() {
        long total = 0;
        for (SourceObject object : objects) {
            if (object.lengthBytes() < 0) {
                return -1;
            }
            total += object.lengthBytes();
        }
        return total;
    }
}
