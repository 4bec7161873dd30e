package io.uring4j.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What one engine measured: {@code ops} operations in {@code nanos}. {@code residency} is the
 * fraction of the test file in the page cache right before the measured run (NaN when not
 * applicable), {@code residencyAfter} right after it.
 */
public record EngineResult(String engine, long ops, long nanos, double residency, double residencyAfter, String note) {
    public double opsPerSec() {
        return nanos <= 0 ? 0 : ops * 1e9 / nanos;
    }

    Map<String, Object> toJson(String rateKey) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("engine", engine);
        m.put(rateKey, Math.round(opsPerSec()));
        m.put("ops", ops);
        m.put("seconds", nanos / 1e9);
        if (!Double.isNaN(residency)) m.put("residency_before", residency);
        if (!Double.isNaN(residencyAfter)) m.put("residency_after", residencyAfter);
        if (note != null) m.put("note", note);
        return m;
    }
}
