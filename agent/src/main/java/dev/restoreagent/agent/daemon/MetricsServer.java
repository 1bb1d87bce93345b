package dev.restoreagent.agent.daemon;

import dev.restoreagent.api.ControlTransport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * The optional metrics listener: Netty's HTTP codec over TCP on the control socket's transport
 * ({@link ControlTransport}: epoll where it loads, NIO elsewhere), on a loopback
 * address ({@link MetricsListen}), for a Prometheus that cannot scrape a Unix socket. It serves
 * {@code GET /metrics} and nothing else: any other path is 404, another method on it 405. No
 * authentication, which is why it listens on loopback only. Lifecycle: {@link #start()} once,
 * {@link #close()} once.
 */
final class MetricsServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(MetricsServer.class.getName());
    /** A scrape has no body; headers and a stray body beyond this close the connection. */
    private static final int MAX_REQUEST_BYTES = 8 * 1024;

    private final InetSocketAddress address;
    private final AgentMetrics metrics;
    private EventLoopGroup group;
    private Channel channel;

    MetricsServer(InetSocketAddress address, AgentMetrics metrics) {
        this.address = address;
        this.metrics = metrics;
    }

    /** @throws AgentStartException when the address cannot be bound (the port is taken, say) */
    void start() throws IOException, InterruptedException {
        // the control socket's transport: epoll where it loads, NIO elsewhere (ppc64le)
        ControlTransport transport = ControlTransport.selected();
        group = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
        Handler handler = new Handler(metrics);
        try {
            channel = new ServerBootstrap().group(group).channel(transport.tcpServerChannel())
                    // like the control socket: off the data path's budgeted direct memory
                    .childOption(ChannelOption.ALLOCATOR, new UnpooledByteBufAllocator(false))
                    .childHandler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(MAX_REQUEST_BYTES),
                                    handler);
                        }
                    })
                    .bind(address).sync().channel();
        } catch (InterruptedException e) {
            throw e;
        } catch (Exception e) {
            // Netty rethrows the bind's IOException undeclared
            throw new AgentStartException("cannot listen for metrics on " + hostPort() + " (metrics_listen): "
                    + e.getMessage());
        }
        LOG.info("metrics on http://" + hostPort() + "/metrics (" + transport + " transport)");
    }

    private String hostPort() {
        String host = address.getAddress().getHostAddress();
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    /** Answers one request; shared by every connection, on the server's event loop. */
    @ChannelHandler.Sharable
    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final AgentMetrics metrics;

        Handler(AgentMetrics metrics) {
            this.metrics = metrics;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) throws IOException {
            FullHttpResponse response;
            if (!new QueryStringDecoder(request.uri()).path().equals("/metrics")) {
                response = text(HttpResponseStatus.NOT_FOUND, "only /metrics is served here\n");
            } else if (!request.method().equals(HttpMethod.GET)) {
                response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, request.method() + " is not allowed on"
                        + " /metrics; use GET\n");
                response.headers().set(HttpHeaderNames.ALLOW, HttpMethod.GET.name());
            } else {
                response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        Unpooled.wrappedBuffer(metrics.scrape()));
                response.headers().set(HttpHeaderNames.CONTENT_TYPE, AgentMetrics.CONTENT_TYPE);
            }
            HttpUtil.setContentLength(response, response.content().readableBytes());
            if (HttpUtil.isKeepAlive(request)) {
                response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                ctx.writeAndFlush(response);
            } else {
                ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // a malformed or oversized request, or a scrape that failed: this connection ends, the listener stays
            LOG.fine("metrics connection closed: " + cause);
            ctx.close();
        }

        private static FullHttpResponse text(HttpResponseStatus status, String body) {
            FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
            response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            return response;
        }
    }
}
