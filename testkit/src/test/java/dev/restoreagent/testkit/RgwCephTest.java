package dev.restoreagent.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The cluster's RADOS Gateway as tests reach it through {@link CephTestCluster#rgw()}: S3 and Swift by
 * Debian's own clients, and a Swift GET cut by a {@link CuttingProxy} that a ranged GET completes.
 */
@Tag("ceph")
class RgwCephTest {
    private static final Path PROBE = Path.of("../scripts/rgw-probe.py");
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final int OBJECT_BYTES = 1 << 20;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(TIMEOUT).build();

    @Test
    void s3AndSwiftRoundTripsWorkWithTheKeysTestsAreGiven() throws Exception {
        RadosGateway rgw = CephTestCluster.rgw();
        assertThat(PROBE).exists();
        // boto3 signs the S3 requests: no signing of our own to get wrong
        ProcessBuilder pb = new ProcessBuilder("/usr/bin/python3", PROBE.toString(), "30").redirectErrorStream(true);
        Map<String, String> env = pb.environment();
        env.put("RGW_ENDPOINT", rgw.endpoint().toString());
        env.put("RGW_S3_ACCESS_KEY", rgw.s3AccessKey());
        env.put("RGW_S3_SECRET_KEY", rgw.s3SecretKey());
        env.put("RGW_SWIFT_AUTH_URL", rgw.swiftAuthUrl().toString());
        env.put("RGW_SWIFT_USER", rgw.swiftUser());
        env.put("RGW_SWIFT_KEY", rgw.swiftKey());
        Process probe = pb.start();
        String output = new String(probe.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(probe.waitFor(2, TimeUnit.MINUTES)).as("rgw-probe.py finished").isTrue();
        assertThat(probe.exitValue()).as(output).isZero();
        assertThat(output).isEmpty();
    }

    @Test
    void aSwiftGetCutMidObjectIsCompletedByARangedGet() throws Exception {
        RadosGateway rgw = CephTestCluster.rgw();
        HttpResponse<Void> auth = http.send(HttpRequest.newBuilder(rgw.swiftAuthUrl()).timeout(TIMEOUT)
                .header("X-Auth-User", rgw.swiftUser()).header("X-Auth-Key", rgw.swiftKey()).build(),
                HttpResponse.BodyHandlers.discarding());
        assertThat(auth.statusCode()).as("Swift v1 auth").isBetween(200, 204);
        String token = auth.headers().firstValue("X-Auth-Token").orElseThrow();
        assertThat(auth.headers().firstValue("X-Storage-Url")).hasValue(rgw.endpoint() + "/swift/v1");

        String container = "cut-" + UUID.randomUUID().toString().substring(0, 8);
        String path = "/swift/v1/" + container + "/object";
        byte[] data = new byte[OBJECT_BYTES];
        new Random(42).nextBytes(data);
        try {
            assertThat(send(token, "PUT", rgw.endpoint().resolve("/swift/v1/" + container), new byte[0]))
                    .isBetween(201, 202);
            assertThat(send(token, "PUT", rgw.endpoint().resolve(path), data)).isEqualTo(201);

            try (CuttingProxy proxy = CuttingProxy.start("127.0.0.1", rgw.port())) {
                URI viaProxy = URI.create("http://127.0.0.1:" + proxy.port() + path);
                proxy.cutAfter(300_000, 1);
                HttpResponse<InputStream> cut = http.send(get(token, viaProxy).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                assertThat(cut.statusCode()).isEqualTo(200);
                ByteArrayOutputStream head = new ByteArrayOutputStream();
                assertThatThrownBy(() -> copy(cut.body(), head)).isInstanceOf(IOException.class);
                int received = head.size();
                assertThat(received).as("bytes before the cut").isBetween(250_000, 300_000);

                HttpResponse<byte[]> rest = http.send(get(token, viaProxy).header("Range", "bytes=" + received + "-")
                        .build(), HttpResponse.BodyHandlers.ofByteArray());
                assertThat(rest.statusCode()).isEqualTo(206);
                assertThat(rest.headers().firstValue("Content-Range"))
                        .hasValue("bytes " + received + "-" + (OBJECT_BYTES - 1) + "/" + OBJECT_BYTES);
                head.write(rest.body());
                assertThat(Arrays.mismatch(head.toByteArray(), data)).as("first differing offset").isEqualTo(-1);
                assertThat(proxy.cuts()).isEqualTo(1);
                assertThat(proxy.connections()).isEqualTo(2);
            }
        } finally {
            send(token, "DELETE", rgw.endpoint().resolve(path), null);
            send(token, "DELETE", rgw.endpoint().resolve("/swift/v1/" + container), null);
        }
    }

    private static HttpRequest.Builder get(String token, URI uri) {
        return HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("X-Auth-Token", token).GET();
    }

    private int send(String token, String method, URI uri, byte[] body) throws IOException, InterruptedException {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(body);
        return http.send(HttpRequest.newBuilder(uri).timeout(TIMEOUT).header("X-Auth-Token", token)
                .method(method, publisher).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) throws IOException {
        try (in) {
            byte[] buffer = new byte[8192];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                out.write(buffer, 0, n);
            }
        }
    }
}
