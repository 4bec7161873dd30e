package io.uring4j.register;

import io.uring4j.sys.KernelTimespec;
import io.uring4j.sys.Sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The clocks io_uring waits can be measured on (IORING_REGISTER_CLOCK). MONOTONIC stops while
 * the machine is suspended, BOOTTIME does not; relative timeouts and absolute deadlines of a
 * ring are both read on the ring's clock.
 */
public enum WaitClock {
    MONOTONIC(Sys.CLOCK_MONOTONIC),
    BOOTTIME(Sys.CLOCK_BOOTTIME);

    /** A per-thread timespec so reading the clock allocates nothing. */
    private static final ThreadLocal<MemorySegment> TS =
            ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(KernelTimespec.LAYOUT));

    private final int id;

    WaitClock(int id) { this.id = id; }

    /** The clock_gettime(2) clock id. */
    public int clockId() { return id; }

    /** The clock's current time in nanoseconds: the scale {@link WaitSlot#deadline(long)} takes. */
    public long now() {
        MemorySegment ts = TS.get();
        int r = Sys.clockGettime(id, ts);
        if (r < 0) throw new IllegalStateException("clock_gettime(" + name() + ") failed: errno " + -r);
        return ts.get(JAVA_LONG, KernelTimespec.TV_SEC) * 1_000_000_000L + ts.get(JAVA_LONG, KernelTimespec.TV_NSEC);
    }
}
