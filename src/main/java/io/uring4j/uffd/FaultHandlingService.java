package io.uring4j.uffd;

import io.uring4j.ErrnoException;
import io.uring4j.ring.Cqe;
import io.uring4j.ring.Ring;
import io.uring4j.sys.Errno;
import io.uring4j.sys.Sys;
import io.uring4j.sys.Uffd;
import io.uring4j.sys.UffdMsg;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Resolves the page faults of its regions on dedicated platform threads.
 *
 * <h2>Use</h2>
 * <pre>{@code
 * try (var svc = FaultHandlingService.builder().faultAround(64 * 1024).build();
 *      LazyRegion r = svc.map(size, PageSource.file(path))) {
 *     long v = r.getLong(12345);          // safe: a missing page is populated through native code
 * }
 * }</pre>
 *
 * <h2>Threads and delivery</h2>
 * Handler threads are platform threads (a virtual thread would pin its carrier inside the read
 * downcall anyway). {@link Delivery#BLOCKING_READ} sleeps in read(2) (one syscall per wake-up);
 * {@link Delivery#POLL} uses a non-blocking uffd, spins on read for {@link Builder#spin} after
 * each batch, then sleeps in poll(2) — spinning avoids the cross-CPU wake-up that dominates fault
 * latency, at the cost of a busy core. {@link Delivery#IO_URING} reads the non-blocking uffd
 * through an io_uring READ on a small per-thread ring.
 *
 * <h2>Resolution</h2>
 * A MISSING fault fills the {@linkplain Builder#faultAround fault-around chunk} around it from the
 * region's {@link PageSource} and COPYs it in one ioctl, continuing across partial copies and
 * skipping pages already present (EEXIST), which are then woken (a concurrent resolver may have
 * used DONTWAKE). {@linkplain Builder#prefetch Prefetch} copies the following chunks with DONTWAKE
 * and wakes their span once. EAGAIN (address space changing) wakes the thread to fault again;
 * EINTR on read is retried. A page the source cannot provide is poisoned (UFFDIO_POISON): the
 * access fails with {@link PageUnavailableException} instead of seeing zeros.
 *
 * <h2>Closing: drain-then-close, not SIGBUS</h2>
 * Closing a region (or the service) first refuses new accesses, then waits until the accesses
 * already in flight have been served real data, then unregisters and unmaps. If draining exceeds
 * {@link Builder#drainTimeout} (a stuck source), the pages still missing are poisoned so the
 * waiting accesses fail rather than hang. UFFD_FEATURE_SIGBUS was rejected: a SIGBUS raised in a
 * JVM thread's native code (libc memcpy) crashes the whole JVM, and closing the uffd with faults
 * pending would wake them onto fresh zero pages — the silent zeros this design forbids.
 */
public final class FaultHandlingService implements AutoCloseable {

    /** How handler threads learn of faults. */
    public enum Delivery {
        /** read(2) on a blocking uffd. */
        BLOCKING_READ,
        /** poll(2) + non-blocking read, with optional spinning before sleeping. */
        POLL,
        /**
         * An io_uring READ on the non-blocking uffd, one ring per handler thread. O_NONBLOCK matters:
         * io_uring then arms its internal poll and completes the read when a fault arrives, instead
         * of parking a kernel io-wq worker in a blocking read.
         */
        IO_URING
    }

    private static final long PAGE = Sys.PAGE_SIZE;

    final Userfaultfd uffd;
    private final Delivery delivery;
    final long chunkBytes;
    final int prefetchChunks;
    private final int batch;
    private final long spinNanos;
    private final long drainTimeoutNanos;
    private final int handlerCpu;
    private final boolean canPoison;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment sentinel;
    private final Object regionsLock = new Object();
    private volatile ManagedRegion[] regions = new ManagedRegion[0];
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger liveHandlers = new AtomicInteger();
    private volatile boolean closed;
    final Counters counters = new Counters();

    private FaultHandlingService(Builder b) throws ErrnoException {
        this.delivery = b.delivery;
        this.chunkBytes = b.faultAround;
        this.prefetchChunks = b.prefetch;
        this.batch = b.batch;
        this.spinNanos = b.spinNanos;
        this.drainTimeoutNanos = b.drainTimeout.toNanos();
        this.handlerCpu = b.handlerCpu;
        this.uffd = Userfaultfd.builder().nonBlocking(delivery != Delivery.BLOCKING_READ).request(EnumSet.of(
                UffdFeature.THREAD_ID, UffdFeature.POISON, UffdFeature.PAGEFAULT_FLAG_WP, UffdFeature.WP_UNPOPULATED,
                UffdFeature.MISSING_SHMEM, UffdFeature.MINOR_SHMEM, UffdFeature.WP_HUGETLBFS_SHMEM)).open();
        try {
            this.canPoison = uffd.hasFeature(UffdFeature.POISON) && !uffd.isUserModeOnly();
            long s = ErrnoException.check(Sys.mmap(0, PAGE, Sys.PROT_READ, Sys.MAP_PRIVATE | Sys.MAP_ANONYMOUS, -1, 0),
                    "mmap", "sentinel page");
            this.sentinel = MemorySegment.ofAddress(s).reinterpret(PAGE, arena, seg -> Sys.munmap(s, PAGE));
            uffd.register(sentinel, RegisterMode.MISSING);
            for (int i = 0; i < b.threads; i++) {
                Handler h = new Handler(i);
                liveHandlers.incrementAndGet();
                threads.add(Thread.ofPlatform().daemon().name(b.name + "-" + i).start(h));
            }
        } catch (ErrnoException | RuntimeException e) {
            uffd.close();
            arena.close();
            throw e;
        }
    }

    public static Builder builder() { return new Builder(); }

    /** Settings of a service. */
    public static final class Builder {
        private int threads = 1;
        private Delivery delivery = Delivery.BLOCKING_READ;
        private long faultAround = 16 * PAGE;
        private int prefetch;
        private int batch = 64;
        private long spinNanos;
        private Duration drainTimeout = Duration.ofSeconds(5);
        private int handlerCpu = -1;
        private String name = "uffd-handler";

        /** Handler threads (default 1). */
        public Builder handlerThreads(int n) {
            if (n < 1 || n > 64) throw new IllegalArgumentException("handlerThreads=" + n + " must be 1..64");
            threads = n;
            return this;
        }

        public Builder delivery(Delivery d) { delivery = Objects.requireNonNull(d); return this; }

        /** Bytes resolved per MISSING fault: a page-size multiple (default 16 pages); the page size means no fault-around. */
        public Builder faultAround(long bytes) {
            if (bytes < PAGE || bytes % PAGE != 0 || bytes > (64L << 20))
                throw new IllegalArgumentException("faultAround=" + bytes + " must be a multiple of " + PAGE + " up to 64 MiB");
            faultAround = bytes;
            return this;
        }

        /** Chunks after the faulting one to copy ahead (DONTWAKE, then one WAKE); default 0. */
        public Builder prefetch(int chunks) {
            if (chunks < 0 || chunks > 1024) throw new IllegalArgumentException("prefetch=" + chunks + " must be 0..1024");
            prefetch = chunks;
            return this;
        }

        /** Messages read per read(2) (default 64). */
        public Builder batch(int messages) {
            if (messages < 1 || messages > 4096) throw new IllegalArgumentException("batch=" + messages + " must be 1..4096");
            batch = messages;
            return this;
        }

        /** POLL delivery: spin on the non-blocking uffd this long after each batch before sleeping in poll. */
        public Builder spin(Duration d) { spinNanos = d.toNanos(); return this; }

        /** How long closing waits for in-flight accesses before poisoning what they still wait for (default 5 s). */
        public Builder drainTimeout(Duration d) { drainTimeout = Objects.requireNonNull(d); return this; }

        /** Pin handler threads to this CPU (benchmarks: same-CPU wake-ups are several times cheaper). */
        public Builder handlerCpu(int cpu) { handlerCpu = cpu; return this; }

        public Builder name(String n) { name = Objects.requireNonNull(n); return this; }

        public FaultHandlingService build() throws ErrnoException { return new FaultHandlingService(this); }
    }

    // ------------------------------------------------------------ regions

    /**
     * New anonymous memory of {@code size} bytes (rounded up to pages) whose pages come from
     * {@code source} on first touch.
     */
    public LazyRegion map(long size, PageSource source) throws ErrnoException {
        Objects.requireNonNull(source, "source");
        checkOpen();
        long len = roundUp(size);
        if (len <= 0) throw new IllegalArgumentException("size=" + size + " must be > 0");
        Arena a = Arena.ofShared();
        try {
            MemorySegment seg = mmap(a, len, Sys.MAP_PRIVATE | Sys.MAP_ANONYMOUS | Sys.MAP_NORESERVE, -1);
            LazyRegion r = LazyRegion.missing(this, a, seg, source);
            add(r, RegisterMode.MISSING.bit());
            return r;
        } catch (ErrnoException | RuntimeException e) {
            a.close();
            throw e;
        }
    }

    /**
     * A MAP_SHARED view of {@code size} bytes of the shmem file {@code memfd} registered for MINOR
     * faults: pages already in the page cache appear on first touch after {@code hook} has seen
     * (and possibly edited) them through a second, unregistered view; resolved with CONTINUE.
     */
    public LazyRegion mapMinor(int memfd, long size, MinorHook hook) throws ErrnoException {
        Objects.requireNonNull(hook, "hook");
        checkOpen();
        if (!uffd.hasFeature(UffdFeature.MINOR_SHMEM))
            throw new io.uring4j.FeatureUnavailableException(UffdFeature.MINOR_SHMEM.kernelName(),
                    UffdFeature.MINOR_SHMEM.sinceKernel(), Errno.EINVAL, "ioctl(UFFDIO_API)");
        long len = roundUp(size);
        Arena a = Arena.ofShared();
        try {
            MemorySegment view = mmap(a, len, Sys.MAP_SHARED, memfd);
            MemorySegment backing = mmap(a, len, Sys.MAP_SHARED, memfd);
            LazyRegion r = LazyRegion.minor(this, a, view, backing, hook);
            add(r, RegisterMode.MINOR.bit());
            return r;
        } catch (ErrnoException | RuntimeException e) {
            a.close();
            throw e;
        }
    }

    /** Sees a page's bytes (in the unregistered view, editable) just before a MINOR fault maps it. */
    @FunctionalInterface
    public interface MinorHook {
        void beforeMap(long offset, MemorySegment page) throws java.io.IOException;
    }

    static MemorySegment mmap(Arena a, long len, int flags, int fd) throws ErrnoException {
        long addr = ErrnoException.check(Sys.mmap(0, len, Sys.PROT_READ | Sys.PROT_WRITE, flags, fd, 0), "mmap", "region of " + len + " bytes");
        return MemorySegment.ofAddress(addr).reinterpret(len, a, s -> Sys.munmap(addr, len));
    }

    static long roundUp(long size) {
        return (size + PAGE - 1) & -PAGE;
    }

    void add(ManagedRegion r, long modes) throws ErrnoException {
        synchronized (regionsLock) {
            checkOpen();
            uffd.registerAt(r.base, r.size, modes);
            ManagedRegion[] cur = regions;
            ManagedRegion[] next = Arrays.copyOf(cur, cur.length + 1);
            next[cur.length] = r;
            regions = next;
        }
    }

    /** Unregisters a drained region (before its memory is unmapped). */
    void release(ManagedRegion r) {
        synchronized (regionsLock) {
            ManagedRegion[] cur = regions;
            regions = Arrays.stream(cur).filter(x -> x != r).toArray(ManagedRegion[]::new);
            if (uffd.isOpen()) uffd.unregisterAt(r.base, r.size);
        }
    }

    private ManagedRegion find(long address) {
        for (ManagedRegion r : regions) if (r.contains(address)) return r;
        return null;
    }

    long drainTimeoutNanos() { return drainTimeoutNanos; }

    boolean isUserModeOnly() { return uffd.isUserModeOnly(); }

    /** The service's uffd (its features, its fd for diagnostics); resolving through it directly is the caller's risk. */
    public Userfaultfd userfaultfd() { return uffd; }

    /**
     * Makes [offset, offset+len) of a region fail: poisoned where the uffd can poison, otherwise
     * marked failed (the accessors check) and zero-mapped so waiters wake. Pages already present
     * are skipped.
     */
    void failRange(ManagedRegion r, long offset, long len) {
        if (!canPoison) r.markFailed(offset, len);
        long done = 0;
        while (done < len) {
            long a = r.base + offset + done, n = len - done;
            long res = canPoison ? uffd.poisonAt(a, n, 0) : uffd.zeropageAt(a, n, 0);
            counters.ioctls.increment();
            if (res > 0) {
                done += res;
                counters.failedPages.add(res / PAGE);
            } else if (res == -Errno.EEXIST) {
                uffd.wakeAt(a, PAGE);
                done += PAGE;
            } else {
                uffd.wakeAt(a, n);
                return;
            }
        }
    }

    // ------------------------------------------------------------ stats

    /** Counters since start (or the last {@link #resetStats}). */
    public FaultStats stats() {
        LatencyHistogram l = counters.latency;
        return new FaultStats(counters.faults.sum(), counters.bytesCopied.sum(), counters.bytesZeroed.sum(),
                counters.bytesContinued.sum(), counters.wpResolved.sum(), counters.pagesExisting.sum(),
                counters.prefetchBytes.sum(), counters.retries.sum(), counters.failedPages.sum(), counters.events.sum(),
                counters.ioctls.sum(), l.percentile(0.5), l.percentile(0.9), l.percentile(0.99), l.percentile(0.999), l.max());
    }

    public void resetStats() {
        counters.reset();
    }

    static final class Counters {
        final LongAdder faults = new LongAdder(), bytesCopied = new LongAdder(), bytesZeroed = new LongAdder(),
                bytesContinued = new LongAdder(), wpResolved = new LongAdder(), pagesExisting = new LongAdder(),
                prefetchBytes = new LongAdder(), retries = new LongAdder(), failedPages = new LongAdder(),
                events = new LongAdder(), ioctls = new LongAdder();
        final LatencyHistogram latency = new LatencyHistogram();
        volatile Throwable lastError;

        void reset() {
            for (LongAdder a : List.of(faults, bytesCopied, bytesZeroed, bytesContinued, wpResolved, pagesExisting,
                    prefetchBytes, retries, failedPages, events, ioctls)) a.reset();
            latency.reset();
        }
    }

    /** The last exception a handler or page source raised, or null. */
    public Throwable lastError() { return counters.lastError; }

    // ------------------------------------------------------------ handler threads

    /** One handler thread's loop and scratch memory (never registered memory: plain access is safe). */
    final class Handler implements Runnable {
        final int index;
        final MemorySegment buf;
        final MemorySegment staging;
        private Ring ring;

        Handler(int index) {
            this.index = index;
            this.buf = arena.allocate(batch * UffdMsg.SIZE, 8);
            this.staging = arena.allocate(chunkBytes, PAGE);
        }

        FaultHandlingService service() { return FaultHandlingService.this; }

        @Override
        public void run() {
            try {
                if (handlerCpu >= 0) Sys.pinCurrentThread(handlerCpu);
                if (delivery == Delivery.IO_URING) ring = Ring.open(4);
                loop();
            } catch (ErrnoException e) {
                counters.lastError = e;
            } finally {
                if (ring != null) ring.close();
                liveHandlers.decrementAndGet();
            }
        }

        private void loop() {
            while (true) {
                int n = next();
                if (n < 0) {
                    if (n == -Errno.EINTR || n == -Errno.EAGAIN) continue;
                    if (!uffd.isOpen() || n == -Errno.EBADF) return;
                    counters.lastError = new ErrnoException(n, "read", "userfaultfd");
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
                    continue;
                }
                long t0 = System.nanoTime();
                boolean stop = false;
                for (int i = 0; i < n; i++) {
                    long off = i * UffdMsg.SIZE;
                    int ev = buf.get(JAVA_BYTE, off + UffdMsg.EVENT) & 0xFF;
                    if (ev != Uffd.UFFD_EVENT_PAGEFAULT) {
                        counters.events.increment();
                        continue;
                    }
                    long address = buf.get(JAVA_LONG, off + UffdMsg.PAGEFAULT_ADDRESS);
                    long flags = buf.get(JAVA_LONG, off + UffdMsg.PAGEFAULT_FLAGS);
                    if (address - sentinel.address() >= 0 && address - sentinel.address() < PAGE) {
                        long z = uffd.zeropageAt(sentinel.address(), PAGE, 0);
                        if (z < 0) uffd.wakeAt(sentinel.address(), PAGE);
                        stop = true;
                        continue;
                    }
                    counters.faults.increment();
                    dispatch(address, flags);
                    counters.latency.record(System.nanoTime() - t0);
                }
                if (stop) return;
            }
        }

        private int next() {
            if (delivery == Delivery.BLOCKING_READ) return uffd.read(buf);
            if (delivery == Delivery.IO_URING) return nextViaRing();
            long spinUntil = System.nanoTime() + spinNanos;
            while (true) {
                int n;
                try {
                    n = uffd.read(buf);
                } catch (IllegalStateException closedMeanwhile) {
                    return -Errno.EBADF;
                }
                if (n != -Errno.EAGAIN) return n;
                if (spinNanos > 0 && System.nanoTime() - spinUntil < 0) {
                    Thread.onSpinWait();
                    continue;
                }
                int p = uffd.poll(-1);
                if (p < 0 && p != -Errno.EINTR) return p;
                spinUntil = System.nanoTime() + spinNanos;
            }
        }

        private int nextViaRing() {
            int fd;
            try {
                fd = uffd.fd();
            } catch (IllegalStateException closedMeanwhile) {
                return -Errno.EBADF;
            }
            ring.sqe().prepRead(fd, buf, -1);
            int r = ring.submitAndWait(1);
            if (r < 0) return r;
            Cqe c = ring.peekCqe();
            if (c == null) return -Errno.EAGAIN;
            int res = c.res();
            ring.cqeSeen();
            return res < 0 ? res : (int) (res / UffdMsg.SIZE);
        }

        private void dispatch(long address, long flags) {
            ManagedRegion r = find(address);
            long page = address & -PAGE;
            if (r == null) {
                // a region being released: waking lets the access retry against whatever is there now
                uffd.wakeAt(page, PAGE);
                return;
            }
            try {
                if (r.failing) failRange(r, page - r.base, PAGE);
                else r.resolve(this, address, flags);
            } catch (Throwable t) {
                counters.lastError = t;
                failRange(r, page - r.base, PAGE);
            }
        }

        /**
         * COPY {@code len} bytes of staging to region offset {@code offset}; marks them resident
         * and handles the non-data outcomes. Returns false if the copy stopped on an error.
         */
        boolean copy(ManagedRegion r, long offset, long len, long mode) {
            CopyResult c = uffd.copyAllAt(r.base + offset, staging.address(), len, mode);
            account(r, offset, len, c, false);
            return c.isComplete();
        }

        boolean zero(ManagedRegion r, long offset, long len) {
            CopyResult c = uffd.zeropageAllAt(r.base + offset, len, 0);
            account(r, offset, len, c, true);
            return c.isComplete();
        }

        private void account(ManagedRegion r, long offset, long len, CopyResult c, boolean zero) {
            counters.ioctls.add(c.ioctls());
            (zero ? counters.bytesZeroed : counters.bytesCopied).add(c.bytesCopied());
            r.markResident(offset, c.bytesProcessed());
            if (c.pagesExisting() > 0) {
                // EEXIST: someone else mapped it, possibly with DONTWAKE; make sure its waiters run
                counters.pagesExisting.add(c.pagesExisting());
                uffd.wakeAt(r.base + offset, len);
                counters.ioctls.increment();
            }
            if (c.error() == -Errno.EAGAIN) {
                // a REMAP/REMOVE/UNMAP is pending: let the faulting threads retry after it is read
                counters.retries.increment();
                uffd.wakeAt(r.base + offset, len);
            } else if (c.error() != 0) {
                counters.lastError = new ErrnoException(c.error(), "ioctl", zero ? "UFFDIO_ZEROPAGE" : "UFFDIO_COPY");
                uffd.wakeAt(r.base + offset, len);
            }
        }

        /** Copies the chunks after {@code from} not yet resident with DONTWAKE, then wakes their span once. */
        void prefetch(LazyRegion r, long from) {
            long start = from, end = from;
            for (int k = 0; k < prefetchChunks && end < r.size; k++) {
                long len = Math.min(chunkBytes, r.size - end);
                if (!r.isResidentPage(end >>> ManagedRegion.PAGE_SHIFT)) {
                    try {
                        r.fill(end, staging.asSlice(0, len));
                    } catch (Exception e) {
                        break;   // prefetch is best effort: the fault itself will report it
                    }
                    CopyResult c = uffd.copyAllAt(r.base + end, staging.address(), len, UffdMode.DONTWAKE);
                    counters.ioctls.add(c.ioctls());
                    counters.prefetchBytes.add(c.bytesCopied());
                    counters.bytesCopied.add(c.bytesCopied());
                    r.markResident(end, c.bytesProcessed());
                    if (!c.isComplete()) { end += c.bytesProcessed(); break; }
                }
                end += len;
            }
            if (end > start) {
                uffd.wakeAt(r.base + start, end - start);
                counters.ioctls.increment();
            }
        }

        Counters counters() { return counters; }
    }

    // ------------------------------------------------------------ lifecycle

    private void checkOpen() {
        if (closed) throw new IllegalStateException("FaultHandlingService is closed");
    }

    public boolean isOpen() { return !closed; }

    /**
     * Closes every region (drain-then-close, see the class comment), stops the handler threads
     * and closes the uffd. Idempotent.
     */
    @Override
    public void close() {
        synchronized (regionsLock) {
            if (closed) return;
            closed = true;
        }
        for (ManagedRegion r : regions) r.close();
        stopHandlers();
        uffd.close();
        if (liveHandlers.get() == 0) {
            arena.close();
        } else {
            // a handler stuck in its page source still uses its buffers: leave them to the GC-less
            // shared arena rather than free memory under it
            counters.lastError = new IllegalStateException(liveHandlers.get() + " handler thread(s) did not stop");
        }
    }

    /**
     * A blocked read(2) cannot be interrupted from Java, so each handler is stopped by a fault of
     * its own: touching the registered sentinel page. The handler that reads it resolves it and
     * exits; dropping the page (DONTNEED) re-arms it for the next one.
     */
    private void stopHandlers() {
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (liveHandlers.get() > 0 && System.nanoTime() < deadline) {
            int before = liveHandlers.get();
            // a user-mode read (libc memcpy): a USER_MODE_ONLY uffd refuses kernel-mode faults such as madvise populate
            Thread t = Thread.ofPlatform().daemon().name("uffd-stop").start(() -> {
                try (Arena tmp = Arena.ofConfined()) {
                    Sys.memcpy(tmp.allocate(8).address(), sentinel.address(), 1);
                }
            });
            try {
                t.join(2000);
                long until = System.nanoTime() + 1_000_000_000L;
                while (liveHandlers.get() == before && System.nanoTime() < until) Thread.sleep(0, 100_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (t.isAlive()) break;   // a handler is stuck (in a page source); closing the uffd frees the toucher
            Sys.madvise(sentinel.address(), PAGE, Sys.MADV_DONTNEED);
        }
        for (Thread t : threads) {
            try {
                t.join(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
