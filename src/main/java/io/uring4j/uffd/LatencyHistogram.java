package io.uring4j.uffd;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Log-linear histogram of nanosecond latencies: 16 linear sub-buckets per power of two (about
 * 6% resolution), lock-free recording from several handler threads, no allocation.
 */
final class LatencyHistogram {
    private static final int SUB_BITS = 4, SUB = 1 << SUB_BITS;
    private final AtomicLongArray counts = new AtomicLongArray(64 * SUB);
    private volatile long max;

    static int index(long v) {
        if (v < SUB) return (int) Math.max(v, 0);
        int e = 63 - Long.numberOfLeadingZeros(v);
        int sub = (int) ((v >>> (e - SUB_BITS)) & (SUB - 1));
        return (e - SUB_BITS + 1) * SUB + sub;
    }

    /** The largest value that lands in bucket {@code i}. */
    static long upperBound(int i) {
        if (i < SUB) return i;
        int e = i / SUB + SUB_BITS - 1, sub = i % SUB;
        return ((long) (SUB + sub + 1) << (e - SUB_BITS)) - 1;
    }

    void record(long nanos) {
        counts.incrementAndGet(index(nanos));
        if (nanos > max) max = nanos;   // racy but monotone enough for a statistic
    }

    long count() {
        long n = 0;
        for (int i = 0; i < counts.length(); i++) n += counts.get(i);
        return n;
    }

    /** The value at quantile {@code q} (0..1), as its bucket's upper bound; 0 when empty. */
    long percentile(double q) {
        long total = count();
        if (total == 0) return 0;
        long rank = Math.max(1, (long) Math.ceil(q * total)), seen = 0;
        for (int i = 0; i < counts.length(); i++) {
            seen += counts.get(i);
            if (seen >= rank) return Math.min(upperBound(i), max);
        }
        return max;
    }

    long max() { return max; }

    void reset() {
        for (int i = 0; i < counts.length(); i++) counts.set(i, 0);
        max = 0;
    }
}
