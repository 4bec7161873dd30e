package io.uring4j.register;

/** How a {@link BufferPool} asks for huge pages (fewer TLB misses; the kernel coalesces them into fewer bvecs). */
public enum HugePages {
    /** Normal 4 KiB pages. */
    NONE,
    /**
     * Transparent huge pages: the mapping is aligned to the huge page size and advised with
     * MADV_HUGEPAGE. Works when /sys/kernel/mm/transparent_hugepage/enabled is {@code always} or
     * {@code madvise}; the kernel falls back to small pages when it has no free huge page.
     */
    TRANSPARENT,
    /**
     * hugetlbfs pages (MAP_HUGETLB): guaranteed huge, but only from the pool reserved in
     * /proc/sys/vm/nr_hugepages; allocation fails with ENOMEM when that pool is empty.
     */
    HUGETLB
}
