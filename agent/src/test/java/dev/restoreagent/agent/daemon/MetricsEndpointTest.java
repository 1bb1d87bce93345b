package dev.restoreagent.agent.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import dev.restoreagent.agent.Curl;
import dev.restoreagent.testkit.CinderBackup;
import dev.restoreagent.testkit.CinderBackupWriter;
import dev.restoreagent.testkit.VolumeShape;
import dev.restoreagent.testkit.Volumes;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The metrics listener end to end: an agent in this process with {@code metrics_listen} on a free
 * loopback port runs one restore that succeeds and one that fails; a scrape over TCP shows the
 * series with their values, is valid Prometheus text to {@code promtool check metrics}, and the
 * listener serves nothing but {@code GET /metrics}.
 */
class MetricsEndpointTest {
    private static final long VOLUME_BYTES = (3L << 20) + 777;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Path MONITORING = Path.of(System.getProperty("restore.agent.home", ".."), "monitoring");

    @TempDir
    Path dir;
    private Agent agent;
    private AgentConfig config;
    private int port;

    @BeforeEach
    void start() throws Exception {
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path conf = Files.writeString(dir.resolve("agent.conf"), String.join("\n",
                "socket = " + dir.resolve("agent.sock"), "state_dir = " + dir.resolve("state"),
                "allowed_paths = " + allowed(), "allowed_groups =", "memory_budget = 64MiB",
                "metrics_listen = 127.0.0.1:" + port, ""));
        config = AgentConfig.load(conf);
        agent = Agent.start(config, "test-1.2");
    }

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.close();
        }
    }

    private Path allowed() throws IOException {
        return Files.createDirectories(dir.resolve("allowed"));
    }

    @Test
    void aScrapeOverTcpShowsTheRestoresAndIsValidPrometheusText() throws Exception {
        Path volume = allowed().resolve("volume");
        Volumes.write(volume, VOLUME_BYTES, 7, VolumeShape.DISK_LIKE);
        CinderBackup backup = CinderBackupWriter.builder(allowed().resolve("backups")).chunkSizeBytes(1L << 20)
                .compression("zstd").write(volume);
        assertThat(restore(backup.backupRoot(), backup.backupId(), "restored.img")).isEqualTo("SUCCEEDED");
        assertThat(restore(backup.backupRoot(), UUID.randomUUID().toString(), "missing.img")).isEqualTo("FAILED");

        // a job shows its end before its runner has let go and the metrics have counted it
        HttpResponse<String> scrape = awaitScrape(s -> s.entrySet().stream()
                .filter(e -> e.getKey().startsWith("restore_agent_jobs_finished_total{"))
                .mapToDouble(Map.Entry::getValue).sum() == 2);

        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("content-type").orElse("")).startsWith("text/plain; version=0.0.4");
        Map<String, Double> series = series(scrape.body());
        assertThat(series).containsEntry("restore_agent_restored_bytes_total", (double) VOLUME_BYTES)
                .containsEntry("restore_agent_jobs_finished_total{state=\"SUCCEEDED\"}", 1.0)
                .containsEntry("restore_agent_jobs_finished_total{state=\"FAILED\"}", 1.0)
                .containsEntry("restore_agent_jobs_finished_total{state=\"CANCELLED\"}", 0.0)
                .containsEntry("restore_agent_jobs_failed_total{kind=\"BAD_INPUT\"}", 1.0)
                .containsEntry("restore_agent_jobs_failed_total{kind=\"VERIFICATION\"}", 0.0)
                .containsEntry("restore_agent_jobs_failed_total{kind=\"CANCELLED\"}", 0.0)
                .containsEntry("restore_agent_verification_failures_total", 0.0)
                .containsEntry("restore_agent_restore_duration_seconds_count", 1.0)
                .containsEntry("restore_agent_restore_throughput_bytes_per_second_count", 1.0)
                .containsEntry("restore_agent_jobs{state=\"SUCCEEDED\"}", 1.0)
                .containsEntry("restore_agent_jobs{state=\"RUNNING\"}", 0.0)
                .containsEntry("restore_agent_build_info{version=\"test-1.2\"}", 1.0)
                .containsEntry("restore_agent_decoder_info{codec=\"zstd\",implementation=\"zstd-jni\"}", 1.0)
                .containsEntry("restore_agent_decoder_info{codec=\"zlib\",implementation=\"isa-l\"}", 1.0)
                .containsEntry("restore_agent_decoder_info{codec=\"bzip2\",implementation=\"libbz2\"}", 1.0)
                .containsEntry("restore_agent_budget_total_bytes", (double) (64L << 20))
                .containsEntry("restore_agent_budget_in_use_bytes", 0.0)
                .containsEntry("restore_agent_queue_length", 0.0)
                .containsEntry("restore_agent_writes_in_flight", 0.0)
                .containsKeys("restore_agent_direct_memory_used_bytes", "restore_agent_direct_memory_peak_bytes",
                        "restore_agent_budget_peak_in_use_bytes");
        assertThat(series.get("restore_agent_restore_duration_seconds_sum")).isPositive();
        assertThat(series.get("restore_agent_restore_throughput_bytes_per_second_sum")).isPositive();
        assertThat(series.get("restore_agent_budget_peak_in_use_bytes")).isPositive();
        // the JVM alone is tens of MiB: a plausible VmRSS, not a unit off by 1024
        assertThat(series.get("restore_agent_process_resident_memory_bytes")).isGreaterThan(16.0 * (1 << 20));
        Promtool.accepts(dir, scrape.body(), "check", "metrics");
        // the socket serves the same metrics
        assertThat(series(Curl.call(config.socket(), "GET", "/metrics", null).body()).keySet())
                .isEqualTo(series(get("/metrics").body()).keySet());
    }

    @Test
    void theAlertsAndTheDashboardUseOnlyMetricsTheAgentExposes() throws Exception {
        Set<String> exposed = get("/metrics").body().lines().filter(l -> l.startsWith("# TYPE "))
                .map(l -> l.split(" ")[2]).collect(Collectors.toSet());
        for (Path file : List.of(MONITORING.resolve("restore-agent-alerts.yml"),
                MONITORING.resolve("restore-agent-dashboard.json"))) {
            Matcher used = Pattern.compile("restore_agent_[a-z_]+").matcher(Files.readString(file));
            while (used.find()) {
                String name = used.group().replaceFirst("_(bucket|count|sum)$", "");
                assertThat(exposed).as(file.getFileName() + " uses " + used.group()).contains(name);
            }
        }
    }

    @Test
    void theListenerServesGetMetricsOnly() throws Exception {
        assertThat(get("/").statusCode()).isEqualTo(404);
        assertThat(get("/v1/health").statusCode()).isEqualTo(404);
        HttpResponse<String> post = HTTP.send(HttpRequest.newBuilder(uri("/metrics"))
                .POST(HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("allow")).contains("GET");
        assertThat(get("/metrics?name[]=x").statusCode()).isEqualTo(200);
    }

    @Test
    void aTakenPortStopsTheStartInOneSentenceAndLeavesNothingBehind() throws Exception {
        agent.close();
        agent = null;
        try (ServerSocket taken = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            Throwable refused = org.assertj.core.api.Assertions.catchThrowable(() -> Agent.start(config, "test"));
            assertThat(refused).isInstanceOf(AgentStartException.class)
                    .hasMessageStartingWith("cannot listen for metrics on 127.0.0.1:" + port + " (metrics_listen): ");
        }
        // the state directory's lock was let go: the next start works
        agent = Agent.start(config, "test");
    }

    private String restore(Path backupRoot, String backupId, String to) throws Exception {
        String body = "{\"backup_root\": \"" + backupRoot + "\", \"backup_id\": \"" + backupId + "\", \"to\": \""
                + allowed().resolve(to) + "\"}";
        Curl.Answer submitted = Curl.call(config.socket(), "POST", "/v1/restores", body);
        assertThat(submitted.status()).as(submitted.body()).isEqualTo(202);
        String id = submitted.json().get("id").asText();
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (true) {
            JsonNode job = Curl.call(config.socket(), "GET", "/v1/restores/" + id, null).json();
            String state = job.get("state").asText();
            if (!state.equals("QUEUED") && !state.equals("RUNNING")) {
                return state;
            }
            assertThat(System.nanoTime()).as("job finished in time: " + job).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private HttpResponse<String> awaitScrape(Predicate<Map<String, Double>> until) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
        while (true) {
            HttpResponse<String> scrape = get("/metrics");
            if (scrape.statusCode() != 200 || until.test(series(scrape.body()))) {
                return scrape;
            }
            assertThat(System.nanoTime()).as("metrics in time: " + scrape.body()).isLessThan(deadline);
            Thread.sleep(50);
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Every sample of a Prometheus text scrape: series (name and labels) to value. */
    static Map<String, Double> series(String scrape) {
        Map<String, Double> samples = new LinkedHashMap<>();
        scrape.lines().filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(l -> {
            int cut = l.lastIndexOf(' ');
            samples.put(l.substring(0, cut), Double.parseDouble(l.substring(cut + 1)));
        });
        return samples;
    }
}
