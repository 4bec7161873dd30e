package io.uring4j.ring;

import io.uring4j.sys.Errno;
import io.uring4j.sys.IoUringCqe;

import java.lang.foreign.MemorySegment;

import java.lang.foreign.ValueLayout;

/**
 * A view of one completion in the CQ ring. It is a flyweight (no allocation per completion):
 * valid until the entry is consumed, then repositioned by the next peek.
 */
public final class Cqe {
    // Unaligned layouts spare each read the alignment test; CQE fields are naturally aligned.
    private static final ValueLayout.OfInt JAVA_INT = ValueLayout.JAVA_INT_UNALIGNED;
    private static final ValueLayout.OfLong JAVA_LONG = ValueLayout.JAVA_LONG_UNALIGNED;
    private final MemorySegment ring;
    private final boolean big;
    private long base;

    Cqe(MemorySegment ring, boolean big) {
        this.ring = ring;
        this.big = big;
    }

    Cqe at(long offset) {
        this.base = offset;
        return this;
    }

    public long userData() { return ring.get(JAVA_LONG, base + IoUringCqe.USER_DATA); }

    /** The result: non-negative on success, {@code -errno} on failure. */
    public int res() { return ring.get(JAVA_INT, base + IoUringCqe.RES); }

    public int flags() { return ring.get(JAVA_INT, base + IoUringCqe.FLAGS); }

    public boolean hasMore() { return CqeFlags.hasMore(flags()); }

    public boolean hasBuffer() { return CqeFlags.hasBuffer(flags()); }

    public int bufferId() { return CqeFlags.bufferId(flags()); }

    public boolean isNotification() { return (flags() & CqeFlags.NOTIF) != 0; }

    /** True when this ring has 32-byte CQEs (IORING_SETUP_CQE32). */
    public boolean isBig() { return big; }

    /** {@code big_cqe[i]} (i = 0 or 1) of a CQE32 ring. */
    public long bigCqe(int i) {
        if (!big) throw new IllegalStateException("big_cqe needs a ring created with cqe32()");
        if (i != 0 && i != 1) throw new IndexOutOfBoundsException("big_cqe index=" + i + " must be 0 or 1");
        return ring.get(JAVA_LONG, base + IoUringCqe.BIG_CQE + 8L * i);
    }

    /** The errno name of a failed result ({@code "ETIME"}), or null for success. */
    public String errnoName() {
        int r = res();
        return r < 0 ? Errno.name(-r) : null;
    }

    @Override
    public String toString() {
        int r = res();
        return "Cqe[user_data=" + userData() + ", res=" + (r < 0 ? "-" + Errno.name(-r) : r)
                + ", flags=0x" + Integer.toHexString(flags()) + "]";
    }
}
