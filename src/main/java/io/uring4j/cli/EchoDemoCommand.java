package io.uring4j.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/** {@code uring4j demo echo}: a multishot accept + multishot recv + send echo server over a buffer ring. */
@Command(name = "echo", mixinStandardHelpOptions = true,
        description = {"Echo server on 127.0.0.1: one multishot ACCEPT, a multishot RECV per connection selecting "
                + "from a provided-buffer ring, SENDs straight from the received buffers.",
                "Default (--self-test): runs the server and --clients clients that verify every echoed byte. "
                        + "--server serves until --duration; --client drives a server at --port."})
final class EchoDemoCommand implements Callable<Integer> {
    @Option(names = "--server", description = "Only serve (until --duration seconds, 0 = until killed).")
    boolean server;

    @Option(names = "--client", description = "Only run the clients against a server at --port.")
    boolean client;

    @Option(names = "--self-test", description = "Run server and clients together (the default).")
    boolean selfTest;

    @Option(names = "--port", defaultValue = "0", description = "Port (server: 0 = any free port; client: required).")
    int port;

    @Option(names = "--clients", defaultValue = "8", description = "Concurrent client connections (default: ${DEFAULT-VALUE}).")
    int clients;

    @Option(names = "--messages", defaultValue = "500", description = "Messages per client (default: ${DEFAULT-VALUE}).")
    int messages;

    @Option(names = "--max-size", defaultValue = "8192", description = "Largest message in bytes (default: ${DEFAULT-VALUE}).")
    int maxSize;

    @Option(names = "--buffers", defaultValue = "16", description = "Buffers in the ring, a power of two (default: ${DEFAULT-VALUE}).")
    int buffers;

    @Option(names = "--buffer-size", defaultValue = "2048", description = "Bytes per buffer (default: ${DEFAULT-VALUE}).")
    int bufferSize;

    @Option(names = "--duration", defaultValue = "30", description = "Time limit in seconds (default: ${DEFAULT-VALUE}).")
    int duration;

    @Option(names = "--quiet", description = "No line per connection.")
    boolean quiet;

    @Option(names = "--json", description = "Print one JSON object with the results.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        if (server && client) throw new IllegalArgumentException("--server and --client exclude each other (default: both)");
        if (clients < 1 || messages < 1 || maxSize < 1)
            throw new IllegalArgumentException("--clients, --messages and --max-size must be >= 1");
        PrintStream out = System.out;
        PrintStream log = quiet || json ? null : out;
        long t0 = System.nanoTime();
        long deadline = duration > 0 ? t0 + duration * 1_000_000_000L : 0;
        if (client) {
            if (port <= 0) throw new IllegalArgumentException("--client needs the server's --port");
            ClientResult r = runClients(port, deadline);
            report(out, "client", port, null, r, t0);
            return r.error == null ? 0 : 1;
        }
        try (EchoServer s = new EchoServer(server ? port : 0, buffers, bufferSize, log)) {
            if (!json) out.printf("echo server on 127.0.0.1:%d, buffer ring: %d x %d bytes (group %d)%n",
                    s.port(), buffers, bufferSize, s.buffers().group());
            if (server) {
                if (!json) out.printf("drive it with: ./uring4j demo echo --client --port %d%n", s.port());
                s.run(deadline);
                report(out, "server", s.port(), s, null, t0);
                return 0;
            }
            AtomicReference<Throwable> serverError = new AtomicReference<>();
            Thread st = new Thread(() -> {
                try {
                    s.run(deadline);
                } catch (Throwable t) {
                    serverError.set(t);
                }
            }, "echo-server");
            st.start();
            ClientResult r = runClients(s.port(), deadline);
            // the clients have read every echo back: wait for the server to see the closes
            long until = System.nanoTime() + 2_000_000_000L;
            while (s.closed < clients && System.nanoTime() < until && st.isAlive()) Thread.sleep(5);
            s.stop();
            st.join(5_000);
            if (serverError.get() != null && r.error == null) r.error = "server: " + serverError.get();
            long expected = r.bytes.get();
            if (r.error == null && (s.bytesIn != expected || s.bytesOut != expected))
                r.error = "server counted " + s.bytesIn + " in / " + s.bytesOut + " out, clients sent " + expected;
            report(out, "self-test", s.port(), s, r, t0);
            return r.error == null ? 0 : 1;
        }
    }

