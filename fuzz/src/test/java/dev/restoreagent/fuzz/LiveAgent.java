package dev.restoreagent.fuzz;

import dev.restoreagent.agent.daemon.Agent;
import dev.restoreagent.agent.daemon.AgentConfig;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A daemon in this process for the API's fuzz targets, started as {@code restore-agent serve} starts one,
 * with nothing it could harm: its files must be in an empty directory of its own ({@link #allowed()}),
 * its Ceph configuration does not exist (no RBD target can be reached), and finished jobs are forgotten at
 * its next housekeeping. Its log is off: a fuzzing run sends it thousands of requests, most of them refused
 * or failing as they should, which the target checks through the API's answers.
 */
public final class LiveAgent implements AutoCloseable {
    /** Held: a logger's level lasts only while something holds the logger. */
    private static final Logger AGENT_LOG = Logger.getLogger("dev.restoreagent");
    private static final String HTTP = "HTTP/1.1 ";

    private final Path dir;
    private final Agent agent;
    private final Path socket;

    private LiveAgent(Path dir, Agent agent, Path socket) {
        this.dir = dir;
        this.agent = agent;
        this.socket = socket;
    }

    /** Starts a daemon whose socket, state and allowed directory are under {@code dir}. */
    public static LiveAgent start(Path dir) throws IOException, InterruptedException, AgentConfig.ConfigException {
        AGENT_LOG.setLevel(Level.OFF);
        Files.createDirectories(dir.resolve("allowed"));
        int uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        Path conf = Files.writeString(dir.resolve("agent.conf"), String.join("\n",
                "socket = " + dir.resolve("agent.sock"),
                "state_dir = " + dir.resolve("state"),
                "allowed_uids = " + uid,
                "allowed_groups =",
                "allowed_paths = " + dir.resolve("allowed"),
                "ceph_conf = " + dir.resolve("no-such-ceph.conf"),
                "memory_budget = 16MiB",
                "buffer_size = 64KiB",
                "queue_depth = 2",
                "job_retention_hours = 0",
                ""));
        AgentConfig config = AgentConfig.load(conf);
        return new LiveAgent(dir, Agent.start(config, "fuzz"), config.socket());
    }

    /** The one directory the daemon's requests may name files in. */
    public Path allowed() {
        return dir.resolve("allowed");
    }

    /**
     * One answer: its status and body.
     *
     * @param body null for the answer to a HEAD request, which has none
     */
    public record Answer(int status, String contentType, String body) {
    }

    /**
     * Sends {@code request} as it is on a new connection, closes the sending side, and reads every answer
     * until the daemon closes the connection (on the end of its input, as Netty does).
     */
    public List<Answer> exchange(byte[] request) throws IOException {
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            channel.connect(UnixDomainSocketAddress.of(socket));
            ByteBuffer out = ByteBuffer.wrap(request);
            while (out.hasRemaining()) {
                channel.write(out);
            }
            channel.shutdownOutput();
            ByteBuffer in = ByteBuffer.allocate(64 * 1024);
            while (channel.read(in) >= 0) {
                received.write(in.array(), 0, in.position());
                in.clear();
            }
        }
        return answers(received.toByteArray());
    }

    /** The answers in {@code bytes}: each a status line, headers, and as many body bytes as its Content-Length. */
    static List<Answer> answers(byte[] bytes) {
        List<Answer> answers = new ArrayList<>();
        String text = new String(bytes, StandardCharsets.ISO_8859_1);
        int at = 0;
        while (at < text.length()) {
            int headEnd = text.indexOf("\r\n\r\n", at);
            if (headEnd < 0 || !text.startsWith(HTTP, at)) {
                throw new AssertionError("not an HTTP answer at byte " + at + ": " + text.substring(at));
            }
            String[] head = text.substring(at, headEnd).split("\r\n");
            int status = Integer.parseInt(head[0].substring(9, 12));
            long length = 0;
            String type = null;
            for (int i = 1; i < head.length; i++) {
                String[] field = head[i].split(":", 2);
                String name = field[0].trim().toLowerCase(Locale.ROOT);
                if (name.equals("content-length")) {
                    length = Long.parseLong(field[1].trim());
                } else if (name.equals("content-type")) {
                    type = field[1].trim();
                }
            }
            int bodyStart = headEnd + 4;
            if (length > 0 && (bodyStart == text.length() || text.startsWith(HTTP, bodyStart))) {
                // the answer to a HEAD request: the length its body would have, and no body
                answers.add(new Answer(status, type, null));
                at = bodyStart;
                continue;
            }
            if (bodyStart + length > text.length()) {
                throw new AssertionError("an answer's body is cut short: " + text.substring(at));
            }
            answers.add(new Answer(status, type, new String(bytes, bodyStart, (int) length, StandardCharsets.UTF_8)));
            at = bodyStart + (int) length;
        }
        return answers;
    }

    @Override
    public void close() {
        agent.close();
    }
}
