package io.uring4j.register;

import io.uring4j.KernelInfo;
import io.uring4j.ring.EnterFlags;
import io.uring4j.ring.Feature;
import io.uring4j.ring.Ring;
import io.uring4j.sys.KernelTimespec;
import io.uring4j.sys.RegWait;

import java.lang.foreign.MemorySegment;
import java.time.Duration;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * One registered wait argument ({@code struct io_uring_reg_wait}) in a ring's {@link WaitRegion}:
 * a timeout (relative, or an absolute deadline on the ring's {@link WaitClock}), a min-wait and a
 * signal mask, written in place into memory the kernel reads at the start of each wait that names
 * this slot. Change it between waits as often as needed: nothing is registered again.
 *
 * <pre>{@code
 * try (Ring ring = Ring.builder().waitSlots(2).build()) {
 *     WaitSlot slot = ring.waitRegion().slot(0).timeout(Duration.ofMillis(5));
 *     ring.sqe().prepNop();
 *     int ready = ring.submitAndWait(1, slot);   // or slot.submitAndWait(1)
 * }
 * }</pre>
 *
 * <h2>Threading</h2>
 * Like the ring, a slot is meant for the ring's issuing thread: the kernel reads it during the
 * owner's io_uring_enter, so the owner's own writes are always seen. Another thread changing a
 * slot needs its own happens-before edge with the owner.
 */
public final class WaitSlot {
    private final WaitRegion region;
    private final int index;
    private final long base;
    private final MemorySegment mem;
    /** IORING_ENTER_ABS_TIMER is a flag of the enter call, not of the slot: remembered here. */
    private boolean absolute;
    private MemorySegment sigset;

    WaitSlot(WaitRegion region, int index) {
        this.region = region;
        this.index = index;
        this.base = (long) index * RegWait.SIZE;  // liburing's rule: 64-byte entries, so always 8-aligned
        this.mem = region.memory();
    }

    public int index() { return index; }

    public WaitRegion region() { return region; }

    /** Byte offset passed to io_uring_enter; package-private: callers never deal in offsets. */
    long offset() { return base; }

    // ---------------------------------------------------------------- timeout

    /** Wait at most {@code nanos} from the start of each wait (ns, >= 0). */
    public WaitSlot timeout(long nanos) {
        if (nanos < 0) throw new IllegalArgumentException("timeout nanos=" + nanos + " must be >= 0");
        setTs(nanos);
        absolute = false;
        return this;
    }

    public WaitSlot timeout(Duration d) {
        return timeout(d.toNanos());
    }

    /**
     * Wait until the absolute time {@code clockNanos} on the ring's clock ({@link WaitRegion#clock()},
     * read it with {@link WaitClock#now()}); a deadline already past returns at once. Uses
     * IORING_ENTER_ABS_TIMER (kernel >= 6.12).
     */
    public WaitSlot deadline(long clockNanos) {
        if (clockNanos < 0) throw new IllegalArgumentException("deadline clockNanos=" + clockNanos + " must be >= 0");
        if (!KernelInfo.atLeast(6, 12))
            throw new UnsupportedOperationException("absolute wait deadlines require IORING_ENTER_ABS_TIMER (kernel >= 6.12); "
                    + "running kernel " + KernelInfo.release());
        setTs(clockNanos);
        absolute = true;
        return this;
    }

    /** No timeout: waits until the completions arrive (or a signal in the mask's complement). */
    public WaitSlot noTimeout() {
        region.checkOpen();
        mem.set(JAVA_LONG, base + RegWait.TS + KernelTimespec.TV_SEC, 0L);
        mem.set(JAVA_LONG, base + RegWait.TS + KernelTimespec.TV_NSEC, 0L);
        // the whole word, not a bit: REG_WAIT_TS is the only flag, and any other bit is EINVAL
        mem.set(JAVA_INT, base + RegWait.FLAGS, 0);
        absolute = false;
        return this;
    }

    private void setTs(long nanos) {
        region.checkOpen();
        mem.set(JAVA_LONG, base + RegWait.TS + KernelTimespec.TV_SEC, nanos / 1_000_000_000L);
        mem.set(JAVA_LONG, base + RegWait.TS + KernelTimespec.TV_NSEC, nanos % 1_000_000_000L);
        mem.set(JAVA_INT, base + RegWait.FLAGS, WaitRegion.REG_WAIT_TS);
    }

    public boolean hasTimeout() {
        region.checkOpen();
        return (mem.get(JAVA_INT, base + RegWait.FLAGS) & WaitRegion.REG_WAIT_TS) != 0;
    }

    public boolean isAbsolute() { return absolute && hasTimeout(); }

    /** The relative timeout or absolute deadline in ns, or -1 when there is none. */
    public long timeoutNanos() {
        if (!hasTimeout()) return -1;
        return mem.get(JAVA_LONG, base + RegWait.TS + KernelTimespec.TV_SEC) * 1_000_000_000L
                + mem.get(JAVA_LONG, base + RegWait.TS + KernelTimespec.TV_NSEC);
    }

    // ---------------------------------------------------------------- min-wait

    /**
     * After {@code micros}, return as soon as at least one completion is ready even if fewer than
     * asked for have arrived; 0 turns it off. Needs IORING_FEAT_MIN_TIMEOUT (kernel >= 6.12).
     */
    public WaitSlot minWaitMicros(int micros) {
        if (micros < 0) throw new IllegalArgumentException("minWait micros=" + micros + " must be >= 0");
        region.checkOpen();
        if (micros > 0 && !region.ring().hasFeature(Feature.MIN_TIMEOUT))
            throw new UnsupportedOperationException("min-wait requires IORING_FEAT_MIN_TIMEOUT (kernel >= 6.12); "
                    + "running kernel " + KernelInfo.release());
        mem.set(JAVA_INT, base + RegWait.MIN_WAIT_USEC, micros);
        return this;
    }

    public WaitSlot minWait(Duration d) {
        long us = d.toNanos() / 1000;
        if (us > Integer.MAX_VALUE) throw new IllegalArgumentException("minWait " + d + " exceeds " + Integer.MAX_VALUE + " us");
        return minWaitMicros((int) us);
    }

    public int minWaitMicros() {
        region.checkOpen();
        return mem.get(JAVA_INT, base + RegWait.MIN_WAIT_USEC);
    }

    // ---------------------------------------------------------------- signal mask

    /**
     * During the wait, the thread's signal mask is replaced by one blocking exactly {@code signals}
     * (1..64), as pselect does; a signal outside it ends the wait with {@code -EINTR}, which the
     * wait calls then return instead of retrying. No arguments = block nothing.
     */
    public WaitSlot signalMask(int... signals) {
        long bits = 0;
        for (int s : signals) {
            if (s < 1 || s > 64) throw new IllegalArgumentException("signal=" + s + " must be in 1..64");
            bits |= 1L << (s - 1);
        }
        return signalMaskBits(bits);
    }

    /** As {@link #signalMask(int...)} with a raw {@code sigset_t}: bit {@code n-1} blocks signal {@code n}. */
    public WaitSlot signalMaskBits(long bits) {
        region.checkOpen();
        if (sigset == null) sigset = region.ring().arena().allocate(8, 8);  // lives and dies with the ring
        sigset.set(JAVA_LONG, 0, bits);
        mem.set(JAVA_LONG, base + RegWait.SIGMASK, sigset.address());
        mem.set(JAVA_INT, base + RegWait.SIGMASK_SZ, 8);  // the kernel's sizeof(sigset_t) (_NSIG / 8)
        return this;
    }

    /** Keep the thread's own signal mask while waiting (the default). */
    public WaitSlot noSignalMask() {
        region.checkOpen();
        mem.set(JAVA_LONG, base + RegWait.SIGMASK, 0L);
        mem.set(JAVA_INT, base + RegWait.SIGMASK_SZ, 0);
        return this;
    }

    public boolean hasSignalMask() {
        region.checkOpen();
        return mem.get(JAVA_LONG, base + RegWait.SIGMASK) != 0;
    }

    /** The mask set by {@link #signalMask}, or 0 when there is none. */
    public long signalMaskBits() {
        return hasSignalMask() ? sigset.get(JAVA_LONG, 0) : 0;
    }

    /** Back to no timeout, no min-wait, no signal mask. */
    public WaitSlot clear() {
        noTimeout();
        noSignalMask();
        mem.set(JAVA_INT, base + RegWait.MIN_WAIT_USEC, 0);
        return this;
    }

    // ---------------------------------------------------------------- waiting

    /** {@code ring.submitAndWait(waitNr, this)} on the slot's own ring. */
    public int submitAndWait(int waitNr) {
        return await(region.ring(), waitNr, true);
    }

    /** {@code ring.waitCqes(waitNr, this)} on the slot's own ring. */
    public int waitCqes(int waitNr) {
        return await(region.ring(), waitNr, false);
    }

    /** Called by {@link Ring#submitAndWait(int, WaitSlot)}; allocation-free. */
    public int await(Ring ring, int waitNr, boolean submit) {
        if (ring != region.ring())
            throw new IllegalArgumentException("wait slot " + index + " belongs to ring fd " + region.ring().fd()
                    + ", not to ring fd " + ring.fd() + ": slots are registered per ring");
        region.checkOpen();
        if (waitNr < 0) throw new IllegalArgumentException("waitNr=" + waitNr + " must be >= 0");
        int flags = absolute ? EnterFlags.ABS_TIMER : 0;
        boolean retryEintr = mem.get(JAVA_LONG, base + RegWait.SIGMASK) == 0;
        return region.isRegistered()
                ? region.registeredWait(this, waitNr, submit, flags, retryEintr)
                : region.fallbackWait(this, waitNr, submit, flags, retryEintr);
    }

    @Override
    public String toString() {
        if (region.ring().isClosed()) return "WaitSlot[" + index + ", ring closed]";
        return "WaitSlot[" + index + ", timeout=" + (hasTimeout() ? (absolute ? "deadline " : "") + timeoutNanos() + " ns" : "none")
                + ", minWait=" + minWaitMicros() + " us" + (hasSignalMask() ? ", sigmask=0x" + Long.toHexString(signalMaskBits()) : "")
                + "]";
    }
}
