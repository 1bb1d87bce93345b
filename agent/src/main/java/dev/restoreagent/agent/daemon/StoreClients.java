package dev.restoreagent.agent.daemon;

import dev.restoreagent.agent.daemon.AgentConfig.ConfigException;
import dev.restoreagent.agent.daemon.ConfLines.Setting;
import dev.restoreagent.agent.source.store.KeystoneSettings;
import dev.restoreagent.agent.source.store.ObjectStore;
import dev.restoreagent.agent.source.store.ObjectStoreClients;
import dev.restoreagent.agent.source.store.ObjectStoreException;
import dev.restoreagent.agent.source.store.S3Settings;
import dev.restoreagent.agent.source.store.SwiftSettings;

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
        ObjectStoreClients clients = ObjectStoreClients.installed();
        if (store.type() == StoreConfig.Type.S3) {
            if (credentialsFile != null) {
                checkReadable(credentialsFile, what + ": credentials_file");
            }
            String sse = store.sseCustomerKeyFile() == null ? null
                    : secret(store.sseCustomerKeyFile(), what + ": sse_customer_key_file");
            return named(what, () -> clients.s3(new S3Settings(store.endpoint(), store.region(), credentialsFile,
                    store.profile(), store.caCert(), sse, store.maxConnections(), sourceReadTimeout)));
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
            return named(what, () -> clients.swift(new SwiftSettings(null, null, null, null, null, settings,
                    store.caCert(), store.maxConnections(), sourceReadTimeout)));
        }
        if (!lines.containsKey("user") || !lines.containsKey("key")) {
            throw new ObjectStoreException(what + ": credentials_file " + credentialsFile
                    + " needs a user = ACCOUNT:USER line and a key = KEY line");
        }
        return named(what, () -> clients.swift(new SwiftSettings(store.authUrl(), lines.get("user").value(),
                lines.get("key").value(), null, null, null, store.caCert(), store.maxConnections(),
                sourceReadTimeout)));
    }

    private interface Opening {
        ObjectStore open() throws ObjectStoreException;
    }

    /** The store {@code opening} makes, or its failure's message prefixed with {@code store NAME: }. */
    private static ObjectStore named(String what, Opening opening) throws ObjectStoreException {
        try {
            return opening.open();
        } catch (ObjectStoreException e) {
            throw new ObjectStoreException(what + ": " + e.getMessage(), e);
        }
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
