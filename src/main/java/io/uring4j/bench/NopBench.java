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

    /** Length of one interleaved slice: short enough that both engines see the same machine load. */
    static final double SLICE_SECONDS = 0.1;

    /**
     * Each round measures both engines for {@code seconds} in alternating slices of
     * {@value #SLICE_SECONDS} s (the C program keeps its ring between slices, as the Java engine
     * does), so drift in the load from the rest of the machine hits both alike.
     */
    public NopBench run() throws IOException {
        Path binary = CNop.binary(workDir, progress, notes);
        try (Ring ring = Ring.open(entries(batch));
             CNop.Server server = binary == null ? null : new CNop.Server(binary, batch)) {
            if (warmupSeconds > 0) {
                progress.step("uring4j: JIT warm-up, " + fmt(warmupSeconds) + " s ...");
                // in slices, as measured: a single long call would leave the loop's exit unprofiled, and
                // the first measured slice would deoptimise on it and run interpreted until recompiled
                long end = System.nanoTime() + (long) (warmupSeconds * 1e9);
                while (System.nanoTime() < end) loop(ring, (long) (SLICE_SECONDS * 1e9 / 4));
                if (server != null) server.run(Math.min(warmupSeconds, 0.2));
            }
            int slices = Math.max(1, (int) Math.ceil(seconds / SLICE_SECONDS));
            double slice = seconds / slices;
            for (int round = 1; round <= rounds; round++) {
                String r = rounds > 1 ? " (round " + round + "/" + rounds + ")" : "";
                progress.step("NOP, " + batch + " per enter" + r + ": uring4j" + (server != null ? " and c" : "")
                        + ", " + fmt(seconds) + " s each in " + slices + " alternating slices ...");
                long[] j = new long[3], c = new long[3];
                for (int i = 0; i < slices; i++) {
                    boolean javaFirst = (i & 1) == 0;
                    if (javaFirst) add(j, loop(ring, (long) (slice * 1e9)));
                    if (server != null) {
                        EngineResult cr = server.run(slice);
                        add(c, new long[] {cr.ops(), cr.nanos(), cr.cpuNanos()});
                    }
                    if (!javaFirst) add(j, loop(ring, (long) (slice * 1e9)));
                }
                EngineResult jr = new EngineResult("uring4j", j[0], j[1], j[2], Double.NaN, Double.NaN, null);
                java.add(jr);
                String line = "  uring4j: " + Progress.rate(jr.opsPerSec()) + " ops/s";
                if (server != null) {
                    EngineResult cr = new EngineResult("c", c[0], c[1], c[2], Double.NaN, Double.NaN, null);
                    this.c.add(cr);
                    line += ", c: " + Progress.rate(cr.opsPerSec()) + " ops/s";
                }
                progress.step(line);
            }
        }
        return this;
    }

    private static void add(long[] acc, long[] r) {
        acc[0] += r[0];
        acc[1] += r[1];
        acc[2] = acc[2] < 0 || r[2] < 0 ? -1 : acc[2] + r[2];
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : String.format(Locale.ROOT, "%.2f", d);
    }

    private long[] loop(Ring ring, long nanos) throws ErrnoException {
        final int batch = this.batch;
        long ops = 0;
        long cpu0 = CpuTime.threadNanos();
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
        long cpu1 = CpuTime.threadNanos();
        return new long[] {ops, now - start, cpu0 < 0 || cpu1 < 0 ? -1 : cpu1 - cpu0};
    }

    @Override
    public void handle(Cqe cqe) {
        sum += cqe.userData() + cqe.res();
    }

    public double javaOpsPerSec() { return Stats.median(java, EngineResult::opsPerSec); }

    public double cOpsPerSec() { return Stats.median(c, EngineResult::opsPerSec); }

    public double javaOpsPerCpuSec() { return Stats.median(java, EngineResult::opsPerCpuSec); }

    public double cOpsPerCpuSec() { return Stats.median(c, EngineResult::opsPerCpuSec); }

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
        m.put("uring4j_ops_per_cpu_sec", Math.round(javaOpsPerCpuSec()));
        m.put("c_ops_per_cpu_sec", c.isEmpty() ? null : Math.round(cOpsPerCpuSec()));
        m.put("cpu_ratio", c.isEmpty() ? null : javaOpsPerCpuSec() / cOpsPerCpuSec());
        m.put("uring4j_rounds", java.stream().map(r -> Math.round(r.opsPerSec())).toList());
        m.put("c_rounds", c.stream().map(r -> Math.round(r.opsPerSec())).toList());
        m.put("uring4j_cpu_rounds", java.stream().map(r -> Math.round(r.opsPerCpuSec())).toList());
        m.put("c_cpu_rounds", c.stream().map(r -> Math.round(r.opsPerCpuSec())).toList());
        if (!c.isEmpty()) {
            m.put("median_round_ratio", Stats.medianRatio(java, c, EngineResult::opsPerSec));
            m.put("median_round_cpu_ratio", Stats.medianRatio(java, c, EngineResult::opsPerCpuSec));
        }
        m.put("notes", notes);
        return m;
    }

    public void printTable(PrintStream out) {
        out.printf(Locale.ROOT, "NOP through io_uring, %d per io_uring_enter, %s s x %d%n", batch, seconds, rounds);
        out.printf(Locale.ROOT, "%-10s %12s %10s %14s %14s%n", "engine", "ops/s", "ns/op", "ops/CPU-s", "CPU ns/op");
        out.printf(Locale.ROOT, "%-10s %12s %10.1f %14s %14.1f%n", "uring4j", Progress.rate(javaOpsPerSec()),
                1e9 / javaOpsPerSec(), Progress.rate(javaOpsPerCpuSec()), 1e9 / javaOpsPerCpuSec());
        if (!c.isEmpty()) {
            out.printf(Locale.ROOT, "%-10s %12s %10.1f %14s %14.1f%n", "c", Progress.rate(cOpsPerSec()), 1e9 / cOpsPerSec(),
                    Progress.rate(cOpsPerCpuSec()), 1e9 / cOpsPerCpuSec());
            out.printf(Locale.ROOT, "uring4j/c %13.3f %25.3f (per CPU-s)%n", javaOpsPerSec() / cOpsPerSec(),
                    javaOpsPerCpuSec() / cOpsPerCpuSec());
            if (rounds > 1)
                out.printf(Locale.ROOT, "median of per-round ratios: %.3f, per CPU-s %.3f%n",
                        Stats.medianRatio(java, c, EngineResult::opsPerSec), Stats.medianRatio(java, c, EngineResult::opsPerCpuSec));
        }
        for (String n : notes) out.println("note: " + n);
    }
}
