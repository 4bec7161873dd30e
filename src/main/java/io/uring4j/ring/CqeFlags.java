package io.uring4j.ring;

/** {@code IORING_CQE_F_*} and the helpers that decode them. */
public final class CqeFlags {
    private CqeFlags() {}

    public static final int BUFFER = 1, MORE = 2, SOCK_NONEMPTY = 4, NOTIF = 8, BUF_MORE = 0x10, SKIP = 0x20,
            F_32 = 0x8000;
    public static final int BUFFER_SHIFT = 16;

    public static boolean hasMore(int flags) { return (flags & MORE) != 0; }

    public static boolean hasBuffer(int flags) { return (flags & BUFFER) != 0; }

    /** The provided-buffer id of a CQE whose flags carry {@link #BUFFER}. */
    public static int bufferId(int flags) { return flags >>> BUFFER_SHIFT; }
}
