package dev.restoreagent.agent;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code Type=notify} as systemd sees it: {@code bin/restore-agent serve} in a process of its own,
 * with {@code NOTIFY_SOCKET} naming a datagram socket this test binds in systemd's place.
 */
class SystemdNotifyIT {
    private static final Path HOME = Path.of(System.getProperty("restore.agent.home", "..")).toAbsolutePath().normalize();

    @TempDir
    Path dir;
    private final BlockingQueue<String> notifications = new LinkedBlockingQueue<>();
    private EventLoopGroup group;
    private Channel listener;
    private Process daemon;

    @BeforeEach
    void bindNotifySocket() throws InterruptedException {
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        listener = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket packet) {
                        notifications.add(packet.content().toString(StandardCharsets.UTF_8));
                    }
                })
                .bind(new DomainSocketAddress(notifySocket().toString())).sync().channel();
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (daemon != null && daemon.isAlive()) {
            daemon.destroyForcibly().waitFor(1, TimeUnit.MINUTES);
        }
        listener.close().sync();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
    }

    private Path notifySocket() {
        return dir.resolve("notify.sock");
    }

    private Path socket() {
        return dir.resolve("agent.sock");
    }

    private void start(Path notifySocket) throws Exception {
        Path conf = Files.writeString(dir.resolve("agent.conf"), String.join("\n", "socket = " + socket(),
                "state_dir = " + dir.resolve("state"), "allowed_groups =", ""));
        ProcessBuilder serve = new ProcessBuilder("bash", "-c",
                "exec " + HOME.resolve("bin/restore-agent") + " serve --config " + conf)
                .redirectErrorStream(true).redirectOutput(dir.resolve("daemon.log").toFile());
        serve.environment().put("NOTIFY_SOCKET", notifySocket.toString());
        daemon = serve.start();
    }

    @Test
    void readyArrivesWhenTheSocketAnswersAndStoppingAtSigterm() throws Exception {
        start(notifySocket());

        String ready = notifications.poll(60, TimeUnit.SECONDS);
        assertThat(ready).as("READY=1 in time; log: %s", Files.readString(dir.resolve("daemon.log")))
                .isEqualTo("READY=1\nSTATUS=serving on " + socket());
        // systemd starts dependent units now, so a client must be able to connect already
        assertThat(Curl.call(socket(), "GET", "/v1/health", null).status()).isEqualTo(200);

        daemon.destroy();
        assertThat(notifications.poll(60, TimeUnit.SECONDS)).isEqualTo("STOPPING=1\nSTATUS=stopping: running restores drain");
        assertThat(daemon.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(daemon.exitValue()).as("exit code after SIGTERM").isZero();
        assertThat(notifications).as("nothing after STOPPING=1").isEmpty();
    }

    @Test
    void aNotificationNobodyReceivesIsLoggedAndTheDaemonServesOn() throws Exception {
        start(dir.resolve("nobody.sock"));

        String warning = "telling systemd: sd_notify failed: ENOENT (errno=2) (state=READY=1\\nSTATUS=serving on ";
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!Files.readString(dir.resolve("daemon.log")).contains(warning)) {
            assertThat(daemon.isAlive()).as("daemon alive: " + Files.readString(dir.resolve("daemon.log"))).isTrue();
            assertThat(System.nanoTime()).as("warning logged in time").isLessThan(deadline);
            Thread.sleep(100);
        }
        assertThat(Curl.call(socket(), "GET", "/v1/health", null).status()).isEqualTo(200);
        daemon.destroy();
        assertThat(daemon.waitFor(2, TimeUnit.MINUTES)).isTrue();
        assertThat(daemon.exitValue()).isZero();
    }
}
