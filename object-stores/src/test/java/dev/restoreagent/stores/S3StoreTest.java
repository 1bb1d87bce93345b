package dev.restoreagent.stores;

import dev.restoreagent.agent.source.store.ObjectStore;
import dev.restoreagent.agent.source.store.S3Settings;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/** An S3 bucket's objects read through the SDK (the cases of {@link StoredDigestReads}). */
class S3StoreTest extends StoredDigestReads {
    @Override
    ObjectStore open(FakeObjectServer server, Path dir) throws Exception {
        Path credentials = Files.writeString(dir.resolve("credentials"),
                "[default]\naws_access_key_id = AK\naws_secret_access_key = SK\n");
        return S3Store.open(new S3Settings(server.s3Endpoint(), "us-east-1", credentials, null, null, null, 4,
                Duration.ofSeconds(30)));
    }

    @Override
    String scheme() {
        return "s3";
    }
}
