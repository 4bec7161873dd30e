package io.uring4j.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs the random-read workload with each engine in turn, {@code rounds} times (engines
 * interleaved, so drift on a shared machine hits all of them alike), and reports each engine's
 * median IOPS and the ratios of the uring4j engines to their baselines.
 */
public final class RandReadBench {
    public static final List<String> ENGINES = List.of("uring4j", "uring4j-sqpoll", "filechannel", "fio", "fio-sqpoll");

    private final RandReadSpec spec;
    private final List<String> engines;
    private final int rounds;
    private final Progress progress;

    /** Per engine, in order: the results of every round. */
    private final Map<String, List<EngineResult>> results = new LinkedHashMap<>();
    private final List<String> notes = new ArrayList<>();

    private final boolean ownFile;

    /**
     * {@code ownFile}: the test file is the benchmark's own (in its work directory) and is
     * recreated when its size is wrong; otherwise an existing file is only read.
     */
    public RandReadBench(RandReadSpec spec, List<String> engines, int rounds, Progress progress, boolean ownFile) {
        for (String e : engines)
            if (!ENGINES.contains(e)) throw new IllegalArgumentException("unknown engine '" + e + "'; known: " + ENGINES);
        if (engines.isEmpty()) throw new IllegalArgumentException("no engine to run; known: " + ENGINES);
        if (rounds < 1) throw new IllegalArgumentException("rounds=" + rounds + " must be >= 1");
        this.spec = spec;
        this.engines = List.copyOf(engines);
        this.rounds = rounds;
        this.progress = progress;
        this.ownFile = ownFile;
    }

    public RandReadBench run() throws IOException {
        TestFile.ensure(spec.file(), spec.fileSize(), ownFile, progress);
        Path fio = FioRandRead.find();
        if (fio == null && (engines.contains("fio") || engines.contains("fio-sqpoll"))) {
            notes.add(FioRandRead.INSTALL_HINT);
            progress.step(FioRandRead.INSTALL_HINT);
        }
        for (int round = 1; round <= rounds; round++) {
            // the JIT keeps what it compiled: warm the Java engines up in the first round only
            RandReadSpec spec = round == 1 ? this.spec : this.spec.withWarmup(0);
            for (String e : engines) {
                if (e.startsWith("fio") && fio == null) continue;
                String what = String.format(Locale.ROOT, "%s%s: %s random reads, %s, %s s", e,
                        rounds > 1 ? " (round " + round + "/" + rounds + ")" : "", Progress.bytes(spec.blockSize()),
                        e.equals(FileChannelRandRead.NAME) ? "1 thread, 1 read per call"
                                : "qd " + spec.qd() + ", batch " + spec.batch(), fmt(spec.seconds()));
                progress.step(what + " ...");
                EngineResult r = switch (e) {
                    case "uring4j" -> new UringRandRead(spec, false).run(progress);
                    case "uring4j-sqpoll" -> new UringRandRead(spec, true).run(progress);
                    case "filechannel" -> new FileChannelRandRead(spec).run(progress);
                    case "fio" -> new FioRandRead(spec, false).run(fio, progress);
                    case "fio-sqpoll" -> new FioRandRead(spec, true).run(fio, progress);
                    default -> throw new IllegalStateException(e);
                };
                results.computeIfAbsent(e, k -> new ArrayList<>()).add(r);
                String res = Double.isNaN(r.residency()) ? ""
                        : String.format(Locale.ROOT, " (page cache: %.1f%% resident before, %.1f%% after)",
                        100 * r.residency(), 100 * r.residencyAfter());
                progress.step("  " + e + ": " + Progress.rate(r.opsPerSec()) + " IOPS" + res);
                if (!Double.isNaN(r.residencyAfter()) && r.residencyAfter() < 0.99)
                    notes.add(e + ": the page cache lost " + fmt(100 * (1 - r.residencyAfter())) + "% of the file during the run; "
                            + "its IOPS include disk reads");
            }
        }
        return this;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : String.format(Locale.ROOT, "%.2f", d);
    }

    /** Median IOPS of an engine over its rounds, or NaN if it did not run. */
    public double iops(String engine) {
        return Stats.median(results.get(engine), EngineResult::opsPerSec);
    }

    /** Median IOPS per CPU-second of the issuing thread, or NaN. */
    public double iopsPerCpuSec(String engine) {
        return Stats.median(results.get(engine), EngineResult::opsPerCpuSec);
    }

    /** "uring4j/fio" → ratio of median IOPS, for every uring4j engine against every baseline that ran. */
    public Map<String, Double> ratios() {
        return ratios(this::iops);
    }

    /** As {@link #ratios()}, of IOPS per CPU-second (steadier when other work shares the CPUs). */
    public Map<String, Double> cpuRatios() {
        return ratios(this::iopsPerCpuSec);
    }

