package io.uring4j.ring;

import io.uring4j.ErrnoException;

/**
 * Setup options for a {@link Ring}. Every prerequisite the kernel enforces between setup flags
 * is checked in {@link #build()} first, so a mistake is named instead of reported as a bare EINVAL.
 */
public final class RingBuilder {
    /** The kernel's IORING_MAX_ENTRIES and IORING_MAX_CQ_ENTRIES. */
    public static final int MAX_ENTRIES = 32768, MAX_CQ_ENTRIES = 2 * MAX_ENTRIES;

    int entries = 128;
    int cqEntries;
    int flags;
    int sqThreadCpu = -1;
    int sqThreadIdleMillis;
    int attachWqFd = -1;
    boolean noSqArray = true;
    boolean criticalSubmit = true;
    io.uring4j.register.WaitRegionSpec waitSpec;

    RingBuilder() {}

    /** Submission queue size; the kernel rounds it up to a power of two. 1..32768 unless {@link #clamp()}. */
    public RingBuilder entries(int entries) { this.entries = entries; return this; }

    /** Completion queue size (IORING_SETUP_CQSIZE); must be at least the SQ size. */
    public RingBuilder cqEntries(int cqEntries) { this.cqEntries = cqEntries; flags |= SetupFlags.CQSIZE; return this; }

    /** Raw IORING_SETUP_* bits, OR-ed into whatever the other options set. */
    public RingBuilder flags(int setupFlags) { this.flags |= setupFlags; return this; }

    /** A kernel thread polls the SQ; it sleeps after {@code idleMillis} without work. */
    public RingBuilder sqPoll(int idleMillis) { flags |= SetupFlags.SQPOLL; sqThreadIdleMillis = idleMillis; return this; }

    /** Pins the SQPOLL thread to a CPU (IORING_SETUP_SQ_AFF); requires {@link #sqPoll}. */
    public RingBuilder sqPollCpu(int cpu) { flags |= SetupFlags.SQ_AFF; sqThreadCpu = cpu; return this; }

    public RingBuilder ioPoll() { flags |= SetupFlags.IOPOLL; return this; }

    public RingBuilder clamp() { flags |= SetupFlags.CLAMP; return this; }

    /** Share the async worker pool of another ring (IORING_SETUP_ATTACH_WQ). */
    public RingBuilder attachWq(Ring other) { flags |= SetupFlags.ATTACH_WQ; attachWqFd = other.fd(); return this; }

    /** Create the ring disabled (IORING_SETUP_R_DISABLED); call {@link Ring#enable()} before submitting. */
    public RingBuilder disabled() { flags |= SetupFlags.R_DISABLED; return this; }

    public RingBuilder submitAll() { flags |= SetupFlags.SUBMIT_ALL; return this; }

    public RingBuilder coopTaskrun() { flags |= SetupFlags.COOP_TASKRUN; return this; }

    public RingBuilder taskrunFlag() { flags |= SetupFlags.TASKRUN_FLAG; return this; }

    public RingBuilder sqe128() { flags |= SetupFlags.SQE128; return this; }

    public RingBuilder cqe32() { flags |= SetupFlags.CQE32; return this; }

    public RingBuilder singleIssuer() { flags |= SetupFlags.SINGLE_ISSUER; return this; }

    /** IORING_SETUP_DEFER_TASKRUN (implies SINGLE_ISSUER): completions are run only when the owner waits. */
    public RingBuilder deferTaskrun() { flags |= SetupFlags.DEFER_TASKRUN | SetupFlags.SINGLE_ISSUER; return this; }

    /**
     * Whether to ask for IORING_SETUP_NO_SQARRAY (the default, as in liburing); when the kernel
     * refuses it (before 6.6) the ring is set up again with the SQ index array.
     */
    public RingBuilder noSqArray(boolean on) { this.noSqArray = on; return this; }

    /**
     * Submit-only io_uring_enter calls (no GETEVENTS) are made as critical downcalls, which skip
     * the thread-state transition. They never wait, so a GC safepoint is delayed only by the
     * submission itself. On by default.
     */
    public RingBuilder criticalSubmit(boolean on) { this.criticalSubmit = on; return this; }

    /**
     * Declares {@code slots} registered wait slots (see {@link io.uring4j.register.WaitRegion}):
     * the ring is created disabled, the region registered, and the ring enabled again, unless
     * {@link #disabled()} was asked for too. Falls back to plain EXT_ARG waits on kernels without
     * registered waits (before 6.13); use {@link #waitSlots(io.uring4j.register.WaitRegionSpec)}
     * with {@code strict()} to fail instead.
     */
    public RingBuilder waitSlots(int slots) {
        return waitSlots(io.uring4j.register.WaitRegionSpec.slots(slots));
    }

