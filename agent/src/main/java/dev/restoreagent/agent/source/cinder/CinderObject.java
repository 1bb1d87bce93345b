package dev.restoreagent.agent.source.cinder;

import dev.restoreagent.agent.source.Codec;

/**
 * One entry of a metadata file's {@code objects} list, validated.
 *
 * @param tag the compression tag as written (for messages)
 */
public record CinderObject(int index, String name, long offsetBytes, long lengthBytes, String md5Hex,
                           String tag, Codec codec) {
    public long endBytes() {
        return offsetBytes + lengthBytes;
    }
}
