package dev.restoreagent.stores;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Map.Entry;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/**
 * A store on loopback that answers as much of S3 (path-style, unsigned checks) and of Swift (v1
 * auth) as the agent's readers ask: listings, HEAD, GETs whole and from a byte. Objects keep the
 * ETag of the bytes they were put with, so damaging them afterwards ({@link #damage}) is what an
 * MD5 ETag check catches: bytes that changed at rest or on the way.
 */
public final class FakeObjectServer implements AutoCloseable {
    /** The Swift account's path. */
    private static final String ACCOUNT = "/v1/AUTH_test";

    private record Stored(byte[] bytes, String etag) {
    }

    /** By container, then by name. */
    private final Map<String, SortedMap<String, Stored>> containers = new HashMap<>();
    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4);

    private FakeObjectServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", this::answer);
        server.setExecutor(threads);
        server.start();
    }

    public static FakeObjectServer start() throws IOException {
        return new FakeObjectServer();
    }

    /** Its S3 endpoint. */
    public URI s3Endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** Its Swift v1 auth URL, which takes any user and key. */
    public URI swiftAuthUrl() {
        return URI.create(s3Endpoint() + "/auth/1.0");
    }

    /** Puts object {@code name} with {@code bytes}, its ETag their MD5. */
    public synchronized void put(String container, String name, byte[] bytes) {
        containers.computeIfAbsent(container, c -> new TreeMap<>())
                .put(name, new Stored(bytes.clone(), md5Hex(bytes)));
    }

    /** Puts every file of {@code dir} as an object of the same name. */
    public void putFiles(String container, Path dir) throws IOException {
        try (var files = Files.list(dir)) {
            for (Path file : files.collect(Collectors.toList())) {
                put(container, file.getFileName().toString(), Files.readAllBytes(file));
            }
        }
    }

    /** Flips the bits of byte {@code at} of object {@code name}, keeping the ETag it was put with. */
    public synchronized void damage(String container, String name, int at) {
        containers.get(container).get(name).bytes()[at] ^= (byte) 0xff;
    }

    private synchronized Stored find(String container, String name) {
        SortedMap<String, Stored> objects = containers.get(container);
        return objects == null ? null : objects.get(name);
    }

    private synchronized SortedMap<String, Stored> listing(String container, String prefix) {
        SortedMap<String, Stored> objects = containers.getOrDefault(container, new TreeMap<>());
        SortedMap<String, Stored> found = new TreeMap<>();
        objects.forEach((name, stored) -> {
            if (name.startsWith(prefix)) {
                found.put(name, stored);
            }
        });
        return found;
    }

    private void answer(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            if (path.equals("/auth/1.0")) {
                exchange.getResponseHeaders().add("X-Storage-Url", s3Endpoint() + ACCOUNT);
                exchange.getResponseHeaders().add("X-Auth-Token", "token");
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            boolean swift = path.startsWith(ACCOUNT + "/");
            String rest = swift ? path.substring(ACCOUNT.length() + 1) : path.substring(1);
            int slash = rest.indexOf('/');
            String container = slash < 0 ? rest : rest.substring(0, slash);
            if (slash < 0) {
                list(exchange, container, query.getOrDefault("prefix", ""), swift);
                return;
            }
            Stored object = find(container, rest.substring(slash + 1));
            if (object == null) {
                exchange.sendResponseHeaders(404, -1);
                return;
            }
            send(exchange, object);
        }
    }

    private void list(HttpExchange exchange, String container, String prefix, boolean swift) throws IOException {
        SortedMap<String, Stored> found = listing(container, prefix);
        String body;
        if (swift) {
            // one page: the agent asks for the next from the last name, and gets none
            String marker = query(exchange.getRequestURI().getRawQuery()).getOrDefault("marker", "");
            body = found.keySet().stream().filter(n -> n.compareTo(marker) > 0)
                    .map(n -> "{\"name\":\"" + n + "\"}").collect(Collectors.joining(",", "[", "]"));
        } else {
            StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"
                    + "<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>" + container
                    + "</Name><Prefix>" + prefix + "</Prefix><KeyCount>" + found.size()
                    + "</KeyCount><MaxKeys>1000</MaxKeys><IsTruncated>false</IsTruncated>");
            for (Entry<String, Stored> entry : found.entrySet()) {
                xml.append("<Contents><Key>").append(entry.getKey()).append("</Key><Size>")
                        .append(entry.getValue().bytes().length).append("</Size><ETag>\"")
                        .append(entry.getValue().etag()).append("\"</ETag></Contents>");
            }
            body = xml.append("</ListBucketResult>").toString();
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(200, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private static void send(HttpExchange exchange, Stored object) throws IOException {
        byte[] bytes = object.bytes();
        exchange.getResponseHeaders().add("ETag", "\"" + object.etag() + "\"");
        if (exchange.getRequestMethod().equals("HEAD")) {
            exchange.sendResponseHeaders(200, -1);
            return;
        }
        int from = 0;
        int to = bytes.length - 1;
        String range = exchange.getRequestHeaders().getFirst("Range");
        if (range != null) {
            String[] fromTo = range.substring("bytes=".length()).split("-", -1);
            from = Integer.parseInt(fromTo[0]);
            to = fromTo[1].isEmpty() ? to : Math.min(to, Integer.parseInt(fromTo[1]));
            exchange.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + to + "/" + bytes.length);
        }
        exchange.sendResponseHeaders(range == null ? 200 : 206, to - from + 1);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes, from, to - from + 1);
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> query = new HashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                query.put(URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return query;
    }

    /** The MD5 of {@code bytes}, in hex: the ETag {@link #put} gives them. */
    public static String md5Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java has MD5", e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
