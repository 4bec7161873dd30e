package io.uring4j.loop;

import io.uring4j.examples.HttpServer;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** The HTTP demo server against real clients: the JDK HttpClient (keep-alive) and raw sockets (pipelining, split requests). */
class HttpDemoServerTest {

    static long openFds() throws IOException {
        try (var s = Files.list(Path.of("/proc/self/fd"))) {
            return s.count();
        }
    }

    @Test
    void jdkHttpClientGetsTheFixedResponseOverKeptAliveConnections() throws Exception {
        long fdsBefore = openFds();
        try (HttpServer server = HttpServer.start(InetAddress.getLoopbackAddress(), 0, 2);
             HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build()) {
            URI uri = URI.create("http://127.0.0.1:" + server.port() + "/hello");
            HttpRequest req = HttpRequest.newBuilder(uri).GET().build();
            for (int i = 0; i < 200; i++) {
                HttpResponse<String> r = client.send(req, HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode());
                assertEquals(HttpServer.BODY, r.body());
                assertEquals(String.valueOf(HttpServer.BODY.length()), r.headers().firstValue("content-length").orElseThrow());
                assertEquals(HttpClient.Version.HTTP_1_1, r.version());
            }
            assertEquals(1, server.connectionsAccepted(), "200 sequential requests reused one kept-alive connection");
            List<CompletableFuture<HttpResponse<String>>> fs = new ArrayList<>();
            for (int i = 0; i < 100; i++) fs.add(client.sendAsync(req, HttpResponse.BodyHandlers.ofString()));
            for (CompletableFuture<HttpResponse<String>> f : fs) {
                HttpResponse<String> r = f.get(10, TimeUnit.SECONDS);
                assertEquals(200, r.statusCode());
                assertEquals(HttpServer.BODY, r.body());
            }
            assertTrue(server.connectionsAccepted() <= 101, "connections: " + server.connectionsAccepted());
            assertEquals(300, server.requests());
        }
        Thread.sleep(100); // the HttpClient's own selector thread closes its sockets asynchronously
        assertTrue(openFds() <= fdsBefore + 2, "fds before " + fdsBefore + " after " + openFds());
    }

    @Test
    void pipelinedAndSplitRequestsOnARawSocket() throws Exception {
        try (HttpServer server = HttpServer.start(InetAddress.getLoopbackAddress(), 0, 1);
             Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            InputStream in = s.getInputStream();
            String req = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
            out.write((req + req + req).getBytes(StandardCharsets.US_ASCII)); // three pipelined
            out.flush();
            expectResponses(in, 3);
            out.write("GET / HTTP/1.1\r\nHost: x\r".getBytes(StandardCharsets.US_ASCII)); // split inside the terminator
            out.flush();
            Thread.sleep(30);
            assertEquals(0, in.available(), "no response before the request is complete");
            out.write("\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            expectResponses(in, 1);
            assertEquals(4, server.requests());
            assertEquals(1, server.connectionsOpen());
            s.shutdownOutput();
            assertEquals(-1, in.read(), "server closes after the client does");
            long deadline = System.nanoTime() + 2_000_000_000L;
            while (server.connectionsOpen() != 0 && System.nanoTime() < deadline) Thread.sleep(5);
            assertEquals(0, server.connectionsOpen());
        }
    }

    static void expectResponses(InputStream in, int n) throws IOException {
        byte[] want = HttpServer.RESPONSE;
        byte[] got = in.readNBytes(want.length * n);
        for (int i = 0; i < n; i++)
            assertEquals(new String(want, StandardCharsets.US_ASCII),
                    new String(got, i * want.length, want.length, StandardCharsets.US_ASCII), "response " + i);
    }

    @Test
    void closingWithConnectionsOpenClosesThem() throws Exception {
        HttpServer server = HttpServer.start(InetAddress.getLoopbackAddress(), 0, 1);
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            s.setSoTimeout(5000);
            s.getOutputStream().write("GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            expectResponses(s.getInputStream(), 1);
            server.close();
            assertEquals(-1, s.getInputStream().read(), "connection closed by the server's shutdown");
        }
        server.close(); // idempotent
    }
}
