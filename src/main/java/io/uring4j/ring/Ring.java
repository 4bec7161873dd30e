package io.uring4j.ring;

import io.uring4j.ErrnoException;
import io.uring4j.FeatureUnavailableException;
import io.uring4j.IoUringUnavailableException;
import io.uring4j.sys.CqringOffsets;
import io.uring4j.sys.Errno;
import io.uring4j.sys.GeteventsArg;
import io.uring4j.sys.IoUringCqe;
import io.uring4j.sys.IoUringParams;
import io.uring4j.sys.IoUringSqe;
import io.uring4j.sys.KernelTimespec;
import io.uring4j.sys.Native;
import io.uring4j.sys.SqringOffsets;
import io.uring4j.sys.Sys;
import io.uring4j.sys.SyscallNumbers;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * An io_uring instance: the fd, its mapped submission and completion queues, and the protocol
 * that moves entries through them.
 *
 * <h2>Threading</h2>
 * A ring is single-issuer: one thread at a time prepares SQEs, submits, waits and reaps. The first
 * thread to do so owns the ring; any other thread gets an {@link IllegalStateException} until the
 * owner calls {@link #releaseOwnership()}. {@link #close()} may be called from any thread.
 *
 * <h2>Memory ordering</h2>
 * The head/tail words are shared with the kernel (and, under SQPOLL, with a kernel thread running
 * concurrently). The SQ tail is published with a release store so the kernel sees complete SQEs;
 * the CQ tail is read with an acquire load so the CQE contents are visible; the CQ head is
 * released so the kernel does not overwrite CQEs still being read. Under SQPOLL a full fence
 * separates the tail store from the NEED_WAKEUP read, or the two can be reordered and the poller
 * left asleep with work queued (liburing's io_uring_smp_mb in sq_ring_needs_enter).
 *
 * <h2>Results</h2>
 * Hot-path calls return the kernel's result ({@code -errno} on failure, as liburing does); cold
 * paths (setup, register) throw {@link ErrnoException}.
 */
public final class Ring implements AutoCloseable {
    private static final VarHandle INT = JAVA_INT.varHandle();
    static final long OFF_SQ_RING = 0, OFF_CQ_RING = 0x8000000L, OFF_SQES = 0x10000000L;
    private static final int SIGSET_SIZE = 8; // _NSIG / 8 on Linux

    private final Arena arena = Arena.ofShared();
    private final int fd;
    private final int setupFlags;
    private final int features;
    private final int sqEntries, cqEntries;
    private final int sqMask, cqMask;
    private final int sqeShift, cqeShift;
    private final boolean sqPoll, ioPoll, criticalSubmit;

    private final MemorySegment sqRing, cqRing, sqes;
    private final long sqHead, sqTail, sqFlags, sqDropped;
    private final long cqHead, cqTail, cqOverflow, cqFlags, cqes;

    private final MemorySegment errno;
    private final MemorySegment extArg, extTs;
    private final Sqe sqe;
    private final Cqe cqe;

    /** Local copies: the SQE tail not yet published, and the CQ head we own. */
    private int sqeTail, sqeHead;
    /**
     * The kernel's SQ head as last read. It only moves forward, so a stale value can only make the
     * queue look fuller than it is: re-read it only when the queue looks full.
     *
     * <p>Invariant: every free slot, [sqeTail, cachedSqHead + sqEntries), is zero. The kernel is done
     * with an SQE once its head has passed it (FEAT_SUBMIT_STABLE: the kernel copies what it needs at
     * submission), so slots are zeroed in bulk when the head is re-read, and {@link #nextSqe()} hands
     * out a zeroed entry without writing it. The mapping starts zeroed.
     */
    private int cachedSqHead;
    /** Source of zeroes for the bulk clear of consumed SQEs (a copy needs no slice object). */
    private static final MemorySegment ZEROES = Arena.global().allocate(8192, 64);
    private static final java.lang.foreign.ValueLayout.OfLong LONG_UNALIGNED = java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
    private int localCqHead;

    /** fd or registered index given to io_uring_enter, and the flag that says which. */
    private int enterFd;
    private int enterFlags;

    /** io_uring_enter calls made (package-private: tests prove SQPOLL submits without entering). */
    long enterCalls;

    /**
     * The issuing thread. A plain field, not volatile: a volatile read is an acquire barrier, and
     * one per {@link #nextSqe()} kept C2 from keeping the SQE view's segment checks out of a prep
     * loop. Plain is enough: every write is made under the lock; a thread that sees its own
     * Thread here is the owner (it wrote it, and its later writes, release or close, it sees in
     * program order); any other value sends it to {@link #claim}, which decides under the lock.
     * {@link #close()} stores {@link #CLOSED}, so the one check also catches use after close.
     */
    private Thread owner;
    private volatile boolean closed;
    /** The owner of a closed ring: never a running thread, so every check falls through to claim(). */
    private static final Thread CLOSED = Thread.ofVirtual().unstarted(() -> {});
    private Runnable closeHook;

    public static RingBuilder builder() { return new RingBuilder(); }

    /** A ring with default options and {@code entries} SQ entries. */
    public static Ring open(int entries) throws ErrnoException { return builder().entries(entries).build(); }

    Ring(RingBuilder b) throws ErrnoException {
        try (Arena tmp = Arena.ofConfined()) {
            MemorySegment p = tmp.allocate(IoUringParams.LAYOUT);
            int flags = b.effectiveFlags();
            long r = setup(p, b, flags);
            if (r == -Errno.EINVAL && (flags & SetupFlags.NO_SQARRAY) != 0 && (b.flags & SetupFlags.NO_SQARRAY) == 0) {
                flags &= ~SetupFlags.NO_SQARRAY; // kernel before 6.6: fall back to the SQ index array
                r = setup(p, b, flags);
            }
            if (r == -Errno.ENOSYS || r == -Errno.EPERM) throw new IoUringUnavailableException((int) -r);
            if (r < 0) throw new ErrnoException((int) -r, "io_uring_setup", "entries=" + b.entries + " flags=" + SetupFlags.names(flags));
            this.fd = (int) r;
            this.enterFd = fd;
            this.setupFlags = flags;
            this.features = p.get(JAVA_INT, IoUringParams.FEATURES);
            this.sqEntries = p.get(JAVA_INT, IoUringParams.SQ_ENTRIES);
            this.cqEntries = p.get(JAVA_INT, IoUringParams.CQ_ENTRIES);
            this.sqPoll = (flags & SetupFlags.SQPOLL) != 0;
            this.ioPoll = (flags & SetupFlags.IOPOLL) != 0;
            this.criticalSubmit = b.criticalSubmit;
            this.sqeShift = (flags & SetupFlags.SQE128) != 0 ? 7 : 6;
            this.cqeShift = (flags & SetupFlags.CQE32) != 0 ? 5 : 4;
            long so = IoUringParams.SQ_OFF, co = IoUringParams.CQ_OFF;
            int sqArray = p.get(JAVA_INT, so + SqringOffsets.ARRAY);
            int cqesOff = p.get(JAVA_INT, co + CqringOffsets.CQES);
            long sqSize = (flags & SetupFlags.NO_SQARRAY) != 0
                    ? p.get(JAVA_INT, so + SqringOffsets.DROPPED) + 4L
                    : sqArray + 4L * sqEntries;
            long cqSize = cqesOff + ((long) cqEntries << cqeShift);
            try {
                if ((features & Feature.SINGLE_MMAP.bit()) != 0) {
                    long size = Math.max(sqSize, cqSize);
                    sqRing = cqRing = map(size, OFF_SQ_RING);
                } else {
                    sqRing = map(sqSize, OFF_SQ_RING);
                    cqRing = map(cqSize, OFF_CQ_RING);
                }
                sqes = map((long) sqEntries << sqeShift, OFF_SQES);
            } catch (ErrnoException e) {
                arena.close();
                Sys.close(fd);
                throw e;
            }
            sqHead = p.get(JAVA_INT, so + SqringOffsets.HEAD);
            sqTail = p.get(JAVA_INT, so + SqringOffsets.TAIL);
            sqFlags = p.get(JAVA_INT, so + SqringOffsets.FLAGS);
            sqDropped = p.get(JAVA_INT, so + SqringOffsets.DROPPED);
            sqMask = sqRing.get(JAVA_INT, p.get(JAVA_INT, so + SqringOffsets.RING_MASK));
            cqHead = p.get(JAVA_INT, co + CqringOffsets.HEAD);
            cqTail = p.get(JAVA_INT, co + CqringOffsets.TAIL);
            cqOverflow = p.get(JAVA_INT, co + CqringOffsets.OVERFLOW);
            cqFlags = p.get(JAVA_INT, co + CqringOffsets.FLAGS);
            cqes = cqesOff;
            cqMask = cqRing.get(JAVA_INT, p.get(JAVA_INT, co + CqringOffsets.RING_MASK));
            if ((flags & SetupFlags.NO_SQARRAY) == 0) {
                // An identity index array, written once: SQE slot i is always submitted as entry i.
                for (int i = 0; i < sqEntries; i++) sqRing.set(JAVA_INT, sqArray + 4L * i, i);
            }
            sqeTail = sqeHead = (int) INT.getAcquire(sqRing, sqTail);
            cachedSqHead = (int) INT.getAcquire(sqRing, sqHead);
            localCqHead = (int) INT.getAcquire(cqRing, cqHead);
        }
        // An automatic arena, not the ring's shared one: a downcall acquires and releases the session
        // of every segment it is passed, which for a shared arena is two atomic updates per
        // io_uring_enter; an implicit session's acquire is a no-op, and the GC frees the buffer.
        errno = Native.newErrnoBuffer(Arena.ofAuto());
        extArg = arena.allocate(GeteventsArg.LAYOUT);
        extTs = arena.allocate(KernelTimespec.LAYOUT);
        sqe = new Sqe(sqes, (setupFlags & SetupFlags.SQE128) != 0);
        cqe = new Cqe(cqRing, (setupFlags & SetupFlags.CQE32) != 0);
    }

    private static long setup(MemorySegment p, RingBuilder b, int flags) {
        p.fill((byte) 0);
        p.set(JAVA_INT, IoUringParams.FLAGS, flags);
        if ((flags & SetupFlags.CQSIZE) != 0) p.set(JAVA_INT, IoUringParams.CQ_ENTRIES, b.cqEntries);
        if ((flags & SetupFlags.SQ_AFF) != 0) p.set(JAVA_INT, IoUringParams.SQ_THREAD_CPU, b.sqThreadCpu);
        if ((flags & SetupFlags.SQPOLL) != 0) p.set(JAVA_INT, IoUringParams.SQ_THREAD_IDLE, b.sqThreadIdleMillis);
        if ((flags & SetupFlags.ATTACH_WQ) != 0) p.set(JAVA_INT, IoUringParams.WQ_FD, b.attachWqFd);
        return Sys.syscall(SyscallNumbers.IO_URING_SETUP, b.entries, p.address(), 0, 0, 0, 0);
    }

    private MemorySegment map(long size, long offset) throws ErrnoException {
        long addr = Sys.mmap(0, size, Sys.PROT_READ | Sys.PROT_WRITE, Sys.MAP_SHARED | Sys.MAP_POPULATE, fd, offset);
        if (addr < 0) throw new ErrnoException((int) -addr, "mmap", "io_uring ring at offset 0x" + Long.toHexString(offset));
        return MemorySegment.ofAddress(addr).reinterpret(size, arena, s -> Sys.munmap(addr, size));
    }

    // ---------------------------------------------------------------- facts

    public int fd() { return fd; }

    /** The IORING_SETUP_* flags the ring was created with (including NO_SQARRAY if the kernel took it). */
    public int setupFlags() { return setupFlags; }

    public int features() { return features; }

    public boolean hasFeature(Feature f) { return f.in(features); }

    public int sqEntries() { return sqEntries; }

    public int cqEntries() { return cqEntries; }

    /** The arena that owns this ring's mappings; closed with the ring. */
    public Arena arena() { return arena; }

    public boolean isClosed() { return closed; }

    // ---------------------------------------------------------------- ownership

    private void checkOwner() {
        Thread t = Thread.currentThread();
        if (owner != t) claim(t);
    }

    private void claim(Thread t) {
        checkOpen();
        synchronized (this) {
            if (owner == null) owner = t;
            else if (owner != t)
                throw new IllegalStateException("ring fd " + fd + " is owned by thread '" + owner.getName()
                        + "'; a ring is single-issuer: call releaseOwnership() on the owner first");
        }
    }

    /** Lets another thread become the issuer; call from the owning thread. */
    public synchronized void releaseOwnership() {
        if (closed) return;
        if (owner != null && owner != Thread.currentThread())
            throw new IllegalStateException("only the owning thread '" + owner.getName() + "' can release the ring");
        owner = null;
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("ring fd " + fd + " is closed");
    }

    // ---------------------------------------------------------------- submission queue

    /**
     * The next free SQE, zeroed, or {@code null} when the submission queue is full (submit to
     * make room). The returned object is a view reused by the next call: finish preparing it first.
     */
    public Sqe nextSqe() {
        checkOwner();
        int tail = sqeTail;
        if (tail - cachedSqHead >= sqEntries && tail - refreshSqHead() >= sqEntries) return null;
        sqeTail = tail + 1;
        return sqe.at((long) (tail & sqMask) << sqeShift);
    }

    /** Re-reads the kernel's SQ head and zeroes the slots it has consumed since the last read. */
    private int refreshSqHead() {
        int head = sqPoll ? (int) INT.getAcquire(sqRing, sqHead) : (int) INT.get(sqRing, sqHead);
        int from = cachedSqHead, n = head - from;
        if (n > 0) {
            int start = from & sqMask;
            int first = Math.min(n, sqEntries - start);
            zero((long) start << sqeShift, (long) first << sqeShift);
            if (n > first) zero(0, (long) (n - first) << sqeShift);
            cachedSqHead = head;
        }
        return head;
    }

    private void zero(long offset, long bytes) {
        // One entry (one SQE per enter, or an SQE128): straight-line stores. A loop here, even a
        // short one, is compiled with vector pre/main/post set-up that costs more than the stores.
        if (bytes == 64) {
            zero64(offset);
            return;
        }
        if (bytes == 128) {
            zero64(offset);
            zero64(offset + 64);
            return;
        }
        while (bytes > 0) {
            long chunk = Math.min(bytes, ZEROES.byteSize());
            MemorySegment.copy(ZEROES, 0, sqes, offset, chunk);
            offset += chunk;
            bytes -= chunk;
        }
    }

    private void zero64(long o) {
        MemorySegment s = sqes;
        s.set(LONG_UNALIGNED, o, 0L);
        s.set(LONG_UNALIGNED, o + 8, 0L);
        s.set(LONG_UNALIGNED, o + 16, 0L);
        s.set(LONG_UNALIGNED, o + 24, 0L);
        s.set(LONG_UNALIGNED, o + 32, 0L);
        s.set(LONG_UNALIGNED, o + 40, 0L);
        s.set(LONG_UNALIGNED, o + 48, 0L);
        s.set(LONG_UNALIGNED, o + 56, 0L);
    }

    /** As {@link #nextSqe()}, but a full queue is an exception naming the size. */
    public Sqe sqe() {
        Sqe s = nextSqe();
        if (s == null)
            throw new IllegalStateException("submission queue full: " + sqEntries + " entries prepared and not yet "
                    + "consumed by the kernel; call submit() first");
        return s;
    }

    /** SQEs prepared and not yet consumed by the kernel. */
    public int sqReady() {
        return sqeTail - (int) INT.getAcquire(sqRing, sqHead);
    }

    /** Free SQE slots. */
    public int sqSpace() {
        return sqEntries - sqReady();
    }

    /** SQEs the kernel refused as invalid (SQ dropped counter). */
    public int sqDropped() {
        return (int) INT.getAcquire(sqRing, sqDropped);
    }

    /** The SQ ring's flags word (NEED_WAKEUP, CQ_OVERFLOW, TASKRUN). */
    public int sqFlags() {
        return (int) INT.getOpaque(sqRing, sqFlags);
    }

    private int flushSq() {
        int tail = sqeTail;
        if (sqeHead != tail) {
            sqeHead = tail;
            INT.setRelease(sqRing, sqTail, tail);
        }
        // Without SQPOLL the kernel consumes SQEs only inside io_uring_enter, and every enter that
        // submits is followed by refreshSqHead(): the cached head is exact, no acquire load needed.
        return tail - (sqPoll ? (int) INT.getAcquire(sqRing, sqHead) : cachedSqHead);
    }

    private boolean cqNeedsFlush() {
        return (sqFlags() & (RingFlags.SQ_CQ_OVERFLOW | RingFlags.SQ_TASKRUN)) != 0;
    }

    /**
     * Submits prepared SQEs; returns how many the kernel consumed (under SQPOLL: how many this call
     * handed to the polling thread), or {@code -errno}.
     */
    public int submit() {
        return submitAndWait(0);
    }

    /**
     * Submits prepared SQEs and waits until at least {@code waitNr} completions are ready.
     * Returns the number of SQEs submitted, or {@code -errno}. EINTR is retried.
     */
    public int submitAndWait(int waitNr) {
        checkOwner();
        // Under SQPOLL the poller may consume entries before flushSq() reads the head back, so the
        // pending count can be 0 although this call handed SQEs over (liburing returns that pending
        // count; we return what this call published, the number a caller can reason about).
        int published = sqeTail - sqeHead;
        int submitted = flushSq();
        int flags = enterFlags;
        boolean enter = waitNr > 0 || ioPoll;
        if (submitted > 0) {
            if (!sqPoll) enter = true;
            else {
                VarHandle.fullFence(); // see class comment: tail store must be visible before reading NEED_WAKEUP
                if ((sqFlags() & RingFlags.SQ_NEED_WAKEUP) != 0) {
                    flags |= EnterFlags.SQ_WAKEUP;
                    enter = true;
                }
            }
        }
        if (waitNr > 0 || ioPoll || cqNeedsFlush()) {
            flags |= EnterFlags.GETEVENTS;
            enter = true;
        }
        if (!enter) return sqPoll ? published : submitted;
        int toSubmit = sqPoll ? 0 : submitted;
        long r;
        do {
            r = enter0(toSubmit, waitNr, flags, 0, 0);
        } while (r == -Errno.EINTR);
        // Clear what the kernel just consumed now, off the prep path: nextSqe() then finds room
        // without its refresh call, which stays cold, and C2 compiles a prep loop free of calls.
        if (toSubmit > 0) refreshSqHead();
        return sqPoll && r >= 0 ? published : (int) r;
    }

    /**
     * Submits and waits for {@code waitNr} completions with a timeout (IORING_ENTER_EXT_ARG), and
     * optionally a {@code minWaitUsec} after which the wait returns with whatever has arrived.
     * Returns the number of CQEs ready, or {@code -ETIME} when the kernel reported the timeout
     * (it only does when nothing was submitted in the same call), or another {@code -errno}.
     */
    public int submitAndWait(int waitNr, long timeoutNanos, int minWaitUsec) {
        checkOwner();
        if ((features & Feature.EXT_ARG.bit()) == 0)
            throw new UnsupportedOperationException("timed waits require IORING_FEAT_EXT_ARG (kernel >= 5.11)");
        if (timeoutNanos < 0) throw new IllegalArgumentException("timeoutNanos=" + timeoutNanos + " must be >= 0");
        if (minWaitUsec < 0) throw new IllegalArgumentException("minWaitUsec=" + minWaitUsec + " must be >= 0");
        int submitted = flushSq();
        int flags = enterFlags | EnterFlags.GETEVENTS | EnterFlags.EXT_ARG;
        if (sqPoll && submitted > 0) {
            VarHandle.fullFence();
            if ((sqFlags() & RingFlags.SQ_NEED_WAKEUP) != 0) flags |= EnterFlags.SQ_WAKEUP;
        }
        extTs.set(JAVA_LONG, KernelTimespec.TV_SEC, timeoutNanos / 1_000_000_000L);
        extTs.set(JAVA_LONG, KernelTimespec.TV_NSEC, timeoutNanos % 1_000_000_000L);
        extArg.set(JAVA_LONG, GeteventsArg.SIGMASK, 0);
        extArg.set(JAVA_INT, GeteventsArg.SIGMASK_SZ, SIGSET_SIZE);
        extArg.set(JAVA_INT, GeteventsArg.MIN_WAIT_USEC, minWaitUsec);
        extArg.set(JAVA_LONG, GeteventsArg.TS, extTs.address());
        long r;
        do {
            r = enter0(sqPoll ? 0 : submitted, waitNr, flags, extArg.address(), GeteventsArg.SIZE);
        } while (r == -Errno.EINTR);
        if (!sqPoll && submitted > 0) refreshSqHead(); // as in submitAndWait(int)
        if (r < 0) return (int) r;
        return cqReady();
    }

    /** Waits (no submission) for {@code waitNr} completions with a timeout; see {@link #submitAndWait(int, long, int)}. */
    public int waitCqes(int waitNr, long timeoutNanos) {
        return submitAndWait(waitNr, timeoutNanos, 0);
    }

    // ---------------------------------------------------------------- registered waits (issue 4)
    // The whole of Ring's part in registered wait arguments: two calls that take a WaitSlot (the
    // slot knows its offset, flags and fallback) and the generic EXT_ARG wait they are built on.
    // Region registration, slot layout and the fallback live in io.uring4j.register.

    /**
     * Submits prepared SQEs and waits for {@code waitNr} completions with the parameters held in
     * a registered wait slot (timeout, min-wait, signal mask): the kernel reads them from the
     * region registered at setup instead of copying an argument on every call. Returns as
     * {@link #submitAndWait(int, long, int)} does; {@code -EINTR} only when the slot sets a
     * signal mask (that is what a mask is for), otherwise interrupted waits are retried.
     *
     * @throws IllegalArgumentException if the slot belongs to another ring
     */
    public int submitAndWait(int waitNr, io.uring4j.register.WaitSlot slot) {
        return slot.await(this, waitNr, true);
    }

    /** As {@link #submitAndWait(int, io.uring4j.register.WaitSlot)}, without publishing prepared SQEs. */
    public int waitCqes(int waitNr, io.uring4j.register.WaitSlot slot) {
        return slot.await(this, waitNr, false);
    }

    /**
     * The wait region registered for this ring ({@link RingBuilder#waitSlots(int)}).
     *
     * @throws IllegalStateException if the ring has none
     */
    public io.uring4j.register.WaitRegion waitRegion() {
        return io.uring4j.register.WaitRegion.of(this);
    }

    /**
     * Optionally publishes prepared SQEs, then io_uring_enter with GETEVENTS|EXT_ARG|{@code flags}
     * and {@code arg}/{@code argSize} passed through: a pointer to io_uring_getevents_arg, or with
     * IORING_ENTER_EXT_ARG_REG a byte offset into the registered wait region. Handles the SQPOLL
     * wake-up like the other submit calls. Returns the CQEs ready, or {@code -errno}.
     * The building block of {@link io.uring4j.register.WaitSlot}; most callers want the slot calls.
     */
    public int submitAndWaitExtArg(int waitNr, boolean submit, int flags, long arg, long argSize, boolean retryEintr) {
        checkOwner();
        int submitted = submit ? flushSq() : 0;
        flags |= enterFlags | EnterFlags.GETEVENTS | EnterFlags.EXT_ARG;
        if (sqPoll && submitted > 0) {
            VarHandle.fullFence(); // see class comment
            if ((sqFlags() & RingFlags.SQ_NEED_WAKEUP) != 0) flags |= EnterFlags.SQ_WAKEUP;
        }
        long r;
        do {
            r = enter0(sqPoll ? 0 : submitted, waitNr, flags, arg, argSize);
        } while (r == -Errno.EINTR && retryEintr);
        if (!sqPoll && submitted > 0) refreshSqHead(); // as in submitAndWait(int)
        return r < 0 ? (int) r : cqReady();
    }
    // ---------------------------------------------------------------- end of registered waits

    /**
     * io_uring_enter exactly as given; the building block for the registered-wait path and for
     * tests that show what the kernel does with arguments the library never produces.
     */
    public long enter(int toSubmit, int minComplete, int flags, long arg, long argSize) {
        checkOpen();
        long r = enter0(toSubmit, minComplete, flags, arg, argSize);
        // keeps the cached SQ head exact (see flushSq); only the issuer touches the ring's own state
        if (!sqPoll && toSubmit > 0 && owner == Thread.currentThread()) refreshSqHead();
        return r;
    }

    /**
     * io_uring_enter for the ring's own paths, which have passed checkOwner() (it catches a closed
     * ring too) and re-read the SQ head themselves: no volatile read of {@code closed} here, whose
     * acquire barrier would make C2 redo every segment check after it.
     */
    private long enter0(int toSubmit, int minComplete, int flags, long arg, long argSize) {
        enterCalls++;
        flags |= enterFlags & EnterFlags.REGISTERED_RING;
        if (criticalSubmit && (flags & (EnterFlags.GETEVENTS | EnterFlags.SQ_WAIT)) == 0)
            return Sys.syscallNonBlocking(errno, SyscallNumbers.IO_URING_ENTER, enterFd, toSubmit, minComplete, flags, arg, argSize);
        return Sys.syscall(errno, SyscallNumbers.IO_URING_ENTER, enterFd, toSubmit, minComplete, flags, arg, argSize);
    }

    /**
     * Makes later io_uring_enter calls use a registered ring index (IORING_ENTER_REGISTERED_RING),
     * which saves the fd lookup on every enter; {@code index < 0} switches back to the plain fd.
     */
    public void useRegisteredRingIndex(int index) {
        if (index < 0) {
            enterFd = fd;
            enterFlags &= ~EnterFlags.REGISTERED_RING;
        } else {
            enterFd = index;
            enterFlags |= EnterFlags.REGISTERED_RING;
        }
    }

    // ---------------------------------------------------------------- completion queue

    /** Completions ready to be reaped. */
    public int cqReady() {
        return (int) INT.getAcquire(cqRing, cqTail) - localCqHead;
    }

    /** The kernel's count of completions lost to overflow (stays 0 with FEAT_NODROP). */
    public int cqOverflowCount() {
        return (int) INT.getAcquire(cqRing, cqOverflow);
    }

    /** The CQ ring's flags word (IORING_CQ_EVENTFD_DISABLED). */
    public int cqFlags() {
        return (int) INT.getOpaque(cqRing, cqFlags);
    }

    public void cqFlags(int flags) {
        INT.setRelease(cqRing, cqFlags, flags);
    }

    /**
     * The oldest unreaped completion, or {@code null}. The view stays valid until
     * {@link #cqeSeen()} / {@link #cqAdvance(int)}; it is reused by the next peek.
     */
    public Cqe peekCqe() {
        checkOwner();
        int head = localCqHead;
        if ((int) INT.getAcquire(cqRing, cqTail) == head) {
            if (!cqNeedsFlush()) return null;
            getEvents(0);
            if ((int) INT.getAcquire(cqRing, cqTail) == head) return null;
        }
        return cqe.at(cqes + ((long) (head & cqMask) << cqeShift));
    }

    /** The oldest completion, waiting for one if none is ready; {@code null} only if the wait failed. */
    public Cqe waitCqe() {
        Cqe c;
        while ((c = peekCqe()) == null) {
            long r = getEvents(1);
            if (r < 0) return null;
        }
        return c;
    }

    private long getEvents(int min) {
        long r;
        do {
            r = enter0(0, min, enterFlags | EnterFlags.GETEVENTS, 0, 0);
        } while (r == -Errno.EINTR);
        return r;
    }

    /** Marks the CQE returned by {@link #peekCqe()} as consumed. */
    public void cqeSeen() {
        cqAdvance(1);
    }

    /** Marks {@code n} completions consumed, letting the kernel reuse their slots. */
    public void cqAdvance(int n) {
        checkOwner();
        localCqHead += n;
        INT.setRelease(cqRing, cqHead, localCqHead);
    }

    /**
     * Hands every ready completion to {@code handler} in order and consumes them; returns how many.
     * The CQ head is published once, after the batch (or when the handler throws).
     */
    public int forEachCqe(CqeHandler handler) {
        checkOwner();
        int start = localCqHead, head = start;
        int tail = (int) INT.getAcquire(cqRing, cqTail);
        if (head == tail && cqNeedsFlush()) {
            getEvents(0);
            tail = (int) INT.getAcquire(cqRing, cqTail);
        }
        try {
            while (head != tail) {
                handler.handle(cqe.at(cqes + ((long) (head & cqMask) << cqeShift)));
                head++;
            }
        } finally {
            if (head != start) {
                localCqHead = head;
                INT.setRelease(cqRing, cqHead, head);
            }
        }
        return head - start;
    }

    // ---------------------------------------------------------------- register / enable / probe

    /**
     * io_uring_register(2): the single entry point for every registration. Returns the kernel's
     * non-negative result or throws with the opcode's name and the errno.
     */
    public int register(int opcode, MemorySegment arg, int nrArgs) throws ErrnoException {
        long r = registerRaw(opcode, arg == null ? 0 : arg.address(), nrArgs);
        if (r < 0) throw new ErrnoException((int) -r, "io_uring_register", RegisterOp.name(opcode));
        return (int) r;
    }

    /** io_uring_register exactly as given, returning {@code -errno}; EINTR is retried. */
    public long registerRaw(int opcode, long arg, int nrArgs) {
        checkOpen();
        long r;
        do {
            // the thread's own errno buffer: registration may come from any thread
            r = Sys.syscall(SyscallNumbers.IO_URING_REGISTER, fd, opcode, arg, nrArgs, 0, 0);
        } while (r == -Errno.EINTR);
        return r;
    }

    /** Enables a ring created with {@link RingBuilder#disabled()} (IORING_REGISTER_ENABLE_RINGS). */
    public void enable() throws ErrnoException {
        register(RegisterOp.ENABLE_RINGS, null, 0);
    }

    /** Which operations this kernel supports (IORING_REGISTER_PROBE). */
    public ProbeResult probe() throws ErrnoException {
        return ProbeResult.of(this);
    }

    /** Throws {@link FeatureUnavailableException} unless the kernel supports {@code op}. */
    public void requireOp(Opcode op, String sinceKernel) throws ErrnoException {
        if (!probe().supports(op))
            throw new FeatureUnavailableException("IORING_OP_" + op.name(), sinceKernel, Errno.EINVAL, "io_uring_register");
    }

    /** Runs {@code hook} when the ring closes, before the fd is closed (used by registrations that own memory). */
    public synchronized void onClose(Runnable hook) {
        Runnable prev = closeHook;
        closeHook = prev == null ? hook : () -> { hook.run(); prev.run(); };
    }

    /**
     * Closes the ring: unmaps the queues and closes the fd. Idempotent. The kernel cancels and
     * reaps whatever is still in flight; memory registered with the ring is released by the
     * registration objects' hooks after the fd is gone.
     */
    @Override
    public void close() {
        Runnable hook;
        synchronized (this) {
            if (closed) return;
            closed = true;
            owner = CLOSED;
            hook = closeHook;
        }
        try {
            arena.close();
        } finally {
            Sys.close(fd);
            if (hook != null) hook.run();
        }
    }

    @Override
    public String toString() {
        return "Ring[fd=" + fd + ", sq=" + sqEntries + ", cq=" + cqEntries + ", flags=" + SetupFlags.names(setupFlags) + "]";
    }
}