    /** As {@link #waitSlots(int)}, with the region's memory, fallback and clock chosen by {@code spec}. */
    public RingBuilder waitSlots(io.uring4j.register.WaitRegionSpec spec) {
        this.waitSpec = java.util.Objects.requireNonNull(spec, "spec");
        return this;
    }

    int effectiveFlags() {
        int f = noSqArray ? flags | SetupFlags.NO_SQARRAY : flags;
        // registered waits can only be registered while the ring is disabled (kernel: EINVAL otherwise)
        return waitSpec != null ? f | SetupFlags.R_DISABLED : f;
    }

    void validate() {
        int f = flags;
        if ((f & ~SetupFlags.KNOWN) != 0)
            throw new IllegalArgumentException("unknown IORING_SETUP bits 0x" + Integer.toHexString(f & ~SetupFlags.KNOWN));
        boolean clamp = (f & SetupFlags.CLAMP) != 0;
        if (entries < 1 || (!clamp && entries > MAX_ENTRIES))
            throw new IllegalArgumentException("entries=" + entries + " must be in 1.." + MAX_ENTRIES + " (or use clamp())");
        if ((f & SetupFlags.CQSIZE) != 0) {
            if (cqEntries < 1 || (!clamp && cqEntries > MAX_CQ_ENTRIES))
                throw new IllegalArgumentException("cqEntries=" + cqEntries + " must be in 1.." + MAX_CQ_ENTRIES + " (or use clamp())");
            if (cqEntries < Math.min(entries, MAX_ENTRIES))
                throw new IllegalArgumentException("cqEntries=" + cqEntries + " must be >= entries=" + entries);
        }
        require(f, SetupFlags.SQ_AFF, SetupFlags.SQPOLL, "SQ_AFF (sqPollCpu) requires SQPOLL");
        require(f, SetupFlags.HYBRID_IOPOLL, SetupFlags.IOPOLL, "HYBRID_IOPOLL requires IOPOLL");
        require(f, SetupFlags.DEFER_TASKRUN, SetupFlags.SINGLE_ISSUER, "DEFER_TASKRUN requires SINGLE_ISSUER");
        require(f, SetupFlags.REGISTERED_FD_ONLY, SetupFlags.NO_MMAP, "REGISTERED_FD_ONLY requires NO_MMAP");
        if ((f & SetupFlags.TASKRUN_FLAG) != 0 && (f & (SetupFlags.COOP_TASKRUN | SetupFlags.DEFER_TASKRUN)) == 0)
            throw new IllegalArgumentException("TASKRUN_FLAG requires COOP_TASKRUN or DEFER_TASKRUN");
        if ((f & SetupFlags.DEFER_TASKRUN) != 0 && (f & SetupFlags.SQPOLL) != 0)
            throw new IllegalArgumentException("DEFER_TASKRUN cannot be combined with SQPOLL");
        if ((f & SetupFlags.ATTACH_WQ) != 0 && attachWqFd < 0)
            throw new IllegalArgumentException("ATTACH_WQ requires the ring to attach to (attachWq(ring))");
        if ((f & SetupFlags.NO_MMAP) != 0)
            throw new UnsupportedOperationException("NO_MMAP (application-provided ring memory) is not supported: "
                    + "uring4j maps the kernel's rings so their sizes are exact and tied to the ring's lifetime");
        if ((f & SetupFlags.CQE_MIXED) != 0)
            throw new UnsupportedOperationException("CQE_MIXED is not supported yet; use cqe32() for 32-byte CQEs");
        if ((f & SetupFlags.SQPOLL) != 0 && sqThreadIdleMillis < 0)
            throw new IllegalArgumentException("sqPoll idle=" + sqThreadIdleMillis + " ms must be >= 0");
    }

    private static void require(int f, int flag, int needed, String rule) {
        if ((f & flag) != 0 && (f & needed) == 0) throw new IllegalArgumentException(rule);
    }

    /** Creates the ring. */
    public Ring build() throws ErrnoException {
        validate();
        Ring ring = new Ring(this);
        if (waitSpec != null) {
            // R_DISABLED -> MEM_REGION(REG_WAIT_ARG) -> ENABLE_RINGS, done here so callers never order it
            try {
                io.uring4j.register.WaitRegion.register(ring, waitSpec);
                if ((flags & SetupFlags.R_DISABLED) == 0) ring.enable();
            } catch (ErrnoException | RuntimeException | Error e) {
                ring.close();
                throw e;
            }
        }
        return ring;
    }
}
