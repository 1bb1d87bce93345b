package dev.restoreagent.agent.daemon;

import dev.restoreagent.nativeb.NativeIoException;
import dev.restoreagent.nativeb.libc.UserDatabase;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.unix.PeerCredentials;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.OptionalInt;
import java.util.Set;

/**
 * The process at the other end of a control connection, from the SO_PEERCRED credentials the
 * kernel recorded at its connect(2).
 *
 * <p>On epoll Netty reads uid, gid and pid; the supplementary groups come from
 * {@code /proc/PID/status}, since SO_PEERCRED carries only the primary group. On NIO the JDK reads
 * them ({@link ExtendedSocketOptions#SO_PEERCRED}) but hands over only the names its getpwuid and
 * getgrgid found, or the number where there was none: they are resolved back through the C
 * library. No pid is known there, so the supplementary groups are the user's in the group database
 * ({@code getgrouplist}), not the calling process's own set. (A user name made of digits would be
 * ambiguous; useradd and adduser refuse them.)
 *
 * @param pid empty when the transport does not tell
 * @param groups the primary group and the supplementary ones
 */
record Peer(int uid, OptionalInt pid, Set<Integer> groups) {
    Peer {
        groups = Set.copyOf(groups);
    }

    /** A connection's peer, on either transport; anything else is {@link UnidentifiedPeerException}. */
    static Peer of(Channel channel) throws UnidentifiedPeerException {
        if (channel instanceof EpollDomainSocketChannel epoll) {
            return ofEpoll(epoll);
        }
        if (channel instanceof NioDomainSocketChannel nio) {
            return ofNio(nio);
        }
        throw new UnidentifiedPeerException(channel.getClass().getSimpleName()
                + " is not a Unix socket with peer credentials");
    }

    private static Peer ofEpoll(EpollDomainSocketChannel channel) throws UnidentifiedPeerException {
        PeerCredentials peer;
        try {
            peer = channel.peerCredentials();
        } catch (IOException e) {
            throw new UnidentifiedPeerException("SO_PEERCRED failed: " + e.getMessage());
        }
        Set<Integer> groups = new HashSet<>();
        for (int gid : peer.gids()) {
            groups.add(gid);
        }
        groups.addAll(supplementaryGroups(peer.pid()));
        return new Peer(peer.uid(), OptionalInt.of(peer.pid()), groups);
    }

    private static Peer ofNio(NioDomainSocketChannel channel) throws UnidentifiedPeerException {
        UnixDomainPrincipal principal;
        try {
            // Netty hands a NioChannelOption to the JDK channel's getOption
            principal = channel.config().getOption(NioChannelOption.of(ExtendedSocketOptions.SO_PEERCRED));
        } catch (ChannelException e) {
            // Netty wraps the JDK's IOException
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new UnidentifiedPeerException("SO_PEERCRED failed: " + cause.getMessage());
        }
        if (principal == null) {
            throw new UnidentifiedPeerException("this JDK does not give SO_PEERCRED on Unix sockets");
        }
        String user = principal.user().getName();
        String group = principal.group().getName();
        try {
            int uid = id(UserDatabase.uidOf(user), user, "user");
            int gid = id(UserDatabase.gidOf(group), group, "group");
            Set<Integer> groups = new HashSet<>();
            for (int each : UserDatabase.groupsOf(user, gid)) {
                groups.add(each);
            }
            groups.add(gid);
            return new Peer(uid, OptionalInt.empty(), groups);
        } catch (NativeIoException e) {
            throw new UnidentifiedPeerException(e.getMessage());
        }
    }

    /** The id of {@code name}; a number where the JDK found no name for the id, which it then wrote out. */
    private static int id(OptionalInt found, String name, String kind) throws UnidentifiedPeerException {
        if (found.isPresent()) {
            return found.getAsInt();
        }
        if (!name.isEmpty() && name.length() <= 10 && name.chars().allMatch(c -> c >= '0' && c <= '9')) {
            long id = Long.parseLong(name);
            if (id <= 0xffff_fffeL) {
                // uid_t is unsigned; Netty's PeerCredentials and the policy hold it in an int as well
                return (int) id;
            }
        }
        throw new UnidentifiedPeerException("SO_PEERCRED names " + kind + " '" + name
                + "', which the " + kind + " database does not know");
    }

    private static Set<Integer> supplementaryGroups(int pid) {
        Set<Integer> groups = new HashSet<>();
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Integer.toString(pid), "status"))) {
                if (line.startsWith("Groups:")) {
                    for (String gid : line.substring("Groups:".length()).trim().split("\\s+")) {
                        if (!gid.isEmpty()) {
                            groups.add(Integer.parseInt(gid));
                        }
                    }
                }
            }
        } catch (IOException | NumberFormatException e) {
            // the caller is gone or unreadable: only its primary group counts
        }
        return groups;
    }

    /** The peer of a connection cannot be told: such a caller is refused, never let through. */
    static final class UnidentifiedPeerException extends Exception {
        private static final long serialVersionUID = 1L;

        UnidentifiedPeerException(String reason) {
            super(reason);
        }
    }
}
