package dev.restoreagent.agent.daemon;

import dev.restoreagent.api.ControlTransport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.util.ReferenceCountUtil;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.logging.Logger;

/**
 * The control socket: Netty's HTTP codec on a Unix-domain {@link ControlTransport}. The socket file is
 * mode 0660, so only its owner and group can connect at all; {@link ApiHandler} then checks each
 * caller's credentials. Bodies over {@link #MAX_BODY_BYTES} get 413. Lifecycle: {@link #start()}
 * once, {@link #close()} once (removes the socket file).
 */
final class ControlServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(ControlServer.class.getName());
    /** Requests are small JSON documents; anything larger is refused. */
    static final int MAX_BODY_BYTES = 64 * 1024;

    private final Path socket;
    private final String socketGroup;
    private final ControlTransport transport;
    private final ApiHandler api;
    private EventLoopGroup group;
    private Channel channel;

    /** @param socketGroup group of the socket file, or null for the process's own */
    ControlServer(Path socket, String socketGroup, ControlTransport transport, ApiHandler api) {
        this.socket = socket;
        this.socketGroup = socketGroup;
        this.transport = transport;
        this.api = api;
    }

    void start() throws IOException, InterruptedException {
        Files.createDirectories(socket.toAbsolutePath().getParent());
        if (answers(socket)) {
            throw new AgentStartException("another restore-agent is listening on " + socket
                    + "; stop it first, or give this one another socket");
        }
        // a socket file left by a killed predecessor would make bind fail
        Files.deleteIfExists(socket);
        group = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
        channel = new ServerBootstrap().group(group).channel(transport.serverChannel())
                // the control plane stays off the data path's budgeted direct memory
                .childOption(ChannelOption.ALLOCATOR, new UnpooledByteBufAllocator(false))
                .childHandler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new Aggregator(), api);
                    }
                })
                .bind(transport.address(socket)).sync().channel();
        Files.setPosixFilePermissions(socket, PosixFilePermissions.fromString("rw-rw----"));
        if (socketGroup != null) {
            Files.getFileAttributeView(socket, PosixFileAttributeView.class).setGroup(socket.getFileSystem()
                    .getUserPrincipalLookupService().lookupPrincipalByGroupName(socketGroup));
        }
        LOG.info("listening on " + socket + " (" + transport + " transport)");
    }

    /** Whether something accepts connections on {@code socket}: a live daemon, not a dead one's file. */
    private static boolean answers(Path socket) {
        if (!Files.exists(socket, LinkOption.NOFOLLOW_LINKS)) {
            return false;
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            return probe.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            // refused: nobody listens, the file is stale
            return false;
        }
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close().syncUninterruptibly();
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
        }
        if (channel != null) {
            // only a socket this server bound is its to remove: a refused start leaves the live one
            Files.deleteIfExists(socket);
        }
    }

    /** Answers an oversized body with the API's JSON error, not an empty 413. */
    private static final class Aggregator extends HttpObjectAggregator {
        Aggregator() {
            super(MAX_BODY_BYTES);
        }

        @Override
        protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage oversized) {
            ctx.writeAndFlush(tooLarge()).addListener(ChannelFutureListener.CLOSE);
        }

        /**
         * A client that asks first (curl does for bodies over 1 MiB) gets the same JSON refusal; one that expects
         * something else than {@code 100-continue} gets Netty's 417 as the API's JSON error too.
         */
        @Override
        protected Object newContinueResponse(HttpMessage start, int maxContentLength, ChannelPipeline pipeline) {
            Object answer = super.newContinueResponse(start, maxContentLength, pipeline);
            if (!(answer instanceof HttpResponse response) || response.status().code() < 400) {
                return answer;
            }
            HttpResponseStatus status = response.status();
            ReferenceCountUtil.release(answer);
            return status.equals(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE) ? tooLarge()
                    : ApiHandler.error(new ApiError(status, "the request expects '"
                    + start.headers().get(HttpHeaderNames.EXPECT) + "'; only 100-continue is understood"));
        }

        private static Object tooLarge() {
            return ApiHandler.error(new ApiError(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE,
                    "the request body is larger than " + MAX_BODY_BYTES + " bytes"));
        }
    }
}
