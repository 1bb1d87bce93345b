package dev.restoreagent.agent.source.cinder;

import java.util.List;

/**
 * A backup's {@code <prefix>_metadata}, validated: version 1.0.0, well-formed objects that do not
 * overlap, safe object names.
 *
 * @param source how messages name the metadata object
 * @param parentId null for a full backup
 */
public record CinderMetadata(String source, String backupId, String parentId, String volumeId,
                             List<CinderObject> objects) {
    public CinderMetadata {
        objects = List.copyOf(objects);
    }

    public boolean isFull() {
        return parentId == null;
    }

    /** Where this backup's data ends: the largest object end, 0 if it has none. */
    public long extentBytes() {
        return objects.stream().mapToLong(CinderObject::endBytes).max().orElse(0);
    }
}
