package dev.restoreagent.agent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Calls the daemon's API on its Unix socket with curl: an HTTP client that is not ours, so the
 * daemon's tests do not take the agent's own client's word for what went over the wire.
 */
public final class Curl {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Curl() {
    }

    /**
     * An answer as curl saw it.
     *
     * @param headers the response headers, names in lower case, each with its values
     */
    public record Answer(int status, JsonNode headers, String body) {
        /** The value of header {@code name}, or null. */
        public String header(String name) {
            JsonNode values = headers.path(name.toLowerCase(java.util.Locale.ROOT));
            return values.isArray() && !values.isEmpty() ? values.get(0).asText() : null;
        }

        /** The body as JSON, or null if it is not JSON. */
        public JsonNode json() {
            if (!(body.startsWith("{") || body.startsWith("["))) {
                return null;
            }
            try {
                return JSON.readTree(body);
            } catch (JsonProcessingException e) {
                return null;
            }
        }
    }

    /**
     * {@code METHOD path} on {@code socket} with {@code body} (JSON, or null for none); {@code prefix}
     * runs curl under another command, e.g. {@code setpriv} for another uid.
     */
    public static Answer call(Path socket, String method, String path, String body, String... prefix)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(prefix));
        // the body on stdout, then status and headers on stderr (curl -s prints no errors of its own there)
        command.addAll(List.of("curl", "-s", "--unix-socket", socket.toString(), "-X", method,
                "-w", "%{stderr}%{http_code}\n%{header_json}", "-H", "Content-Type: application/json"));
        if (body != null) {
            command.addAll(List.of("--data-binary", "@-"));
            if (body.length() > 64 * 1024) {
                // the server may answer 413 and close before a large body is sent: asking first makes
                // that answer arrive instead of a reset, whatever the timing
                command.addAll(List.of("-H", "Expect: 100-continue"));
            }
        }
        command.add("http://localhost" + path);
        Process curl = new ProcessBuilder(command).start();
        if (body != null) {
            curl.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
        }
        curl.getOutputStream().close();
        // stdout first, to its end: what curl writes to stderr after it fits in the pipe
        String answered = new String(curl.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String trailer = new String(curl.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!curl.waitFor(1, TimeUnit.MINUTES)) {
            curl.destroyForcibly();
            throw new IOException("curl " + method + " " + path + " did not finish in a minute");
        }
        int cut = trailer.indexOf('\n');
        // 000 and no headers when nothing answered
        String code = (cut < 0 ? trailer : trailer.substring(0, cut)).strip();
        int status = code.isEmpty() ? 0 : Integer.parseInt(code);
        JsonNode headers = cut < 0 ? null : JSON.readTree(trailer.substring(cut + 1));
        return new Answer(status, headers == null ? JSON.createObjectNode() : headers, answered);
    }
}
