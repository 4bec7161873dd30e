package io.uring4j.cmd;

import io.uring4j.ring.Cqe;

/**
 * Decodes a CQE32 posted by {@link SocketCmd#prepTxTimestamp}: {@code res} is the timestamp key
 * (SOF_TIMESTAMPING_OPT_ID), the flags carry the type and a hardware bit, and {@code big_cqe} holds a
 * {@code struct io_timespec} (tv_sec, tv_nsec).
 */
public final class TxTimestamp {
    private TxTimestamp() {}

    /** IORING_CQE_F_TSTAMP_HW = 1 << IORING_TIMESTAMP_HW_SHIFT (16). */
    public static final int F_TSTAMP_HW = 1 << 16;
    /** IORING_TIMESTAMP_TYPE_SHIFT: the SCM_TSTAMP_* type sits above the HW bit. */
    public static final int TYPE_SHIFT = 17;
    /** SCM_TSTAMP_SND, SCM_TSTAMP_SCHED, SCM_TSTAMP_ACK. */
    public static final int SCM_TSTAMP_SND = 0, SCM_TSTAMP_SCHED = 1, SCM_TSTAMP_ACK = 2;

    public static int key(Cqe cqe) { return cqe.res(); }

    public static int type(Cqe cqe) { return cqe.flags() >>> TYPE_SHIFT; }

    public static boolean isHardware(Cqe cqe) { return (cqe.flags() & F_TSTAMP_HW) != 0; }

    public static long seconds(Cqe cqe) { return cqe.bigCqe(0); }

    public static long nanos(Cqe cqe) { return cqe.bigCqe(1); }

    /** The timestamp as nanoseconds since the epoch (CLOCK_REALTIME, as SO_TIMESTAMPING reports). */
    public static long epochNanos(Cqe cqe) { return seconds(cqe) * 1_000_000_000L + nanos(cqe); }
}
