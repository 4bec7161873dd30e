package io.uring4j.ring;

import io.uring4j.sys.KernelTimespec;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/** {@code struct __kernel_timespec} values for TIMEOUT and LINK_TIMEOUT SQEs. */
public final class Timespec {
    private Timespec() {}

    public static MemorySegment allocate(Arena arena, Duration d) {
        return set(arena.allocate(KernelTimespec.LAYOUT), d.toNanos());
    }

    public static MemorySegment allocate(Arena arena, long nanos) {
        return set(arena.allocate(KernelTimespec.LAYOUT), nanos);
    }

    /** Overwrites {@code ts} in place (no allocation) with {@code nanos}. */
    public static MemorySegment set(MemorySegment ts, long nanos) {
        if (nanos < 0) throw new IllegalArgumentException("timespec nanos=" + nanos + " must be >= 0");
        ts.set(JAVA_LONG, KernelTimespec.TV_SEC, nanos / 1_000_000_000L);
        ts.set(JAVA_LONG, KernelTimespec.TV_NSEC, nanos % 1_000_000_000L);
        return ts;
    }
}
