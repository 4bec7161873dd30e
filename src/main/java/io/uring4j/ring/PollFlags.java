package io.uring4j.ring;

/** {@code IORING_POLL_*} (in the SQE's len field) and the poll(2) event bits. */
public final class PollFlags {
    private PollFlags() {}

    public static final int ADD_MULTI = 1, UPDATE_EVENTS = 2, UPDATE_USER_DATA = 4, ADD_LEVEL = 8;
    public static final int POLLIN = 1, POLLPRI = 2, POLLOUT = 4, POLLERR = 8, POLLHUP = 0x10, POLLRDHUP = 0x2000;
}
