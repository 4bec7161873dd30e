package io.uring4j.sys;

/**
 * userfaultfd constants with their kernel spellings ({@code include/uapi/linux/userfaultfd.h},
 * 6.18). The ioctl numbers were checked on the running kernel; the header Debian ships (6.1)
 * lacks MOVE, POISON, WP_ASYNC and friends, so none of this comes from it.
 */
public final class Uffd {
    private Uffd() {}

    public static final long UFFD_API = 0xAA;
    /** {@code userfaultfd(2)} flag: only user-mode faults are handled; kernel accesses fail with EFAULT. */
    public static final int UFFD_USER_MODE_ONLY = 1;
    /** {@code ioctl(/dev/userfaultfd, USERFAULTFD_IOC_NEW, flags)} returns a new userfaultfd. */
    public static final long USERFAULTFD_IOC_NEW = 0xAA00;

    // ioctl request numbers (_IOWR/_IOR(0xAA, nr, struct))
    public static final long UFFDIO_API = 0xC018AA3FL, UFFDIO_REGISTER = 0xC020AA00L, UFFDIO_UNREGISTER = 0x8010AA01L,
            UFFDIO_WAKE = 0x8010AA02L, UFFDIO_COPY = 0xC028AA03L, UFFDIO_ZEROPAGE = 0xC020AA04L,
            UFFDIO_MOVE = 0xC028AA05L, UFFDIO_WRITEPROTECT = 0xC018AA06L, UFFDIO_CONTINUE = 0xC020AA07L,
            UFFDIO_POISON = 0xC020AA08L;

    // _UFFDIO_* bit numbers as reported in uffdio_api.ioctls / uffdio_register.ioctls
    public static final int _UFFDIO_REGISTER = 0, _UFFDIO_UNREGISTER = 1, _UFFDIO_WAKE = 2, _UFFDIO_COPY = 3,
            _UFFDIO_ZEROPAGE = 4, _UFFDIO_MOVE = 5, _UFFDIO_WRITEPROTECT = 6, _UFFDIO_CONTINUE = 7,
            _UFFDIO_POISON = 8, _UFFDIO_API = 0x3F;

    // uffd_msg.event
    public static final int UFFD_EVENT_PAGEFAULT = 0x12, UFFD_EVENT_FORK = 0x13, UFFD_EVENT_REMAP = 0x14,
            UFFD_EVENT_REMOVE = 0x15, UFFD_EVENT_UNMAP = 0x16;
    // uffd_msg.arg.pagefault.flags
    public static final long UFFD_PAGEFAULT_FLAG_WRITE = 1, UFFD_PAGEFAULT_FLAG_WP = 2, UFFD_PAGEFAULT_FLAG_MINOR = 4;

    // UFFD_FEATURE_* (bit numbers)
    public static final int FEATURE_PAGEFAULT_FLAG_WP = 0, FEATURE_EVENT_FORK = 1, FEATURE_EVENT_REMAP = 2,
            FEATURE_EVENT_REMOVE = 3, FEATURE_MISSING_HUGETLBFS = 4, FEATURE_MISSING_SHMEM = 5,
            FEATURE_EVENT_UNMAP = 6, FEATURE_SIGBUS = 7, FEATURE_THREAD_ID = 8, FEATURE_MINOR_HUGETLBFS = 9,
            FEATURE_MINOR_SHMEM = 10, FEATURE_EXACT_ADDRESS = 11, FEATURE_WP_HUGETLBFS_SHMEM = 12,
            FEATURE_WP_UNPOPULATED = 13, FEATURE_POISON = 14, FEATURE_WP_ASYNC = 15, FEATURE_MOVE = 16;

    // UFFDIO_REGISTER_MODE_*
    public static final long REGISTER_MODE_MISSING = 1, REGISTER_MODE_WP = 2, REGISTER_MODE_MINOR = 4;
    // per-ioctl modes
    public static final long COPY_MODE_DONTWAKE = 1, COPY_MODE_WP = 2;
    public static final long ZEROPAGE_MODE_DONTWAKE = 1;
    public static final long MOVE_MODE_DONTWAKE = 1, MOVE_MODE_ALLOW_SRC_HOLES = 2;
    public static final long WRITEPROTECT_MODE_WP = 1, WRITEPROTECT_MODE_DONTWAKE = 2;
    public static final long CONTINUE_MODE_DONTWAKE = 1, CONTINUE_MODE_WP = 2;
    public static final long POISON_MODE_DONTWAKE = 1;

    // fs/proc: PAGEMAP_SCAN = _IOWR('f', 16, struct pm_scan_arg)
    public static final long PAGEMAP_SCAN = 0xC0606610L;
    public static final long PM_SCAN_WP_MATCHING = 1, PM_SCAN_CHECK_WPASYNC = 2;
    public static final long PAGE_IS_WPALLOWED = 1, PAGE_IS_WRITTEN = 1 << 1, PAGE_IS_FILE = 1 << 2,
            PAGE_IS_PRESENT = 1 << 3, PAGE_IS_SWAPPED = 1 << 4, PAGE_IS_PFNZERO = 1 << 5, PAGE_IS_HUGE = 1 << 6,
            PAGE_IS_SOFT_DIRTY = 1 << 7;

    /** {@code memfd_create(2)} flags. */
    public static final int MFD_CLOEXEC = 1, MFD_ALLOW_SEALING = 2, MFD_HUGETLB = 4;
}
