package io.uring4j.uffd;

import io.uring4j.ErrnoException;
import io.uring4j.FeatureUnavailableException;
import io.uring4j.sys.Errno;
import io.uring4j.sys.PageRegion;
import io.uring4j.sys.PmScanArg;
import io.uring4j.sys.Sys;
import io.uring4j.sys.Uffd;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.BitSet;
import java.util.Objects;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * Which pages of a memory area were written since the last {@link #snapshot()} — the building
 * block of incremental checkpoints and live migration.
 *
 * <ul>
 * <li>{@link Mode#SYNC}: the area is registered for WP faults with a {@link FaultHandlingService};
 *     the first write to a page after a snapshot faults, the handler records the page and lifts
 *     the protection. Writes block briefly in the kernel, so they go through native code
 *     ({@link #write}, {@link #setLong}); reads never fault and are direct.</li>
 * <li>{@link Mode#ASYNC}: UFFD_FEATURE_WP_ASYNC makes the kernel lift the protection itself on
 *     write, with no message and no handler thread; {@link #snapshot()} asks PAGEMAP_SCAN on
 *     {@code /proc/self/pagemap} for the written pages and re-protects them in the same call.
 *     Nothing ever waits on user space, so {@link #memory()} may be used with plain Java access.</li>
 * </ul>
 * Both modes also track pages never touched before (UFFD_FEATURE_WP_UNPOPULATED).
 */
public final class WriteTracker implements AutoCloseable {
    public enum Mode { SYNC, ASYNC }

    private static final long PAGE = Sys.PAGE_SIZE;
    private static final int SCAN_VEC = 512;
    private static final ThreadLocal<MemorySegment> WORD = ThreadLocal.withInitial(() -> Arena.ofAuto().allocate(8, 8));

    private final Mode mode;
    private final long size;
    private final MemorySegment memory;
    // SYNC
    private final TrackedRegion region;
    // ASYNC
    private final Userfaultfd uffd;
    private final Arena arena;
    private final int pagemapFd;
    private final MemorySegment scanArg, scanVec;
    private volatile boolean closed;

    private WriteTracker(TrackedRegion region) {
        this.mode = Mode.SYNC;
        this.region = region;
        this.memory = region.segment;
        this.size = region.size;
        this.uffd = null;
        this.arena = null;
        this.pagemapFd = -1;
        this.scanArg = null;
        this.scanVec = null;
    }

    private WriteTracker(Userfaultfd uffd, Arena arena, MemorySegment memory, int pagemapFd) {
        this.mode = Mode.ASYNC;
        this.region = null;
        this.uffd = uffd;
        this.arena = arena;
        this.memory = memory;
        this.size = memory.byteSize();
        this.pagemapFd = pagemapFd;
        this.scanArg = arena.allocate(PmScanArg.LAYOUT);
        this.scanVec = arena.allocate(PageRegion.LAYOUT.byteSize() * SCAN_VEC, 8);
    }

    /** New zeroed memory of {@code size} bytes tracked by {@code service}'s handler threads. */
    public static WriteTracker sync(FaultHandlingService service, long size) throws ErrnoException {
        Userfaultfd u = service.uffd;
        for (UffdFeature f : new UffdFeature[] {UffdFeature.PAGEFAULT_FLAG_WP, UffdFeature.WP_UNPOPULATED}) {
            if (!u.hasFeature(f)) throw new FeatureUnavailableException(f.kernelName(), f.sinceKernel(), Errno.EINVAL, "ioctl(UFFDIO_API)");
        }
        long len = FaultHandlingService.roundUp(size);
        Arena a = Arena.ofShared();
        try {
            MemorySegment seg = FaultHandlingService.mmap(a, len, Sys.MAP_PRIVATE | Sys.MAP_ANONYMOUS | Sys.MAP_NORESERVE, -1);
            TrackedRegion r = new TrackedRegion(service, a, seg);
            service.add(r, RegisterMode.WP.bit());
            try {
                WriteTracker t = new WriteTracker(r);
                t.snapshot();   // arm: protect everything
                return t;
            } catch (ErrnoException | RuntimeException e) {
                r.close();      // registered by now: unregister before the unmap, and leave the service's list
                throw e;
            }
        } catch (ErrnoException | RuntimeException e) {
            a.close();          // idempotent after r.close()
            throw e;
        }
    }

    /** New zeroed memory of {@code size} bytes tracked with WP_ASYNC + PAGEMAP_SCAN (no handler thread). */
    public static WriteTracker async(long size) throws ErrnoException {
        Userfaultfd u = Userfaultfd.builder().fallbackToUserModeOnly(true)
                .require(UffdFeature.PAGEFAULT_FLAG_WP, UffdFeature.WP_ASYNC, UffdFeature.WP_UNPOPULATED).open();
        Arena a = Arena.ofShared();
        int pm = -1;
        try {
            long len = FaultHandlingService.roundUp(size);
            MemorySegment seg = FaultHandlingService.mmap(a, len, Sys.MAP_PRIVATE | Sys.MAP_ANONYMOUS | Sys.MAP_NORESERVE, -1);
            pm = ErrnoException.check(Sys.open("/proc/self/pagemap", Sys.O_RDONLY | Sys.O_CLOEXEC, 0), "open", "/proc/self/pagemap");
            u.register(seg, RegisterMode.WP);
            ErrnoException.check(u.writeProtect(seg, true, false), "ioctl", "UFFDIO_WRITEPROTECT set");
            return new WriteTracker(u, a, seg, pm);
        } catch (ErrnoException | RuntimeException e) {
            if (pm >= 0) Sys.close(pm);
            u.close();
            a.close();
            throw e;
        }
    }

    public Mode mode() { return mode; }

    public long byteSize() { return size; }

    public long pageCount() { return size / PAGE; }

    /**
     * ASYNC only: the tracked memory for direct Java access (safe: write faults are resolved by
     * the kernel without waiting for anyone). SYNC trackers refuse, since a direct write could
     * block at a safepoint.
     */
    public MemorySegment memory() {
        checkOpen();
        if (mode != Mode.ASYNC)
            throw new IllegalStateException("SYNC write tracking: direct writes could deadlock the JVM; use write()/setLong()");
        return memory;
    }

    /** Writes {@code src} at {@code offset} (through native code in SYNC mode). */
    public void write(long offset, MemorySegment src) {
        checkOpen();
        Objects.checkFromIndexSize(offset, src.byteSize(), size);
        if (mode == Mode.ASYNC) {
            MemorySegment.copy(src, 0, memory, offset, src.byteSize());
            return;
        }
        region.enter();
        try {
            if (src.isNative()) {
                Sys.memcpy(memory.address() + offset, src.address(), src.byteSize());
            } else {
                try (Arena tmp = Arena.ofConfined()) {
                    MemorySegment n = tmp.allocate(src.byteSize());
                    n.copyFrom(src);
                    Sys.memcpy(memory.address() + offset, n.address(), n.byteSize());
                }
            }
        } finally {
            region.exit();
        }
    }

    public void setLong(long offset, long v) {
        checkOpen();
        Objects.checkFromIndexSize(offset, 8, size);
        if (mode == Mode.ASYNC) {
            memory.set(JAVA_LONG_UNALIGNED, offset, v);
            return;
        }
        MemorySegment w = WORD.get();
        w.set(JAVA_LONG, 0, v);
        region.enter();
        try {
            Sys.memcpy(memory.address() + offset, w.address(), 8);
        } finally {
            region.exit();
        }
    }

    /** Reads never fault in either mode. */
    public long getLong(long offset) {
        checkOpen();
        return memory.get(JAVA_LONG_UNALIGNED, offset);
    }

    public byte getByte(long offset) {
        checkOpen();
        return memory.get(JAVA_BYTE, offset);
    }

    /**
     * The pages written since the previous snapshot (page index = offset / page size), and
     * re-arms: from here on, writes count toward the next snapshot.
     */
    public BitSet snapshot() throws ErrnoException {
        checkOpen();
        return mode == Mode.SYNC ? region.snapshot() : scan();
    }

    /** Synchronized with {@link #close}: the pagemap fd and the scan buffers must outlive the ioctl. */
    private synchronized BitSet scan() throws ErrnoException {
        checkOpen();
        BitSet out = new BitSet((int) pageCount());
        long base = memory.address(), end = base + size, start = base;
        while (start < end) {
            MemorySegment a = scanArg;
            a.fill((byte) 0);
            a.set(JAVA_LONG, PmScanArg.SIZE_FIELD, PmScanArg.SIZE);
            a.set(JAVA_LONG, PmScanArg.FLAGS, Uffd.PM_SCAN_WP_MATCHING | Uffd.PM_SCAN_CHECK_WPASYNC);
            a.set(JAVA_LONG, PmScanArg.START, start);
            a.set(JAVA_LONG, PmScanArg.END, end);
            a.set(JAVA_LONG, PmScanArg.VEC, scanVec.address());
            a.set(JAVA_LONG, PmScanArg.VEC_LEN, SCAN_VEC);
            a.set(JAVA_LONG, PmScanArg.CATEGORY_MASK, Uffd.PAGE_IS_WRITTEN);
            a.set(JAVA_LONG, PmScanArg.RETURN_MASK, Uffd.PAGE_IS_WRITTEN);
            int n = ErrnoException.check(Sys.ioctl(pagemapFd, Uffd.PAGEMAP_SCAN, a), "ioctl", "PAGEMAP_SCAN");
            for (int i = 0; i < n; i++) {
                long off = i * PageRegion.SIZE;
                long s = scanVec.get(JAVA_LONG, off + PageRegion.START), e = scanVec.get(JAVA_LONG, off + PageRegion.END);
                out.set((int) ((s - base) / PAGE), (int) ((e - base) / PAGE));
            }
            long walkEnd = a.get(JAVA_LONG, PmScanArg.WALK_END);
            if (walkEnd <= start) break;   // no progress: should not happen, but never spin
            start = walkEnd;
        }
        return out;
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("WriteTracker is closed");
    }

    /** Unregisters (releasing any writer still waiting) and unmaps. Idempotent; waits for a snapshot in progress. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (mode == Mode.SYNC) {
            region.close();
        } else {
            uffd.unregisterAt(memory.address(), size);
            uffd.close();
            Sys.close(pagemapFd);
            arena.close();
        }
    }
}
