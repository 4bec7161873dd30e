package io.uring4j.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one engine measured: {@code ops} operations in {@code nanos}. {@code residency} is the
 * fraction of the test file in the page cache right before the measured run (NaN when not
 * applicable), {@code residencyAfter} right after it. {@code cpuNanos}: CPU time of the issuing
 * thread during the run (-1 if unknown).
 */
public record EngineResult(String engine, long ops, long nanos, long cpuNanos, double residency, double residencyAfter,
                           String note) {
    public double opsPerSec() {
        return nanos <= 0 ? 0 : ops * 1e9 / nanos;
    }

    /** Operations per CPU-second of the thread that issued them (NaN when unknown); see {@link CpuTime}. */
    public double opsPerCpuSec() {
        return cpuNanos <= 0 ? Double.NaN : ops * 1e9 / cpuNanos;
    }

    Map<String, Object> toJson(String rateKey) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("engine", engine);
        m.put(rateKey, Math.round(opsPerSec()));
        m.put("ops", ops);
        m.put("seconds", nanos / 1e9);
        if (cpuNanos > 0) {
            m.put(rateKey + "_per_cpu_sec", Math.round(opsPerCpuSec()));
            m.put("cpu_seconds", cpuNanos / 1e9);
        }
        if (!Double.isNaN(residency)) m.put("residency_before", residency);
        if (!Double.isNaN(residencyAfter)) m.put("residency_after", residencyAfter);
        if (note != null) m.put("note", note);
        return m;
    }
}
