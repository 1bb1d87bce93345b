package dev.restoreagent.agent.source.store;

import java.util.ServiceLoader;

/**
 * Makes the clients of S3 and Swift stores. The object-stores module provides it (a
 * {@link ServiceLoader} service), so that the agent builds, tests and runs from directories without
 * the AWS SDK or an HTTP client on its class path; the packages and the launcher put it there.
 */
public interface ObjectStoreClients {
    /**
     * An S3 store's client; nothing is sent until a container is read.
     *
     * @throws ObjectStoreException the settings cannot make a client: a CA file that is not one, a
     *     credentials file without the profile
     */
    ObjectStore s3(S3Settings settings) throws ObjectStoreException;

    /**
     * A Swift store's client; nothing is sent until a container is read.
     *
     * @throws ObjectStoreException the settings cannot make a client: a CA file that is not one
     */
    ObjectStore swift(SwiftSettings settings) throws ObjectStoreException;

    /**
     * The clients on the class path.
     *
     * @throws ObjectStoreException there are none: the object-stores module is not installed
     */
    static ObjectStoreClients installed() throws ObjectStoreException {
        return ServiceLoader.load(ObjectStoreClients.class).findFirst().orElseThrow(() -> new ObjectStoreException(
                "S3 and Swift stores need restore-agent's object-stores module (object-stores-*.jar and the AWS"
                        + " SDK's jars beside the agent's), which is not on the class path"));
    }
}
