/**
 * userfaultfd: page faults on registered memory handled by Java code.
 *
 * <h2>The one rule</h2>
 * <b>Never touch userfaultfd-registered memory that may be missing with a plain
 * {@link java.lang.foreign.MemorySegment} access.</b> The faulting thread would sleep in the kernel
 * while the JVM counts it as running Java code; the next safepoint (any GC, deoptimization,
 * handshake) waits for it forever, and the handler thread — stopped at that safepoint on its way
 * back from read(2) — never resolves the fault. Only SIGKILL ends that JVM (see
 * {@code GcSafepointTest}). Touch such memory from native code instead: a downcall leaves the
 * thread in native state, where safepoints proceed without it. {@link io.uring4j.uffd.LazyRegion}
 * does this for you: it populates unknown pages with {@code madvise(MADV_POPULATE_READ/WRITE)}
 * (or a libc memcpy on a USER_MODE_ONLY uffd) and reads pages it knows are resident directly.
 * The same holds for write-protected pages in synchronous WP mode
 * ({@link io.uring4j.uffd.WriteTracker} writes through libc memcpy there); with WP_ASYNC nothing
 * ever waits on user space and plain access is fine. Handler threads are platform threads, and
 * Java-heap memory is never registered (it moves).
 *
 * <h2>Layers</h2>
 * <ul>
 * <li>{@link io.uring4j.uffd.Userfaultfd}: the fd, the handshake, every ioctl, decoded
 *     {@link io.uring4j.uffd.UffdEvent}s.</li>
 * <li>{@link io.uring4j.uffd.FaultHandlingService}: handler threads (blocking read, poll, or an
 *     io_uring read), fault-around, prefetch, statistics, drain-then-close.</li>
 * <li>Uses: {@link io.uring4j.uffd.LazyRegion} / {@link io.uring4j.uffd.LazyFileMapping} (MISSING,
 *     and MINOR via {@link io.uring4j.uffd.FaultHandlingService#mapMinor}),
 *     {@link io.uring4j.uffd.WriteTracker} (WP and WP_ASYNC + PAGEMAP_SCAN).</li>
 * </ul>
 */
package io.uring4j.uffd;
