package io.uring4j.ring;

/** {@code IORING_ENTER_*}. */
public final class EnterFlags {
    private EnterFlags() {}

    public static final int GETEVENTS = 1, SQ_WAKEUP = 1 << 1, SQ_WAIT = 1 << 2, EXT_ARG = 1 << 3,
            REGISTERED_RING = 1 << 4, ABS_TIMER = 1 << 5, EXT_ARG_REG = 1 << 6, NO_IOWAIT = 1 << 7;
}
