package io.uring4j.ring;

import io.uring4j.sys.Errno;

/**
 * Bookkeeping for one multishot request (accept, recv, read, poll, timeout, uring_cmd): arms it
 * under a fixed {@code user_data}, classifies each of its CQEs, and makes re-arming explicit.
 *
 * <p>The kernel keeps a multishot request alive while its CQEs carry {@code F_MORE}. The first CQE
 * without it ends the request, and only the application can start it again:
 * <pre>{@code
 * Multishot recv = new Multishot(ud, sqe -> sqe.prepRecvMultishot(fd, bgid, 0));
 * recv.arm(ring);
 * ... for each CQE with user_data ud:
 *     switch (recv.onCqe(cqe)) {
 *         case MORE  -> {}                                   // still armed
 *         case REARM -> { giveBuffersBack(); recv.arm(ring); } // e.g. -ENOBUFS: the group ran dry
 *         case DONE  -> {}                                   // EOF, cancelled, or an error: lastResult()
 *     }
 * }</pre>
 * Not thread-safe: use it from the ring's issuing thread.
 */
public final class Multishot {
    /** What a CQE means for the request. */
    public enum Outcome {
        /** F_MORE: the request is still armed. */
        MORE,
        /**
         * The request ended although the source can deliver more: -ENOBUFS (provided buffers ran dry:
         * give buffers back first), or a final success (the CQ was full, a poll update, ...). Arm again.
         */
        REARM,
        /** The request ended for good: EOF (0), cancellation (-ECANCELED), -ETIME of a counted timeout, an error. */
        DONE
    }

    /** Writes the request into an SQE; {@link #arm} sets the user_data afterwards. */
    @FunctionalInterface
    public interface Prep {
        void prep(Sqe sqe);
    }

    private final long userData;
    private final Prep prep;
    private boolean armed, cancelRequested;
    private int arms, lastResult;
    private long cqes;

    public Multishot(long userData, Prep prep) {
        this.userData = userData;
        this.prep = prep;
    }

    public long userData() { return userData; }

    /** Prepares the request in the next SQE (submit it yourself). Throws if it is still armed. */
    public Sqe arm(Ring ring) {
        if (armed) throw new IllegalStateException("multishot request user_data=" + userData + " is still armed");
        Sqe sqe = ring.sqe();
        prep.prep(sqe);
        sqe.userData(userData);
        armed = true;
        cancelRequested = false;
        arms++;
        return sqe;
    }

    /** Classifies a CQE of this request and updates the armed state. */
    public Outcome onCqe(Cqe cqe) {
        if (cqe.userData() != userData)
            throw new IllegalArgumentException("CQE user_data=" + cqe.userData() + " belongs to another request than " + userData);
        cqes++;
        if (cqe.hasMore()) return Outcome.MORE;
        armed = false;
        lastResult = cqe.res();
        return cancelRequested ? Outcome.DONE : endOutcome(lastResult);
    }

    /** How a final (no F_MORE) result is treated: see {@link Outcome}. */
    public static Outcome endOutcome(int res) {
        return res > 0 || res == -Errno.ENOBUFS ? Outcome.REARM : Outcome.DONE;
    }

    /**
     * Prepares an ASYNC_CANCEL of this request (matched by its user_data); the cancel's own CQE carries
     * {@code cancelUserData}. The request then ends with -ECANCELED (or its last CQE), and
     * {@link #onCqe} reports DONE.
     */
    public Sqe cancel(Ring ring, long cancelUserData) {
        if (cancelUserData == userData)
            throw new IllegalArgumentException("the cancel needs its own user_data, not the request's " + userData);
        cancelRequested = true;
        return ring.sqe().prepCancel(userData, 0).userData(cancelUserData);
    }

    public boolean isArmed() { return armed; }

    /** How many times {@link #arm} prepared the request (1 + re-arms). */
    public int arms() { return arms; }

    /** Re-arms so far. */
    public int rearms() { return Math.max(0, arms - 1); }

    /** CQEs seen for this request over all its arms. */
    public long cqes() { return cqes; }

    /** {@code res} of the CQE that last ended the request. */
    public int lastResult() { return lastResult; }

    @Override
    public String toString() {
        return "Multishot[user_data=" + userData + ", armed=" + armed + ", arms=" + arms + ", cqes=" + cqes
                + (armed ? "" : ", last=" + (lastResult < 0 ? "-" + Errno.name(-lastResult) : lastResult)) + "]";
    }
}
