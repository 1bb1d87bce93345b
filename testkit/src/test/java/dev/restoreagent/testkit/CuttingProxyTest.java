package dev.restoreagent.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class CuttingProxyTest {
    private static final int RESPONSE_BYTES = 200_000;
    private static final int CLIENT_TIMEOUT_MILLIS = 10_000;

    private ServerSocket target;
    private final List<String> requests = new CopyOnWriteArrayList<>();

    /** Answers each connection's request line with RESPONSE_BYTES made from it, then closes. */
    @BeforeEach
    void startTarget() throws IOException {
        target = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(() -> {
            while (true) {
                try {
                    Socket s = target.accept();
                    Thread worker = new Thread(() -> answer(s));
                    worker.setDaemon(true);
                    worker.start();
                } catch (IOException e) {
                    return; // closed after the test
                }
            }
        });
        t.setDaemon(true);
        t.start();
    }

    @AfterEach
    void stopTarget() throws IOException {
        target.close();
    }

    private void answer(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            StringBuilder line = new StringBuilder();
            for (int c; (c = in.read()) >= 0 && c != '\n'; ) {
                line.append((char) c);
            }
            requests.add(line.toString());
            s.getOutputStream().write(response(line.toString()));
        } catch (IOException e) {
            // a cut client: nothing to answer
        }
    }

    private static byte[] response(String request) {
        byte[] body = new byte[RESPONSE_BYTES];
        long x = request.hashCode();
        for (int i = 0; i < body.length; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            body[i] = (byte) (x >>> 56);
        }
        return body;
    }

    // a mismatch names the first differing offset instead of printing 200,000 bytes
    private static void assertSameBytes(byte[] actual, byte[] expected) {
        assertThat(actual.length).as("length").isEqualTo(expected.length);
        assertThat(Arrays.mismatch(actual, expected)).as("first differing offset").isEqualTo(-1);
    }

    private static Socket connect(CuttingProxy proxy, String request) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        s.setSoTimeout(CLIENT_TIMEOUT_MILLIS);
        s.getOutputStream().write((request + "\n").getBytes(StandardCharsets.US_ASCII));
        return s;
    }

    private static byte[] fetch(CuttingProxy proxy, String request) throws IOException {
        try (Socket s = connect(proxy, request)) {
            return s.getInputStream().readAllBytes();
        }
    }

    @Test
    void forwardsTheRequestAndTheWholeResponse() throws IOException {
        try (CuttingProxy proxy = CuttingProxy.start("127.0.0.1", target.getLocalPort())) {
            assertSameBytes(fetch(proxy, "GET one"), response("GET one"));
            assertThat(requests).containsExactly("GET one");
            assertThat(proxy.connections()).isEqualTo(1);
            assertThat(proxy.cuts()).isZero();
        }
    }

    @Test
    void cutOnceDeliversExactlyTheBytesAskedForThenPassesEverything() throws IOException {
        try (CuttingProxy proxy = CuttingProxy.start("127.0.0.1", target.getLocalPort())) {
            proxy.cutAfter(70_001, 1);
            assertSameBytes(fetch(proxy, "GET a"), Arrays.copyOf(response("GET a"), 70_001));
            assertSameBytes(fetch(proxy, "GET b"), response("GET b"));
            assertThat(proxy.cuts()).isEqualTo(1);
            assertThat(proxy.connections()).isEqualTo(2);
        }
    }

    @Test
    void cutKTimesCutsTheNextKResponsesAtTheSameCount() throws IOException {
        try (CuttingProxy proxy = CuttingProxy.start("127.0.0.1", target.getLocalPort())) {
            proxy.cutAfter(5_000, 3);
            for (String r : List.of("r1", "r2", "r3")) {
                assertSameBytes(fetch(proxy, r), Arrays.copyOf(response(r), 5_000));
            }
            assertSameBytes(fetch(proxy, "r4"), response("r4"));
            assertThat(proxy.cuts()).isEqualTo(3);
        }
    }

    @Test
    void cutAtZeroDeliversNothing() throws IOException {
        try (CuttingProxy proxy = CuttingProxy.start("127.0.0.1", target.getLocalPort())) {
            proxy.cutAfter(0, 1);
            assertThat(fetch(proxy, "GET z")).isEmpty();
        }
    }

    @Test
    void bytesBeforeArmingDoNotCount() throws IOException {
        try (CuttingProxy proxy = CuttingProxy.start("127.0.0.1", target.getLocalPort())) {
            assertThat(fetch(proxy, "before")).hasSize(RESPONSE_BYTES);
            proxy.cutAfter(10, 1);
            assertSameBytes(fetch(proxy, "after"), Arrays.copyOf(response("after"), 10));
        }
    }

    @Test
    void stallHoldsTheRestBackUntilReleased() throws IOException {
        try (CuttingProxy proxy = CuttingProxy.start("127.0.0.1", target.getLocalPort())) {
            proxy.stallAfter(2_000);
            try (Socket s = connect(proxy, "GET slow")) {
                InputStream in = s.getInputStream();
                byte[] first = in.readNBytes(2_000);
                s.setSoTimeout(300);
                assertThatThrownBy(in::read).isInstanceOf(SocketTimeoutException.class);
                assertThat(proxy.stalls()).isEqualTo(1);

                proxy.release();
                s.setSoTimeout(CLIENT_TIMEOUT_MILLIS);
                byte[] rest = in.readAllBytes();
                byte[] all = Arrays.copyOf(first, first.length + rest.length);
                System.arraycopy(rest, 0, all, first.length, rest.length);
                assertSameBytes(all, response("GET slow"));
            }
        }
    }

    @Test
    void closeEndsAStalledConnectionAndStopsAccepting() throws IOException {
        CuttingProxy proxy = CuttingProxy.start("127.0.0.1", target.getLocalPort());
        int port = proxy.port();
        proxy.stallAfter(100);
        try (Socket s = connect(proxy, "GET held")) {
            InputStream in = s.getInputStream();
            assertThat(in.readNBytes(100)).hasSize(100);
            proxy.close();
            assertThat(in.read()).isEqualTo(-1);
        }
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
                .isInstanceOf(IOException.class);
        proxy.close(); // a second close does nothing
    }

    @Test
    void aTargetThatRefusesClosesTheClient() throws IOException {
        int closedPort;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = gone.getLocalPort();
        }
        try (CuttingProxy proxy = CuttingProxy.start("127.0.0.1", closedPort);
                Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            s.setSoTimeout(CLIENT_TIMEOUT_MILLIS);
            assertThat(s.getInputStream().read()).isEqualTo(-1);
        }
    }

    @Test
    void aClientHalfCloseReachesTheTarget() throws IOException {
        try (CuttingProxy proxy = CuttingProxy.start("127.0.0.1", target.getLocalPort());
                Socket s = new Socket(InetAddress.getLoopbackAddress(), proxy.port())) {
            s.setSoTimeout(CLIENT_TIMEOUT_MILLIS);
            OutputStream out = s.getOutputStream();
            out.write("no newline".getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput(); // the target's line ends at the end of stream
            assertSameBytes(s.getInputStream().readAllBytes(), response("no newline"));
        }
    }

    @Test
    void refusesNegativeCountsAndNoCuts() throws IOException {
        try (CuttingProxy proxy = CuttingProxy.start("127.0.0.1", target.getLocalPort())) {
            assertThatThrownBy(() -> proxy.cutAfter(-1, 1)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("cutAfter needs responseBytes >= 0 and times >= 1, not -1 and 1");
            assertThatThrownBy(() -> proxy.cutAfter(1, 0)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("cutAfter needs responseBytes >= 0 and times >= 1, not 1 and 0");
            assertThatThrownBy(() -> proxy.stallAfter(-5)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("stallAfter needs responseBytes >= 0, not -5");
        }
    }
}
