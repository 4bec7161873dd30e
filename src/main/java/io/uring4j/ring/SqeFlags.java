package io.uring4j.ring;

/** {@code IOSQE_*}: per-submission flags ({@link Sqe#flags(int)}). */
public final class SqeFlags {
    private SqeFlags() {}

    public static final int FIXED_FILE = 1, IO_DRAIN = 1 << 1, IO_LINK = 1 << 2, IO_HARDLINK = 1 << 3,
            ASYNC = 1 << 4, BUFFER_SELECT = 1 << 5, CQE_SKIP_SUCCESS = 1 << 6;
    public static final int KNOWN = (1 << 7) - 1;
}
