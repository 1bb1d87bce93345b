package dev.restoreagent.agent.daemon;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The value of {@code metrics_listen}: {@code HOST:PORT} with a loopback host, an IPv4 literal
 * ({@code 127.0.0.1:9464}), a bracketed IPv6 literal ({@code [::1]:9464}) or {@code localhost}.
 */
final class MetricsListen {
    // literals only: a name would be looked up in DNS at every start, and could resolve off the host
    private static final Pattern HOST_PORT = Pattern.compile(
            "(\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}|\\[[0-9A-Fa-f:.]+]|localhost):(\\d{1,5})");

    private MetricsListen() {
    }

    /**
     * The address to listen on, or null for an empty value (off).
     *
     * @throws IllegalArgumentException for anything else than a loopback {@code HOST:PORT} with a
     *     port from 1 to 65535
     */
    static InetSocketAddress parse(String value) {
        if (value.isEmpty()) {
            return null;
        }
        Matcher m = HOST_PORT.matcher(value);
        if (!m.matches()) {
            throw new IllegalArgumentException("not a HOST:PORT: '" + value + "' (use e.g. 127.0.0.1:9464)");
        }
        int port = Integer.parseInt(m.group(2));
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1 to 65535: '" + value + "'");
        }
        String host = m.group(1);
        if (!host.startsWith("[") && !host.equals("localhost")
                && Pattern.compile("\\.").splitAsStream(host).anyMatch(octet -> Integer.parseInt(octet) > 255)) {
            // InetAddress would take it for a name and look it up
            throw new IllegalArgumentException("not an IP address: '" + host + "'");
        }
        InetAddress address;
        try {
            address = host.equals("localhost") ? InetAddress.getLoopbackAddress() : InetAddress.getByName(host);
        } catch (UnknownHostException e) {
            // a bracketed literal is never looked up: this one does not parse
            throw new IllegalArgumentException("not an IP address: '" + host + "'", e);
        }
        if (!address.isLoopbackAddress()) {
            // the listener has no authentication: anyone who reaches the port reads it
            throw new IllegalArgumentException("'" + host + "' is not a loopback address; the metrics listener has"
                    + " no authentication, so it listens on 127.0.0.1 or ::1 only (put a proxy in front for more)");
        }
        return new InetSocketAddress(address, port);
    }
}
