package io.uring4j.register;

import io.uring4j.ErrnoException;
import io.uring4j.FeatureUnavailableException;
import io.uring4j.KernelInfo;
import io.uring4j.ring.EnterFlags;
import io.uring4j.ring.RegisterOp;
import io.uring4j.ring.Ring;
import io.uring4j.ring.SetupFlags;
import io.uring4j.sys.ClockRegister;
import io.uring4j.sys.Errno;
import io.uring4j.sys.GeteventsArg;
import io.uring4j.sys.MemRegionReg;
import io.uring4j.sys.RegWait;
import io.uring4j.sys.RegionDesc;
import io.uring4j.sys.Sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * A ring's registered wait arguments: one region of {@link WaitSlot}s that the kernel reads wait
 * parameters from (timeout, min-wait, signal mask), so a wait passes a slot instead of having a
 * fresh {@code io_uring_getevents_arg} copied in on every call (IORING_ENTER_EXT_ARG_REG, 6.13).
 *
 * <h2>Kernel contract this class hides</h2>
 * The region is registered with IORING_REGISTER_MEM_REGION + IORING_MEM_REGION_REG_WAIT_ARG,
 * which the kernel only accepts while the ring is still disabled (IORING_SETUP_R_DISABLED; later
 * is EINVAL, because waiters are not synchronised with the registration) and only once (EBUSY).
 * A wait passes a byte offset into the region with argsz = 64; an offset that is not a multiple
 * of 8 or whose entry does not fit is EFAULT, another argsz EINVAL. Slots are addressed by index
 * here and the offset is {@code index * 64}, as in liburing, so none of those errors can come
 * from this library. {@link io.uring4j.ring.RingBuilder#waitSlots(int)} does the whole
 * disabled → register → enable sequence.
 *
 * <h2>Lifetime</h2>
 * The region memory (user pages the kernel pins, or the kernel's own pages mapped at the offset
 * it reports) is tied to the ring's arena: it is unmapped when the ring closes, never before.
 * After close every slot operation is an {@link IllegalStateException}.
 *
 * <h2>Fallback</h2>
 * See {@link WaitRegionSpec}: without kernel support the same slots drive plain EXT_ARG waits,
 * unless the spec is strict.
 */
public final class WaitRegion {
    /** Region flag IORING_MEM_REGION_TYPE_USER and registration flag IORING_MEM_REGION_REG_WAIT_ARG. */
    static final int MEM_REGION_TYPE_USER = 1, MEM_REGION_REG_WAIT_ARG = 1;
    /** {@code io_uring_reg_wait.flags}: the timespec is valid. */
    static final int REG_WAIT_TS = 1;

    private final Ring ring;
    private final int slotCount;
    private final MemorySegment memory;
    private final boolean registered;
    private final boolean kernelAllocated;
    private final long mmapOffset;
    /** The EXT_ARG argument the fallback builds from a slot; the ring is single-issuer, so one suffices. */
    private final MemorySegment fallbackArg;
    private final WaitSlot[] slots;
    private volatile WaitClock clock = WaitClock.MONOTONIC;

    private WaitRegion(Ring ring, int slotCount, MemorySegment memory, boolean registered, boolean kernelAllocated,
                       long mmapOffset) {
        this.ring = ring;
        this.slotCount = slotCount;
        this.memory = memory;
        this.registered = registered;
        this.kernelAllocated = kernelAllocated;
        this.mmapOffset = mmapOffset;
        this.fallbackArg = registered ? null : ring.arena().allocate(GeteventsArg.LAYOUT);
        this.slots = new WaitSlot[slotCount];
    }

    // ---------------------------------------------------------------- registration

    /**
     * Registers a wait region with {@code ring}, which must have been built {@code disabled()} and
     * not yet enabled; the caller enables it afterwards. Most code uses
     * {@link io.uring4j.ring.RingBuilder#waitSlots(WaitRegionSpec)}, which does all of this.
     *
     * @throws IllegalStateException if the ring is closed, already has a region, or is enabled
     * @throws FeatureUnavailableException if the kernel lacks registered waits and the spec is strict,
     *                                     or lacks IORING_REGISTER_CLOCK and a clock was asked for
     */
    public static WaitRegion register(Ring ring, WaitRegionSpec spec) throws ErrnoException {
        RingState st = RingState.of(ring);
        WaitRegion region;
        synchronized (st) {
            WaitRegion existing = st.waitRegion;
            if (existing != null)
                throw new IllegalStateException("ring fd " + ring.fd() + " already has a wait region of "
                        + existing.slotCount + " slots; the kernel allows one per ring (a second one is EBUSY): "
                        + "declare all the slots you need in one waitSlots(n)");
            if (!isDisabled(ring))
                throw new IllegalStateException("ring fd " + ring.fd() + " is enabled: a wait region can only be registered "
                        + "while the ring is disabled (IORING_SETUP_R_DISABLED; the kernel says EINVAL afterwards). Use "
                        + "Ring.builder().waitSlots(n), or build with disabled(), register, then enable()");
            region = create(ring, spec);
            st.waitRegion = region;
        }
        if (spec.clock != null) region.useClock(spec.clock);
        return region;
    }

    /**
     * The region registered with {@code ring}.
     *
     * @throws IllegalStateException if the ring is closed or has no wait region
     */
    public static WaitRegion of(Ring ring) {
        RingState st = RingState.of(ring);
        WaitRegion r;
        synchronized (st) {
            r = st.waitRegion;
        }
        if (r == null)
            throw new IllegalStateException("ring fd " + ring.fd() + " has no wait region: build it with "
                    + "Ring.builder().waitSlots(n)");
        return r;
    }

    /** An enter on a disabled ring is EBADFD; on an enabled one, with nothing to do, it returns 0. */
    private static boolean isDisabled(Ring ring) {
        return (ring.setupFlags() & SetupFlags.R_DISABLED) != 0 && ring.enter(0, 0, 0, 0, 0) == -Errno.EBADFD;
    }

    private static WaitRegion create(Ring ring, WaitRegionSpec spec) throws ErrnoException {
        long size = roundUpToPage((long) spec.slots * RegWait.SIZE);
        if (spec.pretendUnsupported) return unsupported(ring, spec, size);
        if (spec.kernelAllocated) {
            long r = registerRegion(ring, 0, size);
            if (r >= 0) return mapKernelRegion(ring, spec, size, r);
            // 6.13 took only user memory (EINVAL for a kernel-allocated region): fall back to user memory
            if (r != -Errno.EINVAL || spec.strict && KernelInfo.atLeast(6, 13))
                throw failure(r, spec, size, "kernel-allocated");
        }
        long addr = Sys.mmap(0, size, Sys.PROT_READ | Sys.PROT_WRITE,
                Sys.MAP_PRIVATE | Sys.MAP_ANONYMOUS | Sys.MAP_POPULATE, -1, 0);
        if (addr < 0) throw new ErrnoException((int) -addr, "mmap", "wait region of " + size + " bytes");
        long r = registerRegion(ring, addr, size);
        if (r < 0) {
            Sys.munmap(addr, size);
            if (r == -Errno.EINVAL && !KernelInfo.atLeast(6, 13)) return unsupported(ring, spec, size);
            throw failure(r, spec, size, "user memory");
        }
        return new WaitRegion(ring, spec.slots, owned(ring, addr, size), true, false, 0);
    }

    /** IORING_REGISTER_MEM_REGION with REG_WAIT_ARG; returns the mmap offset for a kernel region, or -errno. */
    private static long registerRegion(Ring ring, long userAddr, long size) {
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment desc = tmp.allocate(RegionDesc.LAYOUT);   // zeroed: id, mmap_offset, __resv must be 0
            desc.set(JAVA_LONG, RegionDesc.USER_ADDR, userAddr);
            desc.set(JAVA_LONG, RegionDesc.SIZE_FIELD, size);
            desc.set(JAVA_INT, RegionDesc.FLAGS, userAddr != 0 ? MEM_REGION_TYPE_USER : 0);
            MemorySegment reg = tmp.allocate(MemRegionReg.LAYOUT);
            reg.set(JAVA_LONG, MemRegionReg.REGION_UPTR, desc.address());
            reg.set(JAVA_LONG, MemRegionReg.FLAGS, MEM_REGION_REG_WAIT_ARG);
            long r = ring.registerRaw(RegisterOp.MEM_REGION, reg.address(), 1);
            // the kernel writes the offset to mmap a region it allocated back into the descriptor
            return r < 0 ? r : desc.get(JAVA_LONG, RegionDesc.MMAP_OFFSET);
        }
    }

    private static WaitRegion mapKernelRegion(Ring ring, WaitRegionSpec spec, long size, long offset) throws ErrnoException {
        long addr = Sys.mmap(0, size, Sys.PROT_READ | Sys.PROT_WRITE, Sys.MAP_SHARED | Sys.MAP_POPULATE, ring.fd(), offset);
        // The region stays registered (and kernel pages allocated) until the ring is freed; the ring
        // cannot be used for waits without the mapping, so the caller closes it.
        if (addr < 0) throw new ErrnoException((int) -addr, "mmap", "kernel wait region at offset 0x" + Long.toHexString(offset));
        return new WaitRegion(ring, spec.slots, owned(ring, addr, size), true, true, offset);
    }

    private static WaitRegion unsupported(Ring ring, WaitRegionSpec spec, long size) throws ErrnoException {
        if (spec.strict)
            throw new FeatureUnavailableException("registered wait arguments (IORING_REGISTER_MEM_REGION with "
                    + "IORING_MEM_REGION_REG_WAIT_ARG, IORING_ENTER_EXT_ARG_REG)", "6.13", Errno.EINVAL, "io_uring_register");
        if ((ring.features() & io.uring4j.ring.Feature.EXT_ARG.bit()) == 0)
            throw new FeatureUnavailableException("timed waits (IORING_FEAT_EXT_ARG)", "5.11", Errno.EINVAL, "io_uring_enter");
        long addr = Sys.mmap(0, size, Sys.PROT_READ | Sys.PROT_WRITE, Sys.MAP_PRIVATE | Sys.MAP_ANONYMOUS, -1, 0);
        if (addr < 0) throw new ErrnoException((int) -addr, "mmap", "wait slots of " + size + " bytes");
        return new WaitRegion(ring, spec.slots, owned(ring, addr, size), false, false, 0);
    }

    private static ErrnoException failure(long r, WaitRegionSpec spec, long size, String kind) {
        String what = "MEM_REGION(REG_WAIT_ARG, " + kind + ", " + spec.slots + " slots = " + size + " bytes)";
        if (r == -Errno.EINVAL && spec.kernelAllocated && spec.strict)
            return new FeatureUnavailableException("kernel-allocated wait region (IORING_MEM_REGION without TYPE_USER)",
                    "6.14", Errno.EINVAL, "io_uring_register");
        return new ErrnoException((int) -r, "io_uring_register", what);
    }

    private static MemorySegment owned(Ring ring, long addr, long size) {
        return MemorySegment.ofAddress(addr).reinterpret(size, ring.arena(), s -> Sys.munmap(addr, size));
    }

    private static long roundUpToPage(long n) {
        return (n + Sys.PAGE_SIZE - 1) & -Sys.PAGE_SIZE;
    }

    // ---------------------------------------------------------------- use

    /**
     * Slot {@code index}, the same object on every call.
     *
     * @throws IndexOutOfBoundsException if {@code index} is outside the slots declared
     */
    public WaitSlot slot(int index) {
        checkOpen();
        if (index < 0 || index >= slotCount)
            throw new IndexOutOfBoundsException("wait slot index=" + index + " slots=" + slotCount
                    + " (declared with waitSlots(" + slotCount + "))");
        synchronized (slots) {
            WaitSlot s = slots[index];
            if (s == null) slots[index] = s = new WaitSlot(this, index);
            return s;
        }
    }

    /** The slots declared. */
    public int slotCount() { return slotCount; }

    public Ring ring() { return ring; }

    /**
     * True when the kernel reads the slots from the registered region (IORING_ENTER_EXT_ARG_REG);
     * false on the EXT_ARG fallback (kernel before 6.13), where each wait copies an argument built
     * from the slot.
     */
    public boolean isRegistered() { return registered; }

    /** True when the kernel allocated the region and it is mapped from the ring fd. */
    public boolean isKernelAllocated() { return kernelAllocated; }

    /** The clock timeouts and deadlines are measured on (IORING_REGISTER_CLOCK). */
    public WaitClock clock() { return clock; }

    /**
     * Registers {@code clock} for this ring's waits (IORING_REGISTER_CLOCK, since 6.12): absolute
     * deadlines ({@link WaitSlot#deadline(long)}) are read on it from then on, for every slot and
     * for the ring's plain timed waits too. May be changed at any time.
     */
    public void useClock(WaitClock clock) throws ErrnoException {
        checkOpen();
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment reg = tmp.allocate(ClockRegister.LAYOUT);
            reg.set(JAVA_INT, ClockRegister.CLOCKID, clock.clockId());
            long r = ring.registerRaw(RegisterOp.CLOCK, reg.address(), 0);
            if (r == -Errno.EINVAL && !KernelInfo.atLeast(6, 12))
                throw new FeatureUnavailableException("IORING_REGISTER_CLOCK", "6.12", Errno.EINVAL, "io_uring_register");
            ErrnoException.check(r, "io_uring_register", "CLOCK(" + clock + ")");
        }
        this.clock = clock;
    }

    // ---------------------------------------------------------------- for WaitSlot

    MemorySegment memory() { return memory; }

    /** Region size in bytes (page multiple); package-private for the tests that probe the kernel's bounds. */
    long byteSize() { return memory.byteSize(); }

    /** The offset the kernel reported for a kernel-allocated region (0 otherwise). */
    long mmapOffset() { return mmapOffset; }

    void checkOpen() {
        if (ring.isClosed()) throw new IllegalStateException("ring fd " + ring.fd() + " is closed; its wait slots are gone");
    }

    /** The EXT_ARG fallback: a getevents_arg whose timespec pointer is the slot's own timespec. */
    int fallbackWait(WaitSlot slot, int waitNr, boolean submit, int flags, boolean retryEintr) {
        long base = slot.offset();
        MemorySegment a = fallbackArg;
        a.set(JAVA_LONG, GeteventsArg.SIGMASK, memory.get(JAVA_LONG, base + RegWait.SIGMASK));
        a.set(JAVA_INT, GeteventsArg.SIGMASK_SZ, memory.get(JAVA_INT, base + RegWait.SIGMASK_SZ));
        a.set(JAVA_INT, GeteventsArg.MIN_WAIT_USEC, memory.get(JAVA_INT, base + RegWait.MIN_WAIT_USEC));
        boolean ts = (memory.get(JAVA_INT, base + RegWait.FLAGS) & REG_WAIT_TS) != 0;
        a.set(JAVA_LONG, GeteventsArg.TS, ts ? memory.address() + base + RegWait.TS : 0L);
        return ring.submitAndWaitExtArg(waitNr, submit, flags, a.address(), GeteventsArg.SIZE, retryEintr);
    }

    int registeredWait(WaitSlot slot, int waitNr, boolean submit, int flags, boolean retryEintr) {
        return ring.submitAndWaitExtArg(waitNr, submit, flags | EnterFlags.EXT_ARG_REG, slot.offset(), RegWait.SIZE, retryEintr);
    }

    @Override
    public String toString() {
        return "WaitRegion[ring fd=" + ring.fd() + ", slots=" + slotCount + ", "
                + (registered ? (kernelAllocated ? "kernel-allocated" : "user memory") : "EXT_ARG fallback")
                + ", clock=" + clock + "]";
    }
}
