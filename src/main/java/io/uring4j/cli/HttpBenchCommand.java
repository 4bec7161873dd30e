package io.uring4j.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code uring4j bench http}: wrk against uring4j's HTTP demo and against the same fixed response
 * served by Netty 4.2 (epoll and io_uring transports), on loopback, same connections, threads and
 * duration. Every server is a child JVM with the same flags; all are started and warmed up first,
 * then measured in interleaved rounds so machine noise hits each alike. Netty lives in the separate
 * Maven project {@code netty-bench/} (built on first use), never on uring4j's class path.
 */
@Command(name = "http", mixinStandardHelpOptions = true,
        description = "wrk against the uring4j HTTP demo vs Netty 4.2 epoll and io_uring (loopback, bounded duration).")
final class HttpBenchCommand implements Callable<Integer> {
    @Option(names = "--seconds", description = "Measured seconds per server per round (default ${DEFAULT-VALUE}).")
    int seconds = 10;

    @Option(names = "--warmup", description = "Warm-up seconds per server (default ${DEFAULT-VALUE}).")
    int warmup = 5;

    @Option(names = "--rounds", description = "Interleaved measured rounds (default ${DEFAULT-VALUE}); medians are reported.")
    int rounds = 1;

    @Option(names = "--connections", description = "wrk connections (default ${DEFAULT-VALUE}).")
    int connections = 100;

    @Option(names = "--no-install", description = "Do not install wrk with apt-get when it is missing (root only).")
    boolean noInstall;

    @Option(names = "--wrk-threads", description = "wrk threads (default ${DEFAULT-VALUE}).")
    int wrkThreads = 1;

    @Option(names = "--server-threads", description = "Event loops of every server (default ${DEFAULT-VALUE}).")
    int serverThreads = 1;

    @Option(names = "--servers", split = ",", description = "Servers to run (default ${DEFAULT-VALUE}).")
    List<String> servers = List.of("uring4j", "netty-io_uring", "netty-epoll");

    @Option(names = "--netty-dir", description = "The netty-bench Maven project (default ${DEFAULT-VALUE}).")
    Path nettyDir = Path.of("netty-bench");

    @Option(names = "--json", description = "Print one JSON object.")
    boolean json;

    record WrkResult(double requestsPerSec, double latencyAvgMs, double latencyP99Ms, long requests, long socketErrors, long non2xx) {}

    private final class Server {
        final String name;
        final int port;
        Process process;
        String unavailable;
        final List<WrkResult> runs = new ArrayList<>();

        Server(String name) throws IOException {
            this.name = name;
            this.port = freePort();
        }

