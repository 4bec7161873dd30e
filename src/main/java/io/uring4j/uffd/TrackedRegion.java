package io.uring4j.uffd;

import io.uring4j.ErrnoException;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.BitSet;

/**
 * The synchronous {@link WriteTracker}'s memory: registered WP with a service, whose handler
 * records each first write to a page since the last snapshot and unprotects that page.
 */
final class TrackedRegion extends ManagedRegion {
    /**
     * Guards the current bitmap and the protect/unprotect calls that go with it: a snapshot
     * (protect all + swap) must not interleave with a handler's (record + unprotect), or a page
     * recorded in the old epoch could be left unprotected in the new one and its next write lost.
     */
    private final Object lock = new Object();
    private BitSet current;
    private final int pages;

    TrackedRegion(FaultHandlingService s, Arena a, MemorySegment seg) {
        super(s, a, seg);
        this.pages = (int) (seg.byteSize() >>> PAGE_SHIFT);
        this.current = new BitSet(pages);
    }

    @Override
    void resolve(FaultHandlingService.Handler h, long address, long flags) {
        long page = (address - base) >>> PAGE_SHIFT;
        int r;
        synchronized (lock) {
            current.set((int) page);
            r = service.uffd.writeProtectAt(base + (page << PAGE_SHIFT), PAGE, false, false);
        }
        h.counters().ioctls.increment();
        if (r < 0) {
            h.counters().lastError = new ErrnoException(r, "ioctl", "UFFDIO_WRITEPROTECT clear");
            service.uffd.wakeAt(base + (page << PAGE_SHIFT), PAGE);
        } else {
            h.counters().wpResolved.increment();
        }
    }

    BitSet snapshot() throws ErrnoException {
        synchronized (lock) {
            ErrnoException.check(service.uffd.writeProtectAt(base, size, true, false), "ioctl", "UFFDIO_WRITEPROTECT set");
            BitSet out = current;
            current = new BitSet(pages);
            return out;
        }
    }

    @Override
    void failMissingPages() {
        // nothing is ever missing here: waiting writers are released by unregistering
    }
}
