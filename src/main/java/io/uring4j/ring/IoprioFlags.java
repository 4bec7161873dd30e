package io.uring4j.ring;

/** Flags carried in {@code sqe->ioprio} by socket operations. */
public final class IoprioFlags {
    private IoprioFlags() {}

    // send/recv
    public static final int RECVSEND_POLL_FIRST = 1, RECV_MULTISHOT = 2, RECVSEND_FIXED_BUF = 4,
            SEND_ZC_REPORT_USAGE = 8, RECVSEND_BUNDLE = 0x10;
    // accept
    public static final int ACCEPT_MULTISHOT = 1, ACCEPT_DONTWAIT = 2, ACCEPT_POLL_FIRST = 4;
}