    /** As {@link #ratios()}, but the median over rounds of each round's ratio. */
    public Map<String, Double> roundRatios(java.util.function.ToDoubleFunction<EngineResult> rate) {
        return pairs((u, b) -> Stats.medianRatio(results.get(u), results.get(b), rate));
    }

    private Map<String, Double> ratios(java.util.function.ToDoubleFunction<String> rate) {
        return pairs((u, b) -> rate.applyAsDouble(u) / rate.applyAsDouble(b));
    }

    /** {@code ratio(u, base)} for each uring4j engine and each baseline that ran: its fio peer, FileChannel. */
    private Map<String, Double> pairs(java.util.function.ToDoubleBiFunction<String, String> ratio) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (String u : List.of("uring4j", "uring4j-sqpoll")) {
            if (!results.containsKey(u)) continue;
            String fio = u.equals("uring4j") ? "fio" : "fio-sqpoll";
            for (String base : List.of(fio, "filechannel"))
                if (results.containsKey(base)) m.put(u + "/" + base, ratio.applyAsDouble(u, base));
        }
        return m;
    }

    public Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("benchmark", "randread");
        m.put("file", spec.file().toString());
        m.put("filesystem", TestFile.fsType(spec.file().toAbsolutePath().getParent()));
        m.put("file_size", spec.fileSize());
        m.put("block_size", spec.blockSize());
        m.put("qd", spec.qd());
        m.put("batch", spec.batch());
        m.put("fixed_buffers", spec.fixedBuffers());
        m.put("fixed_files", spec.fixedFiles());
        m.put("direct", spec.direct());
        m.put("seconds", spec.seconds());
        m.put("warmup_seconds", spec.warmupSeconds());
        m.put("rounds", rounds);
        List<Object> list = new ArrayList<>();
        for (var e : results.entrySet()) {
            Map<String, Object> j = new LinkedHashMap<>();
            j.put("engine", e.getKey());
            j.put("iops", Math.round(iops(e.getKey())));
            double c = iopsPerCpuSec(e.getKey());
            if (!Double.isNaN(c)) j.put("iops_per_cpu_sec", Math.round(c));
            j.put("rounds", e.getValue().stream().map(r -> r.toJson("iops")).toList());
            list.add(j);
        }
        m.put("engines", list);
        m.put("ratios", ratios());
        m.put("cpu_ratios", cpuRatios());
        if (rounds > 1) {
            m.put("median_round_ratios", roundRatios(EngineResult::opsPerSec));
            m.put("median_round_cpu_ratios", roundRatios(EngineResult::opsPerCpuSec));
        }
        m.put("notes", notes);
        return m;
    }

    public void printTable(PrintStream out) {
        out.printf(Locale.ROOT, "random %s reads of %s (%s), qd %d, batch %d, fixed buffers %s, fixed files %s%s, %s s x %d%n",
                Progress.bytes(spec.blockSize()), spec.file(), Progress.bytes(spec.fileSize()), spec.qd(), spec.batch(),
                onOff(spec.fixedBuffers()), onOff(spec.fixedFiles()), spec.direct() ? ", O_DIRECT" : "",
                fmt(spec.seconds()), rounds);
        out.printf(Locale.ROOT, "%-16s %12s %16s   %s%n", "engine", "IOPS", "IOPS/CPU-s", rounds > 1 ? "IOPS per round" : "");
        for (var e : results.entrySet()) {
            String per = rounds > 1 ? Arrays.toString(e.getValue().stream().map(r -> Progress.rate(r.opsPerSec())).toArray()) : "";
            double c = iopsPerCpuSec(e.getKey());
            out.printf(Locale.ROOT, "%-16s %12s %16s   %s%n", e.getKey(), Progress.rate(iops(e.getKey())),
                    Double.isNaN(c) ? "-" : Progress.rate(c), per);
        }
        Map<String, Double> cpu = cpuRatios();
        out.printf(Locale.ROOT, "%-28s %8s %12s%n", "ratio", "IOPS", "per CPU-s");
        for (var r : ratios().entrySet())
            out.printf(Locale.ROOT, "%-28s %8.3f %12.3f%n", r.getKey(), r.getValue(), cpu.getOrDefault(r.getKey(), Double.NaN));
        if (rounds > 1) {
            Map<String, Double> w = roundRatios(EngineResult::opsPerSec), c = roundRatios(EngineResult::opsPerCpuSec);
            out.println("median of per-round ratios:");
            for (var r : w.entrySet())
                out.printf(Locale.ROOT, "  %-26s %8.3f %12.3f%n", r.getKey(), r.getValue(), c.getOrDefault(r.getKey(), Double.NaN));
        }
        for (String n : notes) out.println("note: " + n);
    }

    private static String onOff(boolean b) {
        return b ? "on" : "off";
    }
}
