package dev.restoreagent.stores;

import dev.restoreagent.agent.source.store.ObjectStore;
import dev.restoreagent.agent.source.store.ObjectStoreClients;
import dev.restoreagent.agent.source.store.ObjectStoreException;
import dev.restoreagent.agent.source.store.S3ClientWarmup;
import dev.restoreagent.agent.source.store.S3Settings;
import dev.restoreagent.agent.source.store.SwiftSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The module as the agent finds it: the service, and the clients it makes from the agent's settings. */
class S3AndSwiftClientsTest {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    @Test
    void theAgentFindsTheModulesClients() throws Exception {
        ObjectStoreClients clients = ObjectStoreClients.installed();
        assertThat(clients).isInstanceOf(S3AndSwiftClients.class);
        try (ObjectStore s3 = clients.s3(new S3Settings(URI.create("http://127.0.0.1:9"), "us-east-1", null, null,
                null, null, 4, TIMEOUT));
             ObjectStore swift = clients.swift(new SwiftSettings(URI.create("http://127.0.0.1:9/auth/1.0"), "a:u", "k",
                     null, null, null, null, 4, TIMEOUT))) {
            assertThat(s3.describe()).isEqualTo("S3 at http://127.0.0.1:9");
            assertThat(swift.describe()).isEqualTo("Swift at http://127.0.0.1:9/auth/1.0");
        }
    }

    @Test
    void aCredentialsFileIsReadWhenTheClientIsMade() throws Exception {
        Path file = Files.writeString(dir.resolve("credentials"),
                "[backups]\naws_access_key_id = AK\naws_secret_access_key = SK\n");
        ObjectStoreClients clients = ObjectStoreClients.installed();
        try (ObjectStore named = clients.s3(new S3Settings(URI.create("http://127.0.0.1:9"), "us-east-1", file,
                "backups", null, null, 4, TIMEOUT))) {
            assertThat(named.describe()).doesNotContain("SK");
        }

        assertThatThrownBy(() -> clients.s3(new S3Settings(URI.create("http://127.0.0.1:9"), "us-east-1", file, null,
                null, null, 4, TIMEOUT))).isInstanceOf(ObjectStoreException.class)
                .hasMessageStartingWith("credentials_file " + file + " has no usable profile default: ");
    }

    @Test
    void theWarmUpReadsAnObjectThroughTheModulesS3ClientFromItsStubGateway() throws Exception {
        // what restore-agent-cds's training run does, for the class-data archive to hold the client's classes
        assertThat(S3ClientWarmup.run()).isEqualTo("read 8 objects through the S3 client from a stub gateway on"
                + " loopback");
    }
}
