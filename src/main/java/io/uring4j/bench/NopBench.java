package io.uring4j.bench;

import io.uring4j.ErrnoException;
import io.uring4j.ring.Cqe;
import io.uring4j.ring.CqeHandler;
import io.uring4j.ring.Ring;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * NOPs through io_uring: the cost of the ring protocol itself (prepare, publish, enter, reap),
 * uring4j against the C program in {@code bench/c/nop.c}, which runs the identical protocol with
 * raw syscalls. Both use the same ring size and setup flags.
 */
public final class NopBench implements CqeHandler {
    private final int batch;
    private final double seconds, warmupSeconds;
    private final int rounds;
    private final Path workDir;
    private final Progress progress;

    private final List<EngineResult> java = new ArrayList<>(), c = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private long sum;

    public NopBench(int batch, double seconds, double warmupSeconds, int rounds, Path workDir, Progress progress) {
        if (batch < 1 || batch > 4096) throw new IllegalArgumentException("batch=" + batch + " must be in 1..4096");
        if (!(seconds > 0)) throw new IllegalArgumentException("seconds=" + seconds + " must be > 0");
        if (rounds < 1) throw new IllegalArgumentException("rounds=" + rounds + " must be >= 1");
        this.batch = batch;
        this.seconds = seconds;
        this.warmupSeconds = warmupSeconds;
        this.rounds = rounds;
        this.workDir = workDir;
        this.progress = progress;
    }

    /** The ring size both programs use. */
    static int entries(int batch) {
        return Math.max(batch, 8);
    }

    public NopBench run() throws IOException {
        Path binary = CNop.binary(workDir, progress, notes);
        for (int round = 1; round <= rounds; round++) {
            String r = rounds > 1 ? " (round " + round + "/" + rounds + ")" : "";
            progress.step("uring4j" + r + ": NOP, " + batch + " per enter, " + seconds + " s ...");
            EngineResult j = runJava();
            java.add(j);
            progress.step("  uring4j: " + Progress.rate(j.opsPerSec()) + " ops/s");
            if (binary != null) {
                progress.step("c" + r + ": NOP, " + batch + " per enter, " + seconds + " s ...");
                EngineResult cr = CNop.run(binary, batch, seconds);
                c.add(cr);
                progress.step("  c: " + Progress.rate(cr.opsPerSec()) + " ops/s");
            }
        }
        return this;
    }

    private EngineResult runJava() throws IOException {
        try (Ring ring = Ring.open(entries(batch))) {
            if (warmupSeconds > 0) loop(ring, (long) (warmupSeconds * 1e9));
            long[] r = loop(ring, (long) (seconds * 1e9));
            return new EngineResult("uring4j", r[0], r[1], Double.NaN, Double.NaN, null);
        }
    }

    private long[] loop(Ring ring, long nanos) throws ErrnoException {
        final int batch = this.batch;
        long ops = 0;
        long start = System.nanoTime(), end = start + nanos, now;
        do {
            for (int round = 0; round < 64; round++) {
                for (int i = 0; i < batch; i++) ring.nextSqe().prepNop().userData(ops + i);
                int r = ring.submit();
                if (r < 0) throw new ErrnoException(-r, "io_uring_enter", "submit " + batch + " NOPs");
                int done = ring.forEachCqe(this);
                while (done < batch) {
                    if (ring.cqReady() == 0) {
                        r = ring.submitAndWait(1);
                        if (r < 0) throw new ErrnoException(-r, "io_uring_enter", "wait for NOP completions");
                    }
                    done += ring.forEachCqe(this);
                }
                ops += batch;
            }
            now = System.nanoTime();
        } while (now < end);
        return new long[] {ops, now - start};
    }

    @Override
    public void handle(Cqe cqe) {
        sum += cqe.userData() + cqe.res();
    }

    private static double median(List<EngineResult> l) {
        if (l.isEmpty()) return Double.NaN;
        double[] v = l.stream().mapToDouble(EngineResult::opsPerSec).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    public double javaOpsPerSec() { return median(java); }

    public double cOpsPerSec() { return median(c); }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("benchmark", "nop");
        m.put("batch", batch);
        m.put("ring_entries", entries(batch));
        m.put("seconds", seconds);
        m.put("warmup_seconds", warmupSeconds);
        m.put("rounds", rounds);
        m.put("uring4j_ops_per_sec", Math.round(javaOpsPerSec()));
        m.put("c_ops_per_sec", c.isEmpty() ? null : Math.round(cOpsPerSec()));
        m.put("ratio", c.isEmpty() ? null : javaOpsPerSec() / cOpsPerSec());
        m.put("uring4j_rounds", java.stream().map(r -> Math.round(r.opsPerSec())).toList());
        m.put("c_rounds", c.stream().map(r -> Math.round(r.opsPerSec())).toList());
        m.put("notes", notes);
        return m;
    }

    public void printTable(PrintStream out) {
        out.printf(Locale.ROOT, "NOP through io_uring, %d per io_uring_enter, %s s x %d%n", batch, seconds, rounds);
        out.printf(Locale.ROOT, "%-10s %12s %10s%n", "engine", "ops/s", "ns/op");
        out.printf(Locale.ROOT, "%-10s %12s %10.1f%n", "uring4j", Progress.rate(javaOpsPerSec()), 1e9 / javaOpsPerSec());
        if (!c.isEmpty()) {
            out.printf(Locale.ROOT, "%-10s %12s %10.1f%n", "c", Progress.rate(cOpsPerSec()), 1e9 / cOpsPerSec());
            out.printf(Locale.ROOT, "uring4j/c %13.3f%n", javaOpsPerSec() / cOpsPerSec());
        }
        for (String n : notes) out.println("note: " + n);
    }
}
