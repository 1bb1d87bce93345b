package dev.restoreagent.stores;

import dev.restoreagent.agent.source.store.ObjectStore;
import dev.restoreagent.agent.source.store.SwiftSettings;

import java.nio.file.Path;
import java.time.Duration;

/** A Swift container's objects read through the JDK's client (the cases of {@link StoredDigestReads}). */
class SwiftStoreTest extends StoredDigestReads {
    @Override
    ObjectStore open(FakeObjectServer server, Path dir) throws Exception {
        return SwiftStore.open(new SwiftSettings(server.swiftAuthUrl(), "test:tester", "key", null, null, null,
                null, 4, Duration.ofSeconds(30)));
    }

    @Override
    String scheme() {
        return "swift";
    }
}
