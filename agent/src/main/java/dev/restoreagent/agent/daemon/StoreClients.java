package dev.restoreagent.agent.daemon;

import dev.restoreagent.agent.daemon.AgentConfig.ConfigException;
import dev.restoreagent.agent.daemon.ConfLines.Setting;
import dev.restoreagent.agent.source.store.KeystoneSettings;
import dev.restoreagent.agent.source.store.ObjectStore;
import dev.restoreagent.agent.source.store.ObjectStoreException;
import dev.restoreagent.agent.source.store.S3Settings;
import dev.restoreagent.agent.source.store.S3Store;
import dev.restoreagent.agent.source.store.SwiftSettings;
import dev.restoreagent.agent.source.store.SwiftStore;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.profiles.ProfileFile;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** The clients of agent.conf's stores ({@link StoreConfig}), made when the agent starts, their secrets read. */
final class StoreClients {
    private StoreClients() {
    }

    /**
     * Makes the store's client, reading its secrets.
     *
     * @throws ObjectStoreException naming the store and the file that cannot be read or used
     */
    static ObjectStore open(StoreConfig store, Duration sourceReadTimeout) throws ObjectStoreException {
        String what = "store " + store.name();
        Path credentialsFile = store.credentialsFile();
        if (store.type() == StoreConfig.Type.S3) {
            ProfileCredentialsProvider credentials = null;
            String profile = store.profile() == null ? "default" : store.profile();
            if (credentialsFile != null) {
                checkReadable(credentialsFile, what + ": credentials_file");
                try {
                    credentials = ProfileCredentialsProvider.builder()
                            .profileFile(ProfileFile.builder().content(credentialsFile)
                                    .type(ProfileFile.Type.CREDENTIALS).build())
                            .profileName(profile).build();
                    credentials.resolveCredentials();
                } catch (SdkException | IllegalArgumentException e) {
                    throw new ObjectStoreException(what + ": credentials_file " + credentialsFile
                            + " has no usable profile " + profile + ": " + e.getMessage(), e);
                }
            }
            String sse = store.sseCustomerKeyFile() == null ? null
                    : secret(store.sseCustomerKeyFile(), what + ": sse_customer_key_file");
            return S3Store.open(new S3Settings(store.endpoint(), store.region(), credentials,
                    credentials == null ? store.profile() : null, store.caCert(), sse, store.maxConnections(),
                    sourceReadTimeout));
        }
        checkReadable(credentialsFile, what + ": credentials_file");
        boolean keystone = store.authVersion() == 3;
        Map<String, Setting> lines;
        try {
            lines = ConfLines.parse(Files.readAllLines(credentialsFile, StandardCharsets.UTF_8), credentialsFile,
                    keystone ? KeystoneSettings.FIELDS : Set.of("user", "key"));
        } catch (IOException e) {
            throw new ObjectStoreException(what + ": cannot read credentials_file " + credentialsFile + ": "
                    + e.getMessage(), e);
        } catch (ConfigException e) {
            throw new ObjectStoreException(what + ": " + e.getMessage(), e);
        }
        if (keystone) {
            Map<String, String> fields = new TreeMap<>();
            lines.forEach((k, v) -> fields.put(k, v.value()));
            KeystoneSettings settings;
            try {
                settings = KeystoneSettings.of(store.authUrl(), fields);
            } catch (IllegalArgumentException e) {
                throw new ObjectStoreException(what + ": credentials_file " + credentialsFile + ": " + e.getMessage(),
                        e);
            }
            return SwiftStore.open(new SwiftSettings(null, null, null, null, null, settings, store.caCert(),
                    store.maxConnections(), sourceReadTimeout));
        }
        if (!lines.containsKey("user") || !lines.containsKey("key")) {
            throw new ObjectStoreException(what + ": credentials_file " + credentialsFile
                    + " needs a user = ACCOUNT:USER line and a key = KEY line");
        }
        return SwiftStore.open(new SwiftSettings(store.authUrl(), lines.get("user").value(), lines.get("key").value(),
                null, null, null, store.caCert(), store.maxConnections(), sourceReadTimeout));
    }

    private static void checkReadable(Path file, String what) throws ObjectStoreException {
        if (!Files.isReadable(file)) {
            throw new ObjectStoreException(what + " " + file + (Files.exists(file)
                    ? " cannot be read by user " + System.getProperty("user.name")
                    : " does not exist"));
        }
    }

    private static String secret(Path file, String what) throws ObjectStoreException {
        checkReadable(file, what);
        try {
            String text = Files.readString(file, StandardCharsets.UTF_8).strip();
            if (text.isEmpty()) {
                throw new ObjectStoreException(what + " " + file + " is empty");
            }
            return text;
        } catch (IOException e) {
            throw new ObjectStoreException("cannot read " + what + " " + file + ": " + e.getMessage(), e);
        }
    }
}
