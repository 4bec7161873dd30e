package io.uring4j.uffd;

import io.uring4j.ErrnoException;
import io.uring4j.sys.Errno;
import io.uring4j.sys.Sys;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * Memory whose pages are filled on first touch by a {@link FaultHandlingService}, with accessors
 * that are safe inside a JVM.
 *
 * <h2>The rule these accessors enforce</h2>
 * A plain {@link MemorySegment} access to a page that is not there yet blocks the thread in the
 * kernel while the JVM counts it as running Java code; if a safepoint (any GC) begins meanwhile,
 * the JVM waits for that thread forever and the handler thread, stopped at the safepoint on its
 * way back from read(2), never resolves the fault. So every accessor here first checks a
 * residency bitmap; a page not known to be resident is brought in through native code —
 * {@code madvise(MADV_POPULATE_READ/WRITE)} as a normal downcall, during which the thread is in
 * native state and safepoints proceed without it — and only then read directly. Pages known
 * resident are read directly at full speed. {@link #resident} hands out a slice for direct use
 * after populating it. The raw mapping is never exposed.
 *
 * <p>With a USER_MODE_ONLY uffd (no privilege), kernel-mode accesses such as madvise populate fail
 * with EFAULT, so missing pages are touched by a libc memcpy downcall instead.
 *
 * <p>A page that cannot be supplied (source error, or closing after the drain timeout) makes the
 * access throw {@link PageUnavailableException}; it never reads as zeros. After {@link #close}
 * every accessor throws {@link IllegalStateException}.
 */
public final class LazyRegion extends ManagedRegion implements AutoCloseable {
    private static final ThreadLocal<MemorySegment> TOUCH = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(8));

    private final PageSource source;                      // MISSING regions
    private final FaultHandlingService.MinorHook hook;    // MINOR regions
    private final MemorySegment backing;                  // MINOR regions: the unregistered view

    private LazyRegion(FaultHandlingService s, Arena a, MemorySegment seg, PageSource source,
                       FaultHandlingService.MinorHook hook, MemorySegment backing) {
        super(s, a, seg);
        this.source = source;
        this.hook = hook;
        this.backing = backing;
    }

    static LazyRegion missing(FaultHandlingService s, Arena a, MemorySegment seg, PageSource source) {
        return new LazyRegion(s, a, seg, source, null, null);
    }

    static LazyRegion minor(FaultHandlingService s, Arena a, MemorySegment view, MemorySegment backing,
                            FaultHandlingService.MinorHook hook) {
        return new LazyRegion(s, a, view, null, hook, backing);
    }

    public long byteSize() { return size; }

    // ------------------------------------------------------------ accessors

    // Each accessor: bounds check, then either the fast path (every page known resident: a direct
    // access) or the slow path, which brackets fault-in *and* the access with enter()/exit() so a
    // concurrent close() waits for both before unmapping. hold() does the check and the fault-in;
    // the accessor does its access and, if hold() entered, exit().

    public byte getByte(long offset) {
        boolean held = hold(offset, 1, false);
        try {
            return segment.get(JAVA_BYTE, offset);
        } finally {
            if (held) exit();
        }
    }

    public short getShort(long offset) {
        boolean held = hold(offset, 2, false);
        try {
            return segment.get(JAVA_SHORT_UNALIGNED, offset);
        } finally {
            if (held) exit();
        }
    }

    public int getInt(long offset) {
        boolean held = hold(offset, 4, false);
        try {
            return segment.get(JAVA_INT_UNALIGNED, offset);
        } finally {
            if (held) exit();
        }
    }

    public long getLong(long offset) {
        boolean held = hold(offset, 8, false);
        try {
            return segment.get(JAVA_LONG_UNALIGNED, offset);
        } finally {
            if (held) exit();
        }
    }

    public double getDouble(long offset) {
        return Double.longBitsToDouble(getLong(offset));
    }

    public void setByte(long offset, byte v) {
        boolean held = hold(offset, 1, true);
        try {
            segment.set(JAVA_BYTE, offset, v);
        } finally {
            if (held) exit();
        }
    }

    public void setInt(long offset, int v) {
        boolean held = hold(offset, 4, true);
        try {
            segment.set(JAVA_INT_UNALIGNED, offset, v);
        } finally {
            if (held) exit();
        }
    }

    public void setLong(long offset, long v) {
        boolean held = hold(offset, 8, true);
        try {
            segment.set(JAVA_LONG_UNALIGNED, offset, v);
        } finally {
            if (held) exit();
        }
    }

    /** Copies {@code dst.byteSize()} bytes from {@code offset} into {@code dst} (any segment, heap included). */
    public void copyTo(long offset, MemorySegment dst) {
        long len = dst.byteSize();
        boolean held = hold(offset, len, false);
        try {
            MemorySegment.copy(segment, offset, dst, 0, len);
        } finally {
            if (held) exit();
        }
    }

    /** Copies all of {@code src} to {@code offset}. */
    public void copyFrom(MemorySegment src, long offset) {
        long len = src.byteSize();
        boolean held = hold(offset, len, true);
        try {
            MemorySegment.copy(src, 0, segment, offset, len);
        } finally {
            if (held) exit();
        }
    }

    /**
     * Populates [offset, offset+len) and returns that slice for direct access. Safe while this
     * region is open: pages, once present, stay (the region never discards them); after close the
     * slice throws IllegalStateException like any segment of a closed arena.
     */
    public MemorySegment resident(long offset, long len) {
        populate(offset, len);
        return segment.asSlice(offset, len);
    }

    /** Brings [offset, offset+len) in now (read faults); throws if a page cannot be supplied. */
    public void populate(long offset, long len) {
        if (hold(offset, len, false)) exit();
    }

    public boolean isResident(long offset) {
        Objects.checkIndex(offset, size);
        return isResidentPage(offset >>> PAGE_SHIFT);
    }

    /** Bounds check, then whether every page of the range is known resident. */
    private boolean allResident(long offset, long len) {
        Objects.checkFromIndexSize(offset, len, size);
        if (len == 0) return true;
        for (long p = offset >>> PAGE_SHIFT, last = (offset + len - 1) >>> PAGE_SHIFT; p <= last; p++)
            if (!isResidentPage(p)) return false;
        return true;
    }

    /**
     * Bounds check; then, unless every page of the range is known resident, enter() and fault the
     * range in. Returns whether it entered: the caller then owes an exit() after its access.
     */
    private boolean hold(long offset, long len, boolean write) {
        if (allResident(offset, len)) return false;
        enter();
        try {
            faultIn(offset, len, write);
            return true;
        } catch (RuntimeException | Error e) {
            exit();
            throw e;
        }
    }

    /**
     * The slow path, called between enter() and exit(): faults [offset, offset+len) in from native
     * state, so a safepoint never waits for this thread while the handler works.
     */
    private void faultIn(long offset, long len, boolean write) {
        long start = offset & -PAGE, end = FaultHandlingService.roundUp(offset + len);
        if (!service.isUserModeOnly()) {
            int r;
            do {
                r = Sys.madvise(base + start, end - start, write ? Sys.MADV_POPULATE_WRITE : Sys.MADV_POPULATE_READ);
            } while (r == -Errno.EINTR);
            if (r < 0) throw unavailable(start, r);
        } else {
            long scratch = TOUCH.get().address();
            for (long p = start; p < end; p += PAGE) if (!isResidentPage(p >>> PAGE_SHIFT)) Sys.memcpy(scratch, base + p, 1);
            if (anyFailed(start, end - start)) throw unavailable(start, -Errno.EFAULT);
        }
        markResident(start, end - start);
    }

    private PageUnavailableException unavailable(long offset, int r) {
        String why = r == -Errno.EHWPOISON || r == -Errno.EFAULT
                ? (failing ? "the region was closed before the page arrived" : "the page source failed for it")
                : "madvise(MADV_POPULATE) failed";
        Throwable cause = service.lastError();
        PageUnavailableException e = new PageUnavailableException(offset, new ErrnoException(r, "madvise", "populate"), why);
        if (cause != null && r != -Errno.ENOMEM) e.addSuppressed(cause);
        return e;
    }

    // ------------------------------------------------------------ handler side

    @Override
    void resolve(FaultHandlingService.Handler h, long address, long flags) {
        long pageOff = (address - base) & -PAGE;
        long chunk = service.chunkBytes;
        long cs = pageOff - pageOff % chunk, len = Math.min(chunk, size - cs);
        if (hook != null) {
            resolveMinor(h, pageOff, cs, len);
            return;
        }
        if (source.isZero()) {
            h.zero(this, cs, len);
            return;
        }
        try {
            source.read(cs, h.staging.asSlice(0, len));
        } catch (Exception e) {
            h.counters().lastError = e;
            if (len == PAGE || !retrySinglePage(h, pageOff)) service.failRange(this, pageOff, PAGE);
            return;
        }
        if (h.copy(this, cs, len, 0) && service.prefetchChunks > 0) h.prefetch(this, cs + len);
    }

    private boolean retrySinglePage(FaultHandlingService.Handler h, long pageOff) {
        try {
            source.read(pageOff, h.staging.asSlice(0, PAGE));
        } catch (Exception e) {
            return false;
        }
        return h.copy(this, pageOff, PAGE, 0);
    }

    void fill(long offset, MemorySegment dst) throws IOException {
        source.read(offset, dst);
    }

    /**
     * MINOR: let the hook see each page of the chunk not yet mapped here (in the unregistered
     * view), then CONTINUE the chunk, as few ioctls as the kernel allows: a partial result
     * continues after the bytes done, EEXIST (already mapped) skips a page, any other failure
     * skips a page too unless it is the faulting one, which is then failed rather than left
     * waiting.
     */
    private void resolveMinor(FaultHandlingService.Handler h, long pageOff, long cs, long len) {
        var c = h.counters();
        for (long p = cs; p < cs + len; p += PAGE) {
            if (isResidentPage(p >>> PAGE_SHIFT) && p != pageOff) continue;
            try {
                hook.beforeMap(p, backing.asSlice(p, PAGE));
            } catch (Exception e) {
                c.lastError = e;
                if (p == pageOff) {
                    service.failRange(this, p, PAGE);
                    return;
                }
            }
        }
        boolean faultingDone = false;
        for (long p = cs; p < cs + len; ) {
            long r = service.uffd.continueAt(base + p, cs + len - p, 0);
            c.ioctls.increment();
            if (r > 0) {
                c.bytesContinued.add(r);
                markResident(p, r);
                if (pageOff >= p && pageOff < p + r) faultingDone = true;
                p += r;
            } else {
                if (r == -Errno.EEXIST) {
                    c.pagesExisting.increment();
                    markResident(p, PAGE);
                } else if (p == pageOff) {
                    c.lastError = new ErrnoException((int) r, "ioctl", "UFFDIO_CONTINUE");
                    service.failRange(this, p, PAGE);
                    return;
                }
                p += PAGE;
            }
        }
        // EEXIST on the faulting page: mapped by someone else, perhaps without waking; wake it here
        if (!faultingDone) service.uffd.wakeAt(base + pageOff, PAGE);
    }

    @Override
    void closeResources() {
        if (source != null) {
            try {
                source.close();
            } catch (Exception ignored) {
                // the region is gone either way
            }
        }
    }

    @Override
    public String toString() {
        return "LazyRegion[size=" + size + ", resident=" + residentPages() + " pages, "
                + (hook != null ? "minor" : String.valueOf(source)) + (isOpen() ? "" : ", closed") + "]";
    }
}
