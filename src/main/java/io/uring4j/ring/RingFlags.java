package io.uring4j.ring;

/** Flags the kernel sets in the SQ ring's and CQ ring's flags words. */
public final class RingFlags {
    private RingFlags() {}

    public static final int SQ_NEED_WAKEUP = 1, SQ_CQ_OVERFLOW = 2, SQ_TASKRUN = 4;
    public static final int CQ_EVENTFD_DISABLED = 1;
}
