package io.uring4j.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The C baseline of the NOP benchmark: {@code bench/c/nop.c} (packaged into the jar), compiled
 * with gcc into the work directory on first use. The binary's name carries a hash of the source,
 * so an edited source is rebuilt.
 */
final class CNop {
    private CNop() {}

    static final String GCC_HINT = "gcc not found: the C baseline is skipped (apt-get install -y gcc)";

    /** The compiled baseline, or null (with a note) when gcc is missing. */
    static Path binary(Path workDir, Progress progress, List<String> notes) throws IOException {
        byte[] src = source();
        String hash = sha256(src).substring(0, 12);
        Path bin = workDir.resolve("nop-" + hash);
        if (Files.isExecutable(bin)) return bin;
        Path gcc = onPath("gcc");
        if (gcc == null) gcc = onPath("cc");
        if (gcc == null) {
            notes.add(GCC_HINT);
            progress.step(GCC_HINT);
            return null;
        }
        Files.createDirectories(workDir);
        Path c = workDir.resolve("nop-" + hash + ".c");
        Files.write(c, src);
        progress.step("compiling the C baseline: " + gcc + " -O2 -o " + bin + " " + c);
        Path tmp = workDir.resolve(bin.getFileName() + ".tmp");
        Process p = new ProcessBuilder(gcc.toString(), "-O2", "-o", tmp.toString(), c.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int rc = waitFor(p);
        if (rc != 0) throw new IOException("gcc failed (" + rc + "):\n" + out);
        Files.move(tmp, bin, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        return bin;
    }

    /**
     * The C program in serve mode: its ring is set up once, then each {@link #run} asks it for one
     * timed run and reads the result line, so runs can be interleaved with the Java engine's.
     */
    static final class Server implements AutoCloseable {
        private final Path binary;
        private final Process process;
        private final BufferedReader in;
        private final Writer out;

        Server(Path binary, int batch) throws IOException {
            this.binary = binary;
            this.process = new ProcessBuilder(binary.toString(), Integer.toString(batch), "serve")
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            this.in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            this.out = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        }

        EngineResult run(double seconds) throws IOException {
            out.write(String.format(Locale.ROOT, "%.6f%n", seconds));
            out.flush();
            String line = in.readLine();
            if (line == null) throw new IOException(binary + " exited (" + waitFor(process) + ") instead of reporting a run");
            return parse(line);
        }

        @Override
        public void close() throws IOException {
            out.close();
            if (waitFor(process) != 0) throw new IOException(binary + " failed");
        }
    }

    static EngineResult parse(String out) throws IOException {
        Matcher ops = Pattern.compile("\\bops=([0-9]+)").matcher(out), ns = Pattern.compile("\\bns=([0-9]+)").matcher(out),
                cpu = Pattern.compile("\\bcpu_ns=([0-9]+)").matcher(out);
        if (!ops.find() || !ns.find()) throw new IOException("the C baseline printed no result: " + out.strip());
        long cpuNs = cpu.find() ? Long.parseLong(cpu.group(1)) : -1;
        return new EngineResult("c", Long.parseLong(ops.group(1)), Long.parseLong(ns.group(1)), cpuNs, Double.NaN, Double.NaN, null);
    }

    private static byte[] source() throws IOException {
        try (InputStream in = CNop.class.getResourceAsStream("/io/uring4j/bench/c/nop.c")) {
            if (in != null) return in.readAllBytes();
        }
        Path p = Path.of("bench", "c", "nop.c"); // running from a source checkout without packaged resources
        if (Files.isRegularFile(p)) return Files.readAllBytes(p);
        throw new IOException("bench/c/nop.c is neither packaged in the jar nor in ./bench/c");
    }

    private static int waitFor(Process p) throws IOException {
        try {
            return p.waitFor();
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted");
        }
    }

    static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String d : path.split(":")) {
            if (d.isEmpty()) continue;
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
