package dev.restoreagent.agent.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.restoreagent.api.ControlTransport;
import dev.restoreagent.api.RestoreRequest;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Calls the daemon's control API (HTTP/1.1 + JSON on its Unix socket), one call at a time, each on
 * a connection of its own. Every call blocks until the answer or {@link #TIMEOUT}, and throws
 * {@link AgentUnreachableException} when no answer came, {@link ControlClientException} when the
 * answer is an error status, and a plain {@link IOException} when a success answer is not the JSON
 * it should be. It connects on the {@link ControlTransport#selected() selected transport}. Not
 * thread-safe; close it to stop its event loop thread.
 */
public final class ControlClient implements AutoCloseable {
    /** The daemon's socket when neither {@code --socket} nor {@code $RESTORE_AGENT_SOCKET} says otherwise. */
    public static final String DEFAULT_SOCKET = "/run/restore-agent/agent.sock";
    /** How long one call may take, connecting included; the daemon answers from memory. */
    public static final Duration TIMEOUT = Duration.ofSeconds(30);

    // a job list of thousands of jobs stays far below this
    private static final int MAX_ANSWER_BYTES = 64 << 20;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path socket;
    // both made at the first call, whose failure then says why no transport could be had
    private ControlTransport transport;
    private EventLoopGroup group;

    public ControlClient(Path socket) {
        this.socket = socket;
    }

    /** A submitted job; {@code created} is false when the idempotency key named an existing job. */
    public record Submission(JsonNode job, boolean created) {
    }

    /** {@code POST /v1/restores}. */
    public Submission submit(RestoreRequest request) throws IOException {
        Answer answer = call(HttpMethod.POST, "/v1/restores", JSON.writeValueAsBytes(request));
        return new Submission(json(answer), answer.status() == HttpResponseStatus.ACCEPTED.code());
    }

    /** {@code GET /v1/restores}: {@code {"restores": [job, ...]}}, newest first. */
    public JsonNode list() throws IOException {
        return json(call(HttpMethod.GET, "/v1/restores", null));
    }

    /** {@code GET /v1/restores/{id}}: the job. */
    public JsonNode job(String id) throws IOException {
        return json(call(HttpMethod.GET, jobPath(id), null));
    }

    /** {@code DELETE /v1/restores/{id}}: asks the job to stop; answers the job as it is now. */
    public JsonNode cancel(String id) throws IOException {
        return json(call(HttpMethod.DELETE, jobPath(id), null));
    }

    /** {@code GET /v1/budget}: the memory budget and the jobs holding or waiting for it. */
    public JsonNode budget() throws IOException {
        return json(call(HttpMethod.GET, "/v1/budget", null));
    }

    /** {@code GET /v1/health}. */
    public JsonNode health() throws IOException {
        return json(call(HttpMethod.GET, "/v1/health", null));
    }

    /** {@code GET /metrics}: Prometheus text. */
    public String metrics() throws IOException {
        return call(HttpMethod.GET, "/metrics", null).body();
    }

    private static String jobPath(String id) {
        // an id is one path segment, whatever it holds
        return "/v1/restores/" + URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private JsonNode json(Answer answer) throws IOException {
        try {
            return JSON.readTree(answer.body());
        } catch (JsonProcessingException e) {
            throw new IOException("restore-agent at " + socket + " answered with malformed JSON: "
                    + e.getOriginalMessage(), e);
        }
    }

    private Answer call(HttpMethod method, String path, byte[] body) throws IOException {
        Answer answer = exchange(method, path, body);
        if (answer.status() >= 400) {
            throw error(answer);
        }
        return answer;
    }

    private static ControlClientException error(Answer answer) {
        String message = null;
        String field = null;
        try {
            JsonNode error = JSON.readTree(answer.body());
            message = error.path("error").textValue();
            field = error.path("field").textValue();
        } catch (JsonProcessingException e) {
            // not the API's error shape: say what came back instead
        }
        if (message == null) {
            message = "the daemon answered " + HttpResponseStatus.valueOf(answer.status());
        }
        return new ControlClientException(answer.status(), message, field);
    }

    private Answer exchange(HttpMethod method, String path, byte[] body) throws IOException {
        if (group == null) {
            try {
                transport = ControlTransport.selected();
            } catch (IllegalStateException e) {
                throw new AgentUnreachableException(socket.toString(), e.getMessage(), e);
            }
            group = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
        }
        CompletableFuture<Answer> answer = new CompletableFuture<>();
        ChannelFuture connect = new Bootstrap().group(group).channel(transport.channel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) TIMEOUT.toMillis())
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(MAX_ANSWER_BYTES),
                                new AnswerHandler(answer));
                    }
                })
                .connect(transport.address(socket));
        if (!connect.awaitUninterruptibly().isSuccess()) {
            // epoll says ENOENT with a bare FileNotFoundException, NIO with strerror's text: ask the file system
            throw Files.notExists(socket, LinkOption.NOFOLLOW_LINKS)
                    ? new AgentUnreachableException(socket.toString(), "no such socket", connect.cause())
                    : unreachable(connect.cause());
        }
        Channel channel = connect.channel();
        try {
            channel.writeAndFlush(request(method, path, body));
            return answer.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new AgentUnreachableException(socket.toString(), "no answer within " + TIMEOUT.toSeconds()
                    + " s", e);
        } catch (ExecutionException e) {
            throw unreachable(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentUnreachableException(socket.toString(), "interrupted", e);
        } finally {
            channel.close();
        }
    }

    private AgentUnreachableException unreachable(Throwable failure) {
        // Netty wraps the connect(2) error in one that repeats the path
        Throwable cause = failure;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        String reason;
        if (cause.getMessage() == null) {
            reason = cause.toString();
        } else {
            // keep the strerror text of "connect(..) failed with error(-111): Connection refused"
            reason = cause.getMessage().replaceFirst("^connect\\(\\.\\.\\) failed[^:]*: ", "");
        }
        return new AgentUnreachableException(socket.toString(), reason, failure);
    }

    private static FullHttpRequest request(HttpMethod method, String path, byte[] body) {
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, path,
                body == null ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body));
        // the host is required by HTTP/1.1 and means nothing on a Unix socket
        request.headers().set(HttpHeaderNames.HOST, "localhost")
                .set(HttpHeaderNames.ACCEPT, HttpHeaderValues.APPLICATION_JSON)
                .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body == null ? 0 : body.length);
        if (body != null) {
            request.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        }
        return request;
    }

    /** Stops the event loop thread; waits for it briefly. */
    @Override
    public void close() {
        // no quiet period: calls are synchronous, so nothing is left to run
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private record Answer(int status, String body) {
    }

    /** Completes the call's future with the one answer, or with why none came. */
    private static final class AnswerHandler extends SimpleChannelInboundHandler<FullHttpResponse> {
        private final CompletableFuture<Answer> answer;

        AnswerHandler(CompletableFuture<Answer> answer) {
            this.answer = answer;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse response) {
            answer.complete(new Answer(response.status().code(), response.content().toString(StandardCharsets.UTF_8)));
            ctx.close();
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            answer.completeExceptionally(new IOException("the daemon closed the connection without answering"));
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            answer.completeExceptionally(cause);
            ctx.close();
        }
    }
}
