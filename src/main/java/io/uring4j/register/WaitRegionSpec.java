package io.uring4j.register;

/**
 * What a ring's wait region should be: how many slots, whose memory, what to do on a kernel
 * without registered waits, and the clock absolute deadlines are measured on. Given to
 * {@link io.uring4j.ring.RingBuilder#waitSlots(WaitRegionSpec)} or {@link WaitRegion#register}.
 *
 * <h2>Fallback (the decision)</h2>
 * By default a kernel without registered waits (before 6.13: IORING_REGISTER_MEM_REGION is
 * EINVAL) still gets a working region: the slots live in ordinary memory and every slot wait is
 * made with a plain IORING_ENTER_EXT_ARG argument built from the slot, so code written against
 * slots runs everywhere and only loses the saved copy. {@link WaitRegion#isRegistered()} tells
 * which path is in use. {@link #strict()} turns that case into a
 * {@link io.uring4j.FeatureUnavailableException} at registration instead. A kernel-allocated
 * region on 6.13 (which only takes user memory) falls back to user memory the same way.
 */
public final class WaitRegionSpec {
    /**
     * Slots per region. The kernel has no limit of its own below 2^31 pages; this one keeps the
     * region (locked memory, charged to RLIMIT_MEMLOCK for unprivileged users) at 4 MiB.
     */
    public static final int MAX_SLOTS = 65536;

    final int slots;
    boolean kernelAllocated;
    boolean strict;
    WaitClock clock;
    boolean pretendUnsupported;

    private WaitRegionSpec(int slots) {
        if (slots < 1 || slots > MAX_SLOTS)
            throw new IllegalArgumentException("slots=" + slots + " must be in 1.." + MAX_SLOTS);
        this.slots = slots;
    }

    /** A region of {@code slots} wait slots in page-aligned memory the library allocates. */
    public static WaitRegionSpec slots(int slots) {
        return new WaitRegionSpec(slots);
    }

    /**
     * Let the kernel allocate the region (IORING_MEM_REGION without TYPE_USER, since 6.14); the
     * library maps it at the offset the kernel reports back (0x20000000 on 6.18).
     */
    public WaitRegionSpec kernelAllocated() {
        kernelAllocated = true;
        return this;
    }

    /** Fail with {@link io.uring4j.FeatureUnavailableException} instead of falling back to EXT_ARG waits. */
    public WaitRegionSpec strict() {
        strict = true;
        return this;
    }

    /**
     * Register {@code clock} (IORING_REGISTER_CLOCK) for the ring's waits: absolute deadlines
     * ({@link WaitSlot#deadline(long)}) are read on it. The kernel default is MONOTONIC.
     */
    public WaitRegionSpec clock(WaitClock clock) {
        this.clock = java.util.Objects.requireNonNull(clock, "clock");
        return this;
    }

    /**
     * Tests only: behave as on a kernel without IORING_REGISTER_MEM_REGION (register nothing),
     * so the fallback path can be exercised on a kernel that has it.
     */
    WaitRegionSpec pretendKernelLacksRegisteredWaits() {
        pretendUnsupported = true;
        return this;
    }

    public int slotCount() { return slots; }

    public boolean isKernelAllocated() { return kernelAllocated; }

    public boolean isStrict() { return strict; }

    @Override
    public String toString() {
        return "WaitRegionSpec[slots=" + slots + (kernelAllocated ? ", kernel-allocated" : ", user memory")
                + (strict ? ", strict" : "") + (clock != null ? ", clock=" + clock : "") + "]";
    }
}
