package io.uring4j.uffd;

import io.uring4j.sys.Uffd;

import java.util.Set;

/** {@code UFFDIO_REGISTER_MODE_*}: which faults on a registered range are delivered. */
public enum RegisterMode {
    /** Faults on pages that are not there at all (anon: never touched; shmem: not in the page cache). */
    MISSING(Uffd.REGISTER_MODE_MISSING),
    /** Writes to write-protected pages. */
    WP(Uffd.REGISTER_MODE_WP),
    /** shmem/hugetlbfs only: the page is in the page cache but not mapped here; resolve with CONTINUE. */
    MINOR(Uffd.REGISTER_MODE_MINOR);

    private final long bit;

    RegisterMode(long bit) { this.bit = bit; }

    public long bit() { return bit; }

    public static long toMask(Set<RegisterMode> modes) {
        long m = 0;
        for (RegisterMode r : modes) m |= r.bit;
        return m;
    }
}
