package io.uring4j.register;

import io.uring4j.ErrnoException;
import io.uring4j.sys.Errno;
import io.uring4j.sys.Sys;

/**
 * io_uring_register refused a registration for a reason only the kernel can see (memory it cannot
 * pin, the locked-memory limit, a busy table). The message names the cause and the remedy, e.g.
 * the current RLIMIT_MEMLOCK when the kernel answered ENOMEM.
 */
public class RegistrationException extends ErrnoException {
    RegistrationException(int errno, String operation, String explanation) {
        super(errno, "io_uring_register", operation, explanation);
    }

    /** Explains a failed buffer registration that would pin {@code pinnedBytes} bytes. */
    static RegistrationException forBuffers(int errno, String operation, long pinnedBytes) {
        return new RegistrationException(errno, operation, explainBuffers(Math.abs(errno), pinnedBytes));
    }

    static RegistrationException forFiles(int errno, String operation) {
        return new RegistrationException(errno, operation, explainFiles(Math.abs(errno)));
    }

    static String explainBuffers(int errno, long pinnedBytes) {
        return switch (errno) {
            case Errno.ENOMEM -> memlock(pinnedBytes);
            case Errno.EFAULT -> "the kernel could not pin the memory: a buffer is unmapped, mapped read-only (pages are "
                    + "pinned for writing), a device mapping (VM_IO/VM_PFNMAP), secretmem, or a MAP_SHARED mapping of a "
                    + "file that needs writeback (regular files on disk: gup refuses FOLL_LONGTERM write pins of "
                    + "dirty-tracked file mappings). Use anonymous memory (BufferPool), memfd/tmpfs (/dev/shm) or hugetlbfs";
            case Errno.EOPNOTSUPP -> "the memory is a file mapping the kernel cannot pin long-term (fsdax, or a regular file "
                    + "on kernels before 6.5 where io_uring itself refused file-backed buffers); use anonymous memory "
                    + "(BufferPool), memfd/tmpfs or hugetlbfs";
            case Errno.EBUSY -> "the ring already has a registered buffer table; unregister it first (or clone with replace)";
            case Errno.ENXIO -> "the ring has no registered buffer table";
            case Errno.EOVERFLOW -> "a buffer's address + length overflows the address space";
            case Errno.EINVAL -> "invalid arguments (count 0 or > " + FixedBuffers.MAX_BUFFERS + ", a tag on an empty slot, "
                    + "slot range past the table, or nonzero reserved fields)";
            default -> null;
        };
    }

    static String explainFiles(int errno) {
        return switch (errno) {
            case Errno.EBUSY -> "the ring already has a registered file table; unregister it first";
            case Errno.ENXIO -> "the ring has no registered file table";
            case Errno.EMFILE -> "more slots than IORING_MAX_FIXED_FILES=" + RegisteredFiles.MAX_FILES
                    + " or than RLIMIT_NOFILE (soft limit " + limit(Sys.softLimit(Sys.RLIMIT_NOFILE)) + ")";
            case Errno.EBADF -> "an fd is not open, or is an io_uring fd (rings cannot be registered as files)";
            case Errno.EINVAL -> "invalid arguments (count 0, a tag on an empty slot, slot range past the table)";
            default -> null;
        };
    }

    /** The ENOMEM cause for pinned memory: the caller's RLIMIT_MEMLOCK and how to raise it. */
    static String memlock(long pinnedBytes) {
        long soft = Sys.softLimit(Sys.RLIMIT_MEMLOCK);
        return "pinned pages count against RLIMIT_MEMLOCK for rings created without CAP_IPC_LOCK: this registration "
                + "pins " + pinnedBytes + " bytes (huge pages count whole) on top of what this user already has locked, "
                + "and the soft limit is " + limit(soft) + ". Raise it (ulimit -l, systemd LimitMEMLOCK=, memlock in "
                + "/etc/security/limits.conf), register less, or create the ring with CAP_IPC_LOCK";
    }

    private static String limit(long v) {
        if (v < 0) return "unlimited";
        return v + " bytes (" + (v >> 10) + " KiB)";
    }
}
