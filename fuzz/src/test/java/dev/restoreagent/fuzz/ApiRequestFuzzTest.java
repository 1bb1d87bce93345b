package dev.restoreagent.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Whatever bytes a caller sends down the control socket, to a live daemon: request lines, methods, paths
 * and their escapes, headers (lengths, chunking, {@code Expect}, keep-alive), several requests in a row,
 * and bodies. Every answer is well-formed HTTP, a status below 500 (a 5xx is the daemon's own failure),
 * and an error's body is the API's JSON; the daemon answers the next caller after it. Seeds: the requests
 * of the API's documented calls, as curl and the agent's client send them.
 */
class ApiRequestFuzzTest {
    private static final Bounds BOUNDS = new Bounds("api-request");
    /** The client's side: the request, what came back, and its parsing. */
    private static final long HEAP_BYTES = 16L << 20;
    private static final byte[] HEALTH = "GET /v1/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
            .getBytes(StandardCharsets.US_ASCII);

    @TempDir
    static Path dir;
    private static LiveAgent agent;

    @BeforeAll
    static void start() throws Exception {
        agent = LiveAgent.start(dir);
    }

    @FuzzTest
    void request(byte[] input) throws Exception {
        BOUNDS.run(HEAP_BYTES + 16L * input.length, () -> {
            for (LiveAgent.Answer answer : agent.exchange(input)) {
                ApiAnswers.check(answer);
            }
            List<LiveAgent.Answer> health = agent.exchange(HEALTH);
            assertThat(health).as("the daemon's answer to the next caller").hasSize(1);
            assertThat(health.get(0).status()).isEqualTo(200);
        });
    }

    @AfterAll
    static void close() {
        agent.close();
        BOUNDS.close();
    }
}
