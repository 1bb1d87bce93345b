package dev.restoreagent.agent.client;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.restoreagent.api.ControlTransport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A stand-in for the daemon: an HTTP server on a Unix socket that answers canned JSON by method
 * and path, and records what it was asked. Answers given for one route are served in order and
 * the last one repeats, so a job can go RUNNING, then SUCCEEDED, and stay so.
 */
final class FakeAgent implements AutoCloseable {
    /** A request as the fake received it. */
    record Request(String method, String uri, String body) {
    }

    /** What to answer; status 0 closes the connection without an answer. */
    record Answer(int status, String body) {
    }

    static final ObjectMapper JSON = new ObjectMapper();

    final Path socket;
    final List<Request> requests = new CopyOnWriteArrayList<>();
    private final Map<String, Deque<Answer>> answers = new ConcurrentHashMap<>();
    // the client's own transport: under -Drestore.agent.transport=nio both ends are NIO
    private final ControlTransport transport = ControlTransport.selected();
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
    private final Channel server;

    FakeAgent(Path socket) throws InterruptedException {
        this.socket = socket;
        this.server = new ServerBootstrap().group(group).channel(transport.serverChannel())
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new Api());
                    }
                })
                .bind(transport.address(socket)).sync().channel();
    }

    /** A job's JSON as the API has it: running, a quarter of 4 MiB done; tests change what they need. */
    static ObjectNode job(String id, String state) {
        ObjectNode job = JSON.createObjectNode().put("id", id).put("state", state).putNull("queue_position")
                .put("source", "Cinder backup b-1 (full)").put("target", "/dev/sdb")
                .put("bytes_done", 1L << 20).put("bytes_total", 4L << 20).put("bytes_written", 1L << 19)
                .put("bytes_zeroed", 0).put("bytes_skipped_zero", 1L << 19).put("rate_bytes_per_second", 2097152.0)
                .put("eta_seconds", 2).putNull("error").putNull("error_kind")
                .put("created_at", "2025-01-02T03:04:05Z").put("started_at", "2025-01-02T03:04:06Z")
                .putNull("finished_at");
        job.putObject("request").put("image", "/srv/disk.img").put("to", "/dev/sdb");
        return job;
    }

    /** Answers {@code method path} with these, in order; the last one repeats. */
    FakeAgent on(String method, String path, Answer... inOrder) {
        answers.put(method + " " + path, new ArrayDeque<>(List.of(inOrder)));
        return this;
    }

    FakeAgent on(String method, String path, int status, String body) {
        return on(method, path, new Answer(status, body));
    }

    private Answer next(String route) {
        Deque<Answer> queue = answers.get(route);
        if (queue == null) {
            return new Answer(404, "{\"error\": \"no route " + route + "\", \"status\": 404}");
        }
        synchronized (queue) {
            return queue.size() > 1 ? queue.poll() : queue.peek();
        }
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Api extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
            requests.add(new Request(request.method().name(), request.uri(),
                    request.content().toString(StandardCharsets.UTF_8)));
            Answer answer = next(request.method().name() + " " + request.uri());
            if (answer.status() == 0) {
                ctx.close();
                return;
            }
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                    HttpResponseStatus.valueOf(answer.status()),
                    Unpooled.copiedBuffer(answer.body(), StandardCharsets.UTF_8));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