        void start() throws Exception {
            List<String> cmd = new ArrayList<>(List.of(javaBinary(), "-Xms512m", "-Xmx512m"));
            if (name.equals("uring4j")) {
                String mp = System.getProperty("jdk.module.path");
                if (mp != null) cmd.addAll(List.of("--enable-native-access=io.uring4j", "-p", mp, "-m", "io.uring4j/io.uring4j.cli.Main"));
                else cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                        "io.uring4j.cli.Main"));
                cmd.addAll(List.of("demo", "http", "--port", "" + port, "--threads", "" + serverThreads));
            } else if (name.startsWith("netty-")) {
                String cp = nettyClassPath();
                if (cp == null) {
                    unavailable = nettyProblem;
                    return;
                }
                cmd.addAll(List.of("--enable-native-access=ALL-UNNAMED", "-Dio.netty.leakDetection.level=disabled", "-cp", cp,
                        "io.uring4j.nettybench.NettyHttpServer", "--transport", name.substring(6), "--port", "" + port,
                        "--threads", "" + serverThreads));
            } else throw new IllegalArgumentException("unknown server " + name + " (uring4j, netty-io_uring, netty-epoll, netty-nio)");
            process = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            Thread.ofPlatform().daemon().start(this::drainOutput);
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!accepting(port)) {
                if (!process.isAlive()) {
                    unavailable = "exited with " + process.exitValue() + ": " + lastLines;
                    return;
                }
                if (System.nanoTime() > deadline) {
                    unavailable = "not listening after 30 s";
                    stop();
                    return;
                }
                Thread.sleep(50);
            }
        }

        private volatile String lastLines = "";

        private void drainOutput() {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) lastLines = (lastLines + " | " + l).substring(Math.max(0, lastLines.length() - 400));
            } catch (IOException ignored) {
                // process gone
            }
        }

        void stop() throws InterruptedException {
            if (process == null) return;
            process.destroy();
            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        }

        WrkResult median() {
            if (runs.isEmpty()) return null;
            List<WrkResult> s = new ArrayList<>(runs);
            s.sort((a, b) -> Double.compare(a.requestsPerSec, b.requestsPerSec));
            return s.get(s.size() / 2);
        }
    }

    @Override
    public Integer call() throws Exception {
        if (seconds < 1 || rounds < 1 || connections < 1 || wrkThreads < 1 || serverThreads < 1)
            throw new IllegalArgumentException("seconds, rounds, connections and threads must be >= 1");
        String wrk = ExternalTool.findOrInstall("wrk", "wrk", !noInstall);
        if (wrk == null) {
            System.err.println("wrk is not installed: " + ExternalTool.howToInstall("wrk"));
            return 2;
        }
        List<Server> list = new ArrayList<>();
        for (String s : servers) list.add(new Server(s.trim()));
        try {
            for (Server s : list) {
                s.start();
                if (s.unavailable != null) {
                    if (!json) System.out.println(s.name + ": unavailable (" + s.unavailable + ")");
                    continue;
                }
                if (!json) System.out.println(s.name + ": listening on 127.0.0.1:" + s.port + ", warming up " + warmup + " s");
                if (warmup > 0) wrk(wrk, s.port, warmup);
            }
            for (int r = 0; r < rounds; r++) {
                for (Server s : list) {
                    if (s.unavailable != null) continue;
                    WrkResult w = wrk(wrk, s.port, seconds);
                    s.runs.add(w);
                    if (!json)
                        System.out.printf(Locale.ROOT, "round %d %-15s %,12.0f req/s  avg %6.2f ms  p99 %6.2f ms  errors %d  non-2xx %d%n",
                                r + 1, s.name, w.requestsPerSec, w.latencyAvgMs, w.latencyP99Ms, w.socketErrors, w.non2xx);
                }
            }
        } finally {
            for (Server s : list) s.stop();
        }
        report(list);
        for (Server s : list) {
            WrkResult m = s.median();
            if (m != null && (m.non2xx > 0 || m.requests == 0)) return 1;
        }
        return 0;
    }

    private void report(List<Server> list) {
        Map<String, WrkResult> med = new LinkedHashMap<>();
        for (Server s : list) if (s.median() != null) med.put(s.name, s.median());
        WrkResult u = med.get("uring4j");
        Map<String, Double> ratios = new LinkedHashMap<>();
        if (u != null) for (var e : med.entrySet())
            if (!e.getKey().equals("uring4j")) ratios.put(e.getKey(), u.requestsPerSec / e.getValue().requestsPerSec);
        if (!json) {
            for (var e : ratios.entrySet())
                System.out.printf(Locale.ROOT, "uring4j / %s requests/s: %.2f%n", e.getKey(), e.getValue());
            return;
        }
        StringBuilder sb = new StringBuilder("{\"bench\":\"http\",\"connections\":").append(connections)
                .append(",\"wrkThreads\":").append(wrkThreads).append(",\"serverThreads\":").append(serverThreads)
                .append(",\"seconds\":").append(seconds).append(",\"rounds\":").append(rounds)
                .append(",\"cpus\":").append(Runtime.getRuntime().availableProcessors()).append(",\"results\":[");
        boolean first = true;
        for (Server s : list) {
            if (!first) sb.append(',');
            first = false;
            WrkResult m = s.median();
            sb.append("{\"server\":\"").append(s.name).append('"');
            if (m == null) sb.append(",\"unavailable\":").append(Json.write(String.valueOf(s.unavailable))).append('}');
            else sb.append(String.format(Locale.ROOT, ",\"requestsPerSec\":%.0f,\"latencyAvgMs\":%.3f,\"latencyP99Ms\":%.3f,"
                            + "\"requests\":%d,\"socketErrors\":%d,\"non2xx\":%d,\"rounds\":%s}",
                    m.requestsPerSec, m.latencyAvgMs, m.latencyP99Ms, m.requests, m.socketErrors, m.non2xx,
                    Arrays.toString(s.runs.stream().mapToLong(w -> Math.round(w.requestsPerSec)).toArray()).replace(" ", "")));
        }
        sb.append("],\"ratios\":{");
        first = true;
        for (var e : ratios.entrySet()) {
            if (!first) sb.append(',');
            first = false;
            sb.append(String.format(Locale.ROOT, "\"uring4j/%s\":%.3f", e.getKey(), e.getValue()));
        }
        System.out.println(sb.append("}}"));
    }

    private WrkResult wrk(String wrk, int port, int secs) throws Exception {
        Process p = new ProcessBuilder(wrk, "-t" + wrkThreads, "-c" + connections, "-d" + secs + "s", "--latency",
                "--timeout", "5s", "http://127.0.0.1:" + port + "/").redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(secs + 30L, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("wrk did not finish");
        }
        return parse(out);
    }

    static WrkResult parse(String out) {
        double rps = number(out, "Requests/sec:\\s+([0-9.]+)");
        Matcher lat = Pattern.compile("Latency\\s+([0-9.]+)(us|ms|s)").matcher(out);
        double avg = lat.find() ? millis(lat.group(1), lat.group(2)) : Double.NaN;
        Matcher p99 = Pattern.compile("99%\\s+([0-9.]+)(us|ms|s)").matcher(out);
        double p = p99.find() ? millis(p99.group(1), p99.group(2)) : Double.NaN;
        long requests = (long) number(out, "(\\d+) requests in");
        long errors = 0;
        Matcher se = Pattern.compile("Socket errors: connect (\\d+), read (\\d+), write (\\d+), timeout (\\d+)").matcher(out);
        if (se.find()) for (int i = 1; i <= 4; i++) errors += Long.parseLong(se.group(i));
        double non = number(out, "Non-2xx or 3xx responses: (\\d+)");
        if (Double.isNaN(rps)) throw new IllegalStateException("cannot parse wrk output:\n" + out);
        return new WrkResult(rps, avg, p, requests, errors, Double.isNaN(non) ? 0 : (long) non);
    }

    private static double number(String s, String regex) {
        Matcher m = Pattern.compile(regex).matcher(s);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    private static double millis(String v, String unit) {
        double d = Double.parseDouble(v);
        return switch (unit) {
            case "us" -> d / 1000;
            case "s" -> d * 1000;
            default -> d;
        };
    }

    private String nettyClassPath() throws Exception {
        Path jar = nettyDir.resolve("target/netty-bench.jar"), lib = nettyDir.resolve("target/lib");
        if (!Files.exists(jar) || !Files.isDirectory(lib)) {
            if (!Files.exists(nettyDir.resolve("pom.xml"))) {
                return unavailable("no " + nettyDir.resolve("pom.xml") + " (run from the uring4j checkout or pass --netty-dir)");
            }
            if (!json) System.out.println("building " + nettyDir + " (Netty 4.2 from Maven Central) ...");
            Process p = new ProcessBuilder("mvn", "-B", "-q", "-f", nettyDir.resolve("pom.xml").toString(), "package")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0 || !Files.exists(jar)) return unavailable("mvn package of " + nettyDir + " failed: " + out);
        }
        StringBuilder cp = new StringBuilder(jar.toString());
        try (var files = Files.list(lib)) {
            for (Path p : files.sorted().toList()) cp.append(java.io.File.pathSeparatorChar).append(p);
        }
        return cp.toString();
    }

    private String nettyProblem;

    private String unavailable(String why) {
        nettyProblem = why;
        System.err.println("netty baseline unavailable: " + why);
        return null;
    }

    private static String javaBinary() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static boolean accepting(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 200);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
