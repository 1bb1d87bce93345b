package dev.restoreagent.stores;

import dev.restoreagent.agent.source.store.ObjectStore;
import dev.restoreagent.agent.source.store.ObjectStoreClients;
import dev.restoreagent.agent.source.store.ObjectStoreException;
import dev.restoreagent.agent.source.store.S3Settings;
import dev.restoreagent.agent.source.store.SwiftSettings;

/** The agent's S3 and Swift clients, as the service {@link ObjectStoreClients} (META-INF/services). */
public final class S3AndSwiftClients implements ObjectStoreClients {
    @Override
    public ObjectStore s3(S3Settings settings) throws ObjectStoreException {
        return S3Store.open(settings);
    }

    @Override
    public ObjectStore swift(SwiftSettings settings) throws ObjectStoreException {
        return SwiftStore.open(settings);
    }
}
