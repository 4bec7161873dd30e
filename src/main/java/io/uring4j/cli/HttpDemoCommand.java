package io.uring4j.cli;

import io.uring4j.examples.HttpServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.net.InetAddress;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** {@code uring4j demo http}: the fixed-response HTTP/1.1 server on multishot accept + multishot recv + a buffer ring. */
@Command(name = "http", mixinStandardHelpOptions = true,
        description = "HTTP/1.1 keep-alive server answering every request with a fixed 'Hello, World!' "
                + "(multishot accept, multishot recv over a buffer ring, send).")
public final class HttpDemoCommand implements Callable<Integer> {
    @Option(names = "--port", description = "Port (default ${DEFAULT-VALUE}; 0 = any free port).")
    int port = 8080;

    @Option(names = "--bind", description = "Address to listen on (default ${DEFAULT-VALUE}).")
    String bind = "127.0.0.1";

    @Option(names = "--threads", description = "Event loops, one listener each (SO_REUSEPORT) (default ${DEFAULT-VALUE}).")
    int threads = 1;

    @Option(names = "--seconds", description = "Stop after this many seconds (default: run until killed).")
    double seconds;

    @Option(names = "--json", description = "Print the listening port and, at exit, the counters as JSON.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        HttpServer server = HttpServer.start(InetAddress.getByName(bind), port, threads);
        CountDownLatch stop = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stop.countDown();
            server.close();
        });
        Runtime.getRuntime().addShutdownHook(hook);
        if (json) System.out.printf(Locale.ROOT, "{\"listening\":\"%s:%d\",\"threads\":%d}%n", bind, server.port(), threads);
        else System.out.printf("uring4j http demo listening on http://%s:%d/ with %d event loop(s)%s%n", bind, server.port(),
                threads, seconds > 0 ? " for " + seconds + " s" : " (Ctrl-C stops)");
        System.out.flush();
        if (seconds > 0) stop.await((long) (seconds * 1e9), TimeUnit.NANOSECONDS);
        else stop.await();
        long req = server.requests(), acc = server.connectionsAccepted();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            return 0;
        }
        server.close();
        if (json) System.out.printf(Locale.ROOT, "{\"requests\":%d,\"connections\":%d}%n", req, acc);
        else System.out.printf("served %d requests on %d connections%n", req, acc);
        return 0;
    }
}
