package dev.restoreagent.api;

import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;

import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The Netty transport of the control socket (and of the metrics listener, over TCP), one choice for the
 * daemon and the client alike: epoll
 * where Netty's native library loads (it ships one for x86_64 and aarch64), else the JDK's own
 * Unix-domain channels under Netty's NIO transport (ppc64le, which Netty has no epoll library for).
 * Both speak the same bytes on the same socket, so a client on one talks to a daemon on the other.
 */
public enum ControlTransport {
    EPOLL {
        @Override
        public IoHandlerFactory ioHandlerFactory() {
            return EpollIoHandler.newFactory();
        }

        @Override
        public Class<? extends ServerChannel> serverChannel() {
            return EpollServerDomainSocketChannel.class;
        }

        @Override
        public Class<? extends Channel> channel() {
            return EpollDomainSocketChannel.class;
        }

        @Override
        public SocketAddress address(Path socket) {
            return new DomainSocketAddress(socket.toString());
        }

        @Override
        public Class<? extends ServerChannel> tcpServerChannel() {
            return EpollServerSocketChannel.class;
        }
    },
    NIO {
        @Override
        public IoHandlerFactory ioHandlerFactory() {
            return NioIoHandler.newFactory();
        }

        @Override
        public Class<? extends ServerChannel> serverChannel() {
            return NioServerDomainSocketChannel.class;
        }

        @Override
        public Class<? extends Channel> channel() {
            return NioDomainSocketChannel.class;
        }

        @Override
        public SocketAddress address(Path socket) {
            return UnixDomainSocketAddress.of(socket);
        }

        @Override
        public Class<? extends ServerChannel> tcpServerChannel() {
            return NioServerSocketChannel.class;
        }
    };

    /**
     * {@code -Drestore.agent.transport=}: {@code auto} (the default) takes epoll where it is
     * available and NIO elsewhere; {@code nio} forces NIO (the tests run the API on both);
     * {@code epoll} insists on epoll.
     */
    public static final String PROPERTY = "restore.agent.transport";

    /**
     * The transport {@value #PROPERTY} asks for.
     *
     * @throws IllegalStateException with one line for the operator when the property is not one of
     *     its values, or asks for epoll where it cannot load
     */
    public static ControlTransport selected() {
        String wanted = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
        switch (wanted) {
            case "auto", "":
                return Epoll.isAvailable() ? EPOLL : NIO;
            case "nio":
                return NIO;
            case "epoll":
                if (!Epoll.isAvailable()) {
                    throw new IllegalStateException(PROPERTY + "=epoll, but Netty's epoll transport does not load here: "
                            + Epoll.unavailabilityCause());
                }
                return EPOLL;
            default:
                throw new IllegalStateException(PROPERTY + " must be auto, epoll or nio, not '" + wanted + "'");
        }
    }

    /** What the event loop of this transport runs. */
    public abstract IoHandlerFactory ioHandlerFactory();

    /** The listening channel's class; its children are {@link #channel()}s. */
    public abstract Class<? extends ServerChannel> serverChannel();

    /** The class of a connection's channel, accepted or connected. */
    public abstract Class<? extends Channel> channel();

    /** The address of the socket file {@code socket}, as this transport binds and connects it. */
    public abstract SocketAddress address(Path socket);

    /** The listening channel's class for TCP, on the same event loops (the metrics listener's). */
    public abstract Class<? extends ServerChannel> tcpServerChannel();

    /** {@code epoll} or {@code nio}, as logs and {@code GET /v1/health} name it. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
