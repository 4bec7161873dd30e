package io.uring4j.loop;

/**
 * Receives the CQEs of an id from {@link EventLoop#register}, on the loop thread. The values are
 * copied out of the CQ ring, so they stay valid after the call. Must not block.
 */
@FunctionalInterface
public interface CqeCallback {
    /** {@code res}: result or {@code -errno}; {@code flags}: IORING_CQE_F_* ({@link io.uring4j.ring.CqeFlags}). */
    void onCqe(int res, int flags);
}
