package io.uring4j.uffd;

import io.uring4j.sys.Uffd;

import java.util.EnumSet;
import java.util.Set;

/**
 * The {@code UFFD_FEATURE_*} bits of the UFFDIO_API handshake, each with the kernel release that
 * introduced it (for error messages when a required one is missing).
 */
public enum UffdFeature {
    /** WP faults carry UFFD_PAGEFAULT_FLAG_WP. */
    PAGEFAULT_FLAG_WP(Uffd.FEATURE_PAGEFAULT_FLAG_WP, "5.7"),
    /** fork() of a process with registered memory hands the handler a new uffd (Fork event). */
    EVENT_FORK(Uffd.FEATURE_EVENT_FORK, "4.11"),
    /** mremap() of registered memory produces a Remap event. */
    EVENT_REMAP(Uffd.FEATURE_EVENT_REMAP, "4.11"),
    /** madvise(DONTNEED/REMOVE) of registered memory produces a Remove event. */
    EVENT_REMOVE(Uffd.FEATURE_EVENT_REMOVE, "4.11"),
    MISSING_HUGETLBFS(Uffd.FEATURE_MISSING_HUGETLBFS, "4.11"),
    MISSING_SHMEM(Uffd.FEATURE_MISSING_SHMEM, "4.11"),
    /** munmap() of registered memory produces an Unmap event. */
    EVENT_UNMAP(Uffd.FEATURE_EVENT_UNMAP, "4.11"),
    /** Faults raise SIGBUS instead of being delivered: no handler at all. */
    SIGBUS(Uffd.FEATURE_SIGBUS, "4.14"),
    /** PageFault events carry the faulting thread's id. */
    THREAD_ID(Uffd.FEATURE_THREAD_ID, "4.14"),
    MINOR_HUGETLBFS(Uffd.FEATURE_MINOR_HUGETLBFS, "5.13"),
    MINOR_SHMEM(Uffd.FEATURE_MINOR_SHMEM, "5.14"),
    /** PageFault addresses are exact rather than rounded down to the page. */
    EXACT_ADDRESS(Uffd.FEATURE_EXACT_ADDRESS, "5.18"),
    WP_HUGETLBFS_SHMEM(Uffd.FEATURE_WP_HUGETLBFS_SHMEM, "5.19"),
    /** Write protection also covers pages never populated (needed to track first writes). */
    WP_UNPOPULATED(Uffd.FEATURE_WP_UNPOPULATED, "6.4"),
    POISON(Uffd.FEATURE_POISON, "6.6"),
    /** The kernel resolves WP faults itself; written pages are found with PAGEMAP_SCAN. */
    WP_ASYNC(Uffd.FEATURE_WP_ASYNC, "6.7"),
    MOVE(Uffd.FEATURE_MOVE, "6.8");

    private final long mask;
    private final String since;

    UffdFeature(int bit, String since) {
        this.mask = 1L << bit;
        this.since = since;
    }

    /** The bit in {@code uffdio_api.features}. */
    public long mask() { return mask; }

    /** The kernel release that introduced the feature. */
    public String sinceKernel() { return since; }

    /** The kernel spelling, e.g. {@code UFFD_FEATURE_MOVE}. */
    public String kernelName() { return "UFFD_FEATURE_" + name(); }

    public static long toMask(Set<UffdFeature> features) {
        long m = 0;
        for (UffdFeature f : features) m |= f.mask;
        return m;
    }

    /** The known features in {@code mask}; unknown bits are dropped. */
    public static EnumSet<UffdFeature> fromMask(long mask) {
        EnumSet<UffdFeature> s = EnumSet.noneOf(UffdFeature.class);
        for (UffdFeature f : values()) if ((mask & f.mask) != 0) s.add(f);
        return s;
    }
}
