package io.uring4j.uffd;

import io.uring4j.sys.Sys;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A range registered with a {@link FaultHandlingService}: owns its mapping (an Arena whose close
 * munmaps it) and says how its faults are resolved. Also the lifecycle shared by all region
 * kinds: accesses that may fault are counted in-flight, and closing drains them before it
 * unregisters and unmaps (see {@link FaultHandlingService} for why).
 */
abstract sealed class ManagedRegion permits LazyRegion, TrackedRegion {
    static final long PAGE = Sys.PAGE_SIZE;
    static final int PAGE_SHIFT = Long.numberOfTrailingZeros(PAGE);
    private static final int OPEN = 0, CLOSING = 1, CLOSED = 2;

    final FaultHandlingService service;
    final Arena arena;
    final MemorySegment segment;
    final long base, size;
    /** Pages known to be mapped: set only after the kernel confirmed it (a COPY, or a populate that returned 0). */
    private final long[] resident;
    /** user-mode-only uffds cannot poison (a SIGBUS in native code kills the JVM): failed pages are marked here instead. */
    private final long[] failed;
    private static final VarHandle BITS = MethodHandles.arrayElementVarHandle(long[].class);
    private final AtomicInteger inflight = new AtomicInteger();
    private final AtomicInteger state = new AtomicInteger(OPEN);
    /** Set when draining timed out: new faults are answered with poison instead of data. */
    volatile boolean failing;

    ManagedRegion(FaultHandlingService service, Arena arena, MemorySegment segment) {
        this.service = service;
        this.arena = arena;
        this.segment = segment;
        this.base = segment.address();
        this.size = segment.byteSize();
        int words = (int) (((size >>> PAGE_SHIFT) + 63) >>> 6);
        this.resident = new long[words];
        this.failed = new long[words];
    }

    final boolean contains(long address) {
        return address - base >= 0 && address - base < size;
    }

    /** Resolves one fault on this region; runs on a handler thread. */
    abstract void resolve(FaultHandlingService.Handler h, long address, long flags);

    // ------------------------------------------------------------ residency

    final boolean isResidentPage(long page) {
        // acquire pairs with the release in markBits: whoever set the bit saw the page mapped first
        return ((long) BITS.getAcquire(resident, (int) (page >>> 6)) & (1L << page)) != 0;
    }

    /** Marks the pages of [offset, offset+len) resident. */
    final void markResident(long offset, long len) {
        markBits(resident, offset, len);
    }

    final void markFailed(long offset, long len) {
        markBits(failed, offset, len);
    }

    final boolean anyFailed(long offset, long len) {
        for (long p = offset >>> PAGE_SHIFT, end = (offset + len + PAGE - 1) >>> PAGE_SHIFT; p < end; p++)
            if (((long) BITS.getAcquire(failed, (int) (p >>> 6)) & (1L << p)) != 0) return true;
        return false;
    }

    private static void markBits(long[] bits, long offset, long len) {
        if (len <= 0) return;
        long first = offset >>> PAGE_SHIFT, last = (offset + len - 1) >>> PAGE_SHIFT;
        for (long p = first; p <= last; ) {
            long wordLast = Math.min(last, p | 63);
            int lo = (int) (p & 63), hi = (int) (wordLast & 63);
            long mask = (hi == 63 ? -1L : (1L << (hi + 1)) - 1) & (-1L << lo);
            int w = (int) (p >>> 6);
            if (((long) BITS.getAcquire(bits, w) & mask) != mask) {
                long ignored = (long) BITS.getAndBitwiseOrRelease(bits, w, mask);
            }
            p = wordLast + 1;
        }
    }

    /** Number of pages known resident. */
    public final long residentPages() {
        long n = 0;
        for (int i = 0; i < resident.length; i++) n += Long.bitCount((long) BITS.getAcquire(resident, i));
        return n;
    }

    // ------------------------------------------------------------ lifecycle

    /** Marks the start of an access that may fault; throws once closing began. */
    final void enter() {
        inflight.incrementAndGet();
        if (state.get() != OPEN) {
            inflight.decrementAndGet();
            throw new IllegalStateException(getClass().getSimpleName() + " is closed");
        }
    }

    final void exit() {
        inflight.decrementAndGet();
    }

    /** Accesses currently between {@link #enter} and {@link #exit} (tests, diagnostics). */
    final int inflightAccesses() {
        return inflight.get();
    }

    public final boolean isOpen() { return state.get() == OPEN; }

    final void checkOpen() {
        if (state.get() != OPEN) throw new IllegalStateException(getClass().getSimpleName() + " is closed");
    }

    /**
     * Drain-then-close: refuse new accesses, let the handler finish the in-flight ones (their
     * faults get real data), then — if any still wait after the drain timeout — poison the pages
     * still missing so they fail instead of hanging; finally unregister (before unmapping, as the
     * kernel wants) and unmap. Idempotent.
     */
    public void close() {
        if (!state.compareAndSet(OPEN, CLOSING)) {
            while (state.get() != CLOSED) LockSupport.parkNanos(1_000_000);
            return;
        }
        try {
            if (!awaitDrained(service.drainTimeoutNanos())) {
                failing = true;
                failMissingPages();
                awaitDrained(1_000_000_000L);
            }
            service.release(this);
            arena.close();
            closeResources();
        } finally {
            state.set(CLOSED);
        }
    }

    /** Region-specific cleanup after unmapping (page sources). */
    void closeResources() {}

    private boolean awaitDrained(long timeoutNanos) {
        long deadline = System.nanoTime() + timeoutNanos;
        while (inflight.get() > 0) {
            if (System.nanoTime() - deadline > 0) return false;
            LockSupport.parkNanos(200_000);
        }
        return true;
    }

    /** Answers every page not known resident with a failure, waking whoever waits there. */
    void failMissingPages() {
        long pages = size >>> PAGE_SHIFT;
        for (long p = 0; p < pages; ) {
            if (isResidentPage(p)) { p++; continue; }
            long q = p;
            while (q < pages && !isResidentPage(q)) q++;
            service.failRange(this, p << PAGE_SHIFT, (q - p) << PAGE_SHIFT);
            p = q;
        }
    }
}
