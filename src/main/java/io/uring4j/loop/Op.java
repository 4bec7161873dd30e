package io.uring4j.loop;

import io.uring4j.ring.CqeFlags;
import io.uring4j.ring.Sqe;

import java.util.concurrent.CompletableFuture;

/**
 * A unit of work handed to an {@link EventLoop}: it is its own queue node (no wrapper allocated
 * per submission) and, for the futures API, its own {@link CompletableFuture}.
 *
 * <p>Life cycle: a caller thread builds it and pushes it onto the loop's queue; the loop thread
 * pops it, calls {@link #runOnLoop}, which for an I/O operation takes a slot (its user_data), lets
 * {@link #prep} fill the SQE(s), and later hands each CQE to {@link #onCqe}. The op stays in the
 * slot table — and so keeps every segment it references reachable — until its final CQE.
 */
abstract class Op<T> extends CompletableFuture<T> {
    /** MPSC link; written by producers with release semantics (see {@link EventLoop}). */
    volatile Op<?> next;

    /** user_data while in flight (generation << 32 | slot); 0 before submission. Loop thread only. */
    long userData;

    /** The loop this op was given to; set by {@link EventLoop#enqueue}. */
    EventLoop loop;

    /** What the loop does with the node once popped: by default, submit it as I/O. */
    void runOnLoop(EventLoop l) {
        l.submitOp(this);
    }

    /** SQEs this op needs (an op with a linked timeout needs two). */
    int sqeCount() {
        return 1;
    }

    /** Fills {@code sqe} (already zeroed); the loop sets user_data afterwards. Loop thread. */
    abstract void prep(Sqe sqe, EventLoop l);

    /** Whether a CQE with these flags is the op's last (its slot is then freed before {@link #onCqe}). */
    boolean isFinal(int cqeFlags) {
        return (cqeFlags & CqeFlags.MORE) == 0;
    }

    /** One CQE for this op. Loop thread; must not block. */
    abstract void onCqe(int res, int flags);

    /** The op will never be submitted (loop closed, or preparing it failed). */
    void abort(Throwable cause) {
        completeExceptionally(cause);
    }

    /** Short description for error messages, e.g. {@code READ fd=5 len=4096 off=0}. */
    String describe() {
        return getClass().getSimpleName();
    }
}
