package io.uring4j.ring;

/** {@code IORING_ASYNC_CANCEL_*}. */
public final class CancelFlags {
    private CancelFlags() {}

    public static final int ALL = 1, FD = 2, ANY = 4, FD_FIXED = 8, USERDATA = 0x10, OP = 0x20;
}
