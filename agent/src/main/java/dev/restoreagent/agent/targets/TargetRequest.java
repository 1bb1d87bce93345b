package dev.restoreagent.agent.targets;

import dev.restoreagent.nativeb.rbd.ImageCreateOptions;

import java.nio.file.Path;

/**
 * Where to restore to and how, as the command line (and later the API) gives it.
 *
 * @param to a path (file or block device) or {@code rbd:POOL[/NAMESPACE]/IMAGE}
 * @param targetZeroed the operator vouches that the target reads as zeros
 * @param create make a new RBD image (refusing an existing one)
 * @param sizeBytes size of the image to create, or -1 for the data's extent
 * @param createOptions how to create it
 * @param force use an RBD image another client has open or locked
 * @param stateDir where incomplete marks of block devices live
 * @param resume the restore ran before and was interrupted (the agent was killed or stopped): an
 *     image it created may exist, holding the exclusive lock of the agent's previous instance
 */
public record TargetRequest(String to, boolean targetZeroed, boolean create, long sizeBytes,
                            ImageCreateOptions createOptions, boolean force, Path stateDir, boolean resume) {
}
