package dev.restoreagent.stores;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreagent.agent.source.store.BackupContainer;
import dev.restoreagent.agent.source.store.KeystoneSettings;
import dev.restoreagent.agent.source.store.NoSuchObjectException;
import dev.restoreagent.agent.source.store.ObjectStore;
import dev.restoreagent.agent.source.store.ObjectStoreException;
import dev.restoreagent.agent.source.store.StoredDigest;
import dev.restoreagent.agent.source.store.SwiftSettings;

import javax.net.ssl.SSLContext;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Cinder's Swift backups ({@code cinder.backup.drivers.swift.SwiftBackupDriver}) through the
 * JDK's HTTP client: v1 auth, Keystone v3 password auth ({@link KeystoneAuth}) or a given token,
 * container listings, streaming GETs of objects, whose bodies go from the client's buffers straight
 * into the reader's ({@link SubscribedBody}) and which {@link ResumingChannel} resumes with a Range
 * from the next byte. A token that expires is renewed once per request (by v1 or Keystone auth, not a
 * given one). At most {@code maxConnections} objects are read at once.
 */
public final class SwiftStore implements ObjectStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int LISTING_PAGE = 10_000;

    private final SwiftSettings settings;
    private final HttpClient http;
    private final Semaphore connections;
    private final Duration readTimeout;
    private volatile Auth auth;

    /** An account's URL and the token for it. */
    private record Auth(String storageUrl, String token) {
    }

    private SwiftStore(SwiftSettings settings, HttpClient http) {
        this.settings = settings;
        this.http = http;
        this.connections = new Semaphore(settings.maxConnections(), true);
        this.readTimeout = ObjectStore.readTimeout(settings.sourceReadTimeout());
        if (!settings.renewable()) {
            auth = new Auth(trimSlash(settings.storageUrl().toString()), settings.token());
        }
    }

    /** Makes the client; nothing is sent until a container is read. */
    public static SwiftStore open(SwiftSettings settings) throws ObjectStoreException {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .connectTimeout(ObjectStore.readTimeout(settings.sourceReadTimeout()))
                .followRedirects(HttpClient.Redirect.NEVER);
        if (settings.caCert() != null) {
            try {
                SSLContext tls = SSLContext.getInstance("TLS");
                tls.init(null, CaCertificates.load(settings.caCert()), null);
                builder.sslContext(tls);
            } catch (GeneralSecurityException e) {
                throw new ObjectStoreException("cannot use CA file " + settings.caCert() + ": " + e.getMessage(), e);
            }
        }
        return new SwiftStore(settings, builder.build());
    }

    @Override
    public String describe() {
        return settings.describe();
    }

    @Override
    public BackupContainer container(String name) {
        return new Container(name);
    }

    @Override
    public void close() {
        // the JDK's client has no close before Java 21; its connections go with it
    }

    private Auth auth(boolean renew) throws IOException {
        Auth current = auth;
        if (current != null && !renew) {
            return current;
        }
        if (!settings.renewable()) {
            throw new ObjectStoreException("the Swift token for " + settings.storageUrl() + " was refused (HTTP 401)");
        }
        synchronized (this) {
            if (auth != current && auth != null) {
                return auth;
            }
            auth = settings.keystone() != null ? keystone(settings.keystone()) : v1();
            return auth;
        }
    }

    private Auth v1() throws IOException {
        HttpRequest request = HttpRequest.newBuilder(settings.authUrl()).timeout(readTimeout)
                .header("X-Auth-User", settings.user()).header("X-Auth-Key", settings.key()).GET().build();
        HttpResponse<String> response = send(request, HttpResponse.BodyHandlers.ofString(), "authenticate at "
                + settings.authUrl());
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            throw new ObjectStoreException("Swift auth at " + settings.authUrl() + " refused user "
                    + settings.user() + ": HTTP " + status + " (the user or its key)");
        }
        String url = response.headers().firstValue("X-Storage-Url").orElse(null);
        String token = response.headers().firstValue("X-Auth-Token").orElse(null);
        if (status / 100 != 2 || url == null || token == null) {
            throw new ObjectStoreException("Swift auth at " + settings.authUrl() + " answered HTTP " + status
                    + (url == null || token == null ? " without X-Storage-Url and X-Auth-Token" : ""));
        }
        return new Auth(trimSlash(url), token);
    }

    private Auth keystone(KeystoneSettings keystone) throws IOException {
        URI tokens = keystone.tokensUrl();
        HttpRequest request = HttpRequest.newBuilder(tokens).timeout(readTimeout)
                .header("Content-Type", "application/json").header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(KeystoneAuth.request(keystone))).build();
        HttpResponse<String> response = send(request, HttpResponse.BodyHandlers.ofString(), "authenticate "
                + keystone.who() + " at " + tokens);
        int status = response.statusCode();
        if (status == 401 || status == 403) {
            throw new ObjectStoreException("Keystone at " + keystone.authUrl() + " refused " + keystone.who()
                    + ": HTTP " + status + " (the user, its password, or its role in the project)");
        }
        String token = response.headers().firstValue("X-Subject-Token").orElse(null);
        if (status / 100 != 2 || token == null) {
            throw new ObjectStoreException("Keystone at " + keystone.authUrl() + " answered HTTP " + status
                    + " to " + keystone.who() + (status / 100 == 2 ? " without an X-Subject-Token"
                    : errorMessage(response.body())));
        }
        return new Auth(trimSlash(KeystoneAuth.storageUrl(response.body(), keystone)), token);
    }

    /** {@code : <Keystone's error message>}, on one line, or nothing when it gave none. */
    private static String errorMessage(String body) {
        try {
            String message = JSON.readTree(body).path("error").path("message").asText("");
            return message.isBlank() ? "" : ": " + message.replaceAll("\\s+", " ").strip();
        } catch (IOException e) {
            return "";
        }
    }

    /** Sends with the token, renewing it once on a 401. */
    private <T> HttpResponse<T> authorized(String path, String range, String ifMatch,
                                           HttpResponse.BodyHandler<T> body, String what) throws IOException {
        boolean renewed = false;
        while (true) {
            Auth current = auth(false);
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(current.storageUrl() + path))
                    .timeout(readTimeout).header("X-Auth-Token", current.token()).GET();
            if (range != null) {
                request.header("Range", range);
            }
            if (ifMatch != null) {
                request.header("If-Match", ifMatch);
            }
            HttpResponse<T> response = send(request.build(), body, what);
            if (response.statusCode() != 401 || renewed || !settings.renewable()) {
                return response;
            }
            discard(response);
            renewed = true;
            auth(true);
        }
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body, String what)
            throws IOException {
        try {
            return http.send(request, body);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while trying to " + what);
        } catch (IOException e) {
            throw new IOException("cannot " + what + ": " + why(e, request.uri()), e);
        }
    }

    /**
     * Why a request failed, in words: the JDK's client throws a {@link ConnectException} without a message when
     * the gateway is down, and says what went wrong, if anywhere, in a cause.
     */
    static String why(IOException e, URI uri) {
        String message = null;
        for (Throwable t = e; t != null && message == null; t = t.getCause()) {
            message = t.getMessage();
        }
        if (e instanceof ConnectException) {
            return "cannot connect to " + uri.getScheme() + "://" + uri.getAuthority()
                    + (message != null ? " (" + message + ")" : " (connection refused or unreachable)");
        }
        return message != null ? message : e.getClass().getSimpleName();
    }

    private static void discard(HttpResponse<?> response) {
        if (response.body() instanceof Closeable body) {
            try {
                body.close();
            } catch (IOException e) {
                // dropped either way
            }
        }
    }

    private static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }

    @Override
    public SortedSet<String> containers() throws IOException {
        return names("", "", "list the containers of " + settings.describe());
    }

    /**
     * The names a listing of {@code path} (the account: "", a container: "/NAME") gives, page by page.
     *
     * @param query more of the listing's query, from {@code &}
     */
    private SortedSet<String> names(String path, String query, String what) throws IOException {
        SortedSet<String> names = new TreeSet<>();
        String marker = "";
        while (true) {
            HttpResponse<String> response = authorized(path + "?format=json&limit=" + LISTING_PAGE + query
                    + "&marker=" + URLEncoder.encode(marker, StandardCharsets.UTF_8), null, null,
                    HttpResponse.BodyHandlers.ofString(), what);
            check(response.statusCode(), what);
            if (response.statusCode() == 204 || response.body().isBlank()) {
                return names;
            }
            JsonNode page = JSON.readTree(response.body());
            if (!page.isArray()) {
                throw new ObjectStoreException("cannot " + what + ": the listing is not a JSON array");
            }
            for (JsonNode entry : page) {
                String name = entry.path("name").asText(null);
                if (name == null) {
                    throw new ObjectStoreException("cannot " + what + ": a listing entry has no name");
                }
                names.add(name);
                marker = name;
            }
            if (page.size() < LISTING_PAGE) {
                return names;
            }
        }
    }

    private static void check(int status, String what) throws IOException {
        if (status / 100 == 2) {
            return;
        }
        String why = "cannot " + what + ": HTTP " + status;
        switch (status) {
            case 404 -> throw new NoSuchObjectException(why);
            case 401, 403 -> throw new ObjectStoreException(why + " (the user, its key or token, or its rights)");
            case 400, 412, 416 -> throw new ObjectStoreException(why);
            default -> throw new IOException(why);
        }
    }

    /** {@code a b/c} as a URL path: each level encoded, the {@code /} kept. */
    static String encodePath(String name) {
        return URLEncoder.encode(name, StandardCharsets.UTF_8).replace("+", "%20").replace("%2F", "/");
    }

    /** One container. */
    private final class Container implements BackupContainer {
        private final String name;

        Container(String name) {
            this.name = name;
        }

        @Override
        public String describe() {
            return "Swift container " + name + " at " + settings.describe();
        }

        @Override
        public String describe(String object) {
            return "swift://" + name + "/" + object;
        }

        @Override
        public SortedSet<String> list(String prefix) throws IOException {
            return names("/" + encodePath(name), "&prefix=" + URLEncoder.encode(prefix, StandardCharsets.UTF_8),
                    "list " + describe(prefix) + "*");
        }

        @Override
        public boolean exists(String object) throws IOException {
            String what = "look for " + describe(object);
            HttpResponse<InputStream> response = authorized("/" + encodePath(name) + "/" + encodePath(object),
                    "bytes=0-0", null, HttpResponse.BodyHandlers.ofInputStream(), what);
            discard(response);
            if (response.statusCode() == 404) {
                return false;
            }
            check(response.statusCode(), what);
            return true;
        }

        @Override
        public int readerBytes() {
            return SubscribedBody.HELD_BYTES;
        }

        @Override
        public ReadableByteChannel open(String object, StoredDigest digest) throws IOException {
            return ResumingChannel.open(describe(object), (from, ifMatch) -> get(object, from, ifMatch),
                    digest == StoredDigest.CHECK);
        }

        private RangedGet.Body get(String object, long from, String ifMatch) throws IOException {
            String what = "read " + describe(object) + (from > 0 ? " from byte " + from : "");
            acquire(what);
            boolean handedOver = false;
            try {
                HttpResponse<SubscribedBody> response = authorized("/" + encodePath(name) + "/"
                        + encodePath(object), from > 0 ? "bytes=" + from + "-" : null, ifMatch,
                        info -> new SubscribedBody(readTimeout), what);
                if (response.statusCode() / 100 != 2) {
                    discard(response);
                    check(response.statusCode(), what);
                }
                long length = response.headers().firstValueAsLong("Content-Length").orElse(-1);
                String etag = response.headers().firstValue("ETag").map(e -> e.replace("\"", "")).orElse(null);
                ReadableByteChannel body = new Releasing(response.body());
                handedOver = true;
                return new RangedGet.Body(body, length < 0 ? -1 : from + length, etag, null);
            } finally {
                if (!handedOver) {
                    connections.release();
                }
            }
        }

        private void acquire(String what) throws IOException {
            try {
                // many restores share the connections: waiting for one is not a stall
                if (!connections.tryAcquire(settings.sourceReadTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new IOException("cannot " + what + ": all " + settings.maxConnections()
                            + " connections to " + settings.describe() + " stayed busy");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting to " + what);
            }
        }
    }

    /** A body that gives its connection's place back once, when it is closed. */
    private final class Releasing implements ReadableByteChannel {
        private final SubscribedBody body;
        private final AtomicBoolean released = new AtomicBoolean();

        Releasing(SubscribedBody body) {
            this.body = body;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            return body.read(dst);
        }

        @Override
        public boolean isOpen() {
            return body.isOpen();
        }

        @Override
        public void close() {
            body.close();
            if (released.compareAndSet(false, true)) {
                connections.release();
            }
        }
    }
}
