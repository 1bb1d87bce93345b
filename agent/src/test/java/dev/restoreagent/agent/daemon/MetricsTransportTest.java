package dev.restoreagent.agent.daemon;

import dev.restoreagent.api.ControlTransport;
import dev.restoreagent.io.memory.MemoryBudget;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The metrics listener runs on the control socket's transport: epoll where it loads, NIO where it
 * does not (ppc64le), so {@code metrics_listen} works wherever the socket does. The surefire
 * execution {@code nio-transport} runs this class again with NIO forced.
 */
class MetricsTransportTest {
    @Test
    void itListensOnTheSelectedTransportAndAnswersHttp() throws Exception {
        List<String> lines = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                lines.add(record.getMessage());
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger log = Logger.getLogger(MetricsServer.class.getName());
        log.addHandler(capture);
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        AgentMetrics metrics = new AgentMetrics(new MemoryBudget(1 << 20), () -> null, "test");
        try (MetricsServer server = new MetricsServer(new InetSocketAddress(InetAddress.getLoopbackAddress(), port),
                metrics)) {
            server.start();
            // a path that is not served: an answer over this transport, without a registry behind it
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/other")).build(), HttpResponse.BodyHandlers.ofString());

            assertThat(answer.statusCode()).isEqualTo(404);
            assertThat(answer.body()).isEqualTo("only /metrics is served here\n");
            assertThat(lines).contains("metrics on http://127.0.0.1:" + port + "/metrics ("
                    + ControlTransport.selected() + " transport)");
        } finally {
            log.removeHandler(capture);
        }
    }
}
