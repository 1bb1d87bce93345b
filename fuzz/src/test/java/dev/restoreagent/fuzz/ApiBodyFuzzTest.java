package dev.restoreagent.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreagent.api.RestoreRequest;
import dev.restoreagent.io.rbd.RbdImageSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The body of {@code POST /v1/restores} (a restore request's JSON), to a live daemon whose callers may
 * name files in one directory only. One answer, accepted (202, or 200 for a known idempotency key) or
 * refused as the caller's fault (400, 409, 413), never the daemon's; and what it accepts names no file
 * outside that directory (the path policy), nor any before checking it. Seeds: the requests of the
 * README's and the OpenAPI document's examples, each with its paths in that directory: {@value #ALLOWED}
 * in a body stands for it (its name differs from run to run).
 */
class ApiBodyFuzzTest {
    private static final Bounds BOUNDS = new Bounds("api-body");
    /** The client's side: the request, what came back, and the accepted request read back to check its paths. */
    private static final long HEAP_BYTES = 16L << 20;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path CEPH_DIR = Path.of("/etc/ceph");
    /** What stands for the allowed directory in a body. */
    static final String ALLOWED = "$ALLOWED";

    @TempDir
    static Path dir;
    private static LiveAgent agent;
    private static Path allowed;

    @BeforeAll
    static void start() throws Exception {
        agent = LiveAgent.start(dir);
        allowed = agent.allowed().toRealPath();
    }

    @FuzzTest
    void body(byte[] input) throws Exception {
        // bytes as they are, but for the placeholder
        byte[] body = new String(input, StandardCharsets.ISO_8859_1).replace(ALLOWED, allowed.toString())
                .getBytes(StandardCharsets.ISO_8859_1);
        BOUNDS.run(HEAP_BYTES + 16L * body.length, () -> {
            List<LiveAgent.Answer> answers = agent.exchange(post(body));
            assertThat(answers).as("answers to one request").hasSize(1);
            LiveAgent.Answer answer = answers.get(0);
            ApiAnswers.check(answer);
            assertThat(answer.status()).isIn(200, 202, 400, 409, 413);
            if (answer.status() < 300) {
                // read as the daemon reads it: a String first, malformed UTF-8 replaced
                checkPaths(JSON.readValue(new String(body, StandardCharsets.UTF_8), RestoreRequest.class));
            }
        });
    }

    private static byte[] post(byte[] body) {
        ByteArrayOutputStream request = new ByteArrayOutputStream();
        request.writeBytes(("POST /v1/restores HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        request.writeBytes(body);
        return request.toByteArray();
    }

    /** Every file an accepted request names is in the allowed directory; a cluster's files may be in /etc/ceph. */
    private static void checkPaths(RestoreRequest request) {
        List<String> files = new ArrayList<>(request.parentRecordList());
        files.add(request.backupRoot());
        files.add(request.cinderRecord());
        files.add(request.image());
        if (!RbdImageSpec.isRbd(request.to())) {
            files.add(request.to());
        }
        for (String file : files) {
            if (file != null) {
                assertThat(Path.of(file).normalize()).as("a file an accepted request names").startsWithRaw(allowed);
            }
        }
        if (request.backupCluster() != null) {
            for (String file : new String[] {request.backupCluster().conf(), request.backupCluster().keyring()}) {
                if (file != null) {
                    assertThat(Path.of(file).normalize()).as("a cluster's file an accepted request names")
                            .matches(p -> p.startsWith(allowed) || p.startsWith(CEPH_DIR));
                }
            }
        }
    }

    @AfterAll
    static void close() {
        agent.close();
        BOUNDS.close();
    }
}
