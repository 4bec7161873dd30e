package io.uring4j.bench;

import java.util.List;
import java.util.function.ToDoubleFunction;

final class Stats {
    private Stats() {}

    /** The median of {@code f} over {@code results} (NaN values ignored), or NaN if none. */
    static double median(List<EngineResult> results, ToDoubleFunction<EngineResult> f) {
        if (results == null) return Double.NaN;
        double[] v = results.stream().mapToDouble(f).filter(d -> !Double.isNaN(d)).sorted().toArray();
        if (v.length == 0) return Double.NaN;
        return median(v);
    }

    private static double median(double[] v) {
        if (v.length == 0) return Double.NaN;
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    /**
     * The median over rounds of {@code f(a[i]) / f(b[i])}: rounds run back to back, so each ratio
     * compares two runs that saw about the same load from the rest of the machine.
     */
    static double medianRatio(List<EngineResult> a, List<EngineResult> b, ToDoubleFunction<EngineResult> f) {
        if (a == null || b == null) return Double.NaN;
        int n = Math.min(a.size(), b.size());
        double[] v = new double[n];
        int k = 0;
        for (int i = 0; i < n; i++) {
            double r = f.applyAsDouble(a.get(i)) / f.applyAsDouble(b.get(i));
            if (!Double.isNaN(r) && !Double.isInfinite(r)) v[k++] = r;
        }
        v = java.util.Arrays.copyOf(v, k);
        java.util.Arrays.sort(v);
        return median(v);
    }
}
