package io.uring4j.ring;

/** {@code IORING_TIMEOUT_*} for TIMEOUT, TIMEOUT_REMOVE and LINK_TIMEOUT. */
public final class TimeoutFlags {
    private TimeoutFlags() {}

    public static final int ABS = 1, UPDATE = 2, BOOTTIME = 4, REALTIME = 8, LINK_TIMEOUT_UPDATE = 0x10,
            ETIME_SUCCESS = 0x20, MULTISHOT = 0x40;
}