    static final class ClientResult {
        final AtomicLong bytes = new AtomicLong(), messages = new AtomicLong();
        volatile String error;
    }

    /** {@code clients} blocking sockets, each sending random messages and checking the echo byte for byte. */
    private ClientResult runClients(int port, long deadline) throws InterruptedException {
        ClientResult r = new ClientResult();
        CountDownLatch done = new CountDownLatch(clients);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            int id = i;
            Thread t = new Thread(() -> {
                try (Socket sock = new Socket()) {
                    sock.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
                    sock.setSoTimeout(10_000);
                    sock.setTcpNoDelay(true);
                    OutputStream os = sock.getOutputStream();
                    InputStream is = sock.getInputStream();
                    Random rnd = new Random(1000 + id);
                    byte[] msg = new byte[maxSize], back = new byte[maxSize];
                    for (int m = 0; m < messages && r.error == null; m++) {
                        if (deadline != 0 && System.nanoTime() > deadline) {
                            r.error = "client " + id + ": time limit reached after " + m + " messages";
                            break;
                        }
                        int n = 1 + rnd.nextInt(maxSize);
                        rnd.nextBytes(msg);
                        os.write(msg, 0, n);
                        is.readNBytes(back, 0, n);
                        if (!Arrays.equals(msg, 0, n, back, 0, n))
                            r.error = "client " + id + ": message " + m + " (" + n + " bytes) came back different";
                        r.bytes.addAndGet(n);
                        r.messages.incrementAndGet();
                    }
                } catch (IOException | RuntimeException e) {
                    r.error = "client " + id + ": " + e;
                } finally {
                    done.countDown();
                }
            }, "echo-client-" + i);
            threads.add(t);
            t.start();
        }
        done.await();
        return r;
    }

    private void report(PrintStream out, String mode, int port, EchoServer s, ClientResult r, long t0) {
        double secs = (System.nanoTime() - t0) / 1e9;
        if (json) {
            StringBuilder sb = new StringBuilder("{\"mode\":\"").append(mode).append("\",\"port\":").append(port);
            if (s != null) sb.append(",\"connections\":").append(s.accepted).append(",\"bytes_in\":").append(s.bytesIn)
                    .append(",\"bytes_echoed\":").append(s.bytesOut).append(",\"recv_cqes\":").append(s.recvCqes)
                    .append(",\"enobufs_rearms\":").append(s.enobufs).append(",\"max_buffers_held\":").append(s.maxHeld);
            if (r != null) sb.append(",\"client_messages\":").append(r.messages.get()).append(",\"client_bytes\":")
                    .append(r.bytes.get());
            sb.append(",\"seconds\":").append(String.format("%.3f", secs));
            sb.append(",\"ok\":").append(r == null || r.error == null);
            if (r != null && r.error != null) sb.append(",\"error\":\"").append(r.error.replace("\"", "'")).append('"');
            out.println(sb.append('}'));
            return;
        }
        if (s != null)
            out.printf("server: %d connections, %d bytes in, %d bytes echoed, %d recv CQEs, %d -ENOBUFS re-arms, "
                    + "at most %d of %d buffers held%n", s.accepted, s.bytesIn, s.bytesOut, s.recvCqes, s.enobufs, s.maxHeld,
                    s.buffers().count());
        if (r != null) {
            out.printf("clients: %d messages, %d bytes verified in %.2f s (%.1f MB/s echoed)%n", r.messages.get(),
                    r.bytes.get(), secs, r.bytes.get() / secs / 1e6);
            out.println(r.error == null ? "OK" : "FAILED: " + r.error);
        }
    }
}
