package io.uring4j.sys;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Raw system calls. Every method returns what the kernel returned, or {@code -errno} on failure
 * (the liburing convention), never a global errno. Pointers are {@link MemorySegment}s where the
 * memory is ours, plain addresses where it is a mapping the call itself manages.
 */
public final class Sys {
    private Sys() {}

    private static final FunctionDescriptor SYSCALL6 = FunctionDescriptor.of(JAVA_LONG,
            JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG);
    private static final MethodHandle SYSCALL = Native.libc("syscall", SYSCALL6, Linker.Option.firstVariadicArg(1));
    /** For calls that never block: the thread stays in Java state, saving the transition. */
    private static final MethodHandle SYSCALL_CRITICAL = Native.libc("syscall", SYSCALL6,
            Linker.Option.firstVariadicArg(1), Linker.Option.critical(false));
    private static final MethodHandle MMAP = Native.libc("mmap",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle MUNMAP = Native.libc("munmap", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle MREMAP = Native.libc("mremap",
            FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG),
            Linker.Option.firstVariadicArg(4));
    private static final MethodHandle MADVISE = Native.libc("madvise", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, JAVA_INT));
    private static final MethodHandle MINCORE = Native.libc("mincore", FunctionDescriptor.of(JAVA_INT, JAVA_LONG, JAVA_LONG, ADDRESS));
    private static final MethodHandle CLOSE = Native.libc("close", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle READ = Native.libc("read", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle WRITE = Native.libc("write", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG));
    private static final MethodHandle PREAD = Native.libc("pread", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle PWRITE = Native.libc("pwrite", FunctionDescriptor.of(JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle OPEN = Native.libc("open", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle IOCTL = Native.libc("ioctl", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG),
            Linker.Option.firstVariadicArg(2));
    private static final MethodHandle FTRUNCATE = Native.libc("ftruncate", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG));
    private static final MethodHandle FSYNC = Native.libc("fsync", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle EVENTFD = Native.libc("eventfd", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT));
    private static final MethodHandle GETRLIMIT = Native.libc("getrlimit", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle PIPE2 = Native.libc("pipe2", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SOCKET = Native.libc("socket", Native.ints(3));
    private static final MethodHandle SOCKETPAIR = Native.libc("socketpair", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS));
    private static final MethodHandle BIND = Native.libc("bind", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle LISTEN = Native.libc("listen", Native.ints(2));
    private static final MethodHandle CONNECT = Native.libc("connect", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle ACCEPT4 = Native.libc("accept4", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle GETSOCKNAME = Native.libc("getsockname", FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle GETSOCKOPT = Native.libc("getsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle SETSOCKOPT = Native.libc("setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle EPOLL_CREATE1 = Native.libc("epoll_create1", Native.ints(1));
    private static final MethodHandle POSIX_SPAWN = Native.libc("posix_spawn",
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle POLL = Native.libc("poll", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
    // Deliberately NOT critical: it may touch userfaultfd-registered memory, and a thread that
    // faults must be in native state so safepoints can proceed without it (see io.uring4j.uffd).
    private static final MethodHandle MEMCPY = Native.libc("memcpy", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle MEMSET = Native.libc("memset", FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_INT, JAVA_LONG));
    private static final MethodHandle FALLOCATE = Native.libc("fallocate", FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG, JAVA_LONG));
    private static final MethodHandle SCHED_SETAFFINITY = Native.libc("sched_setaffinity",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS));
    /** vDSO, never blocks: critical, so reading a clock costs no thread-state transition. */
    private static final MethodHandle CLOCK_GETTIME = Native.libc("clock_gettime",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS), Linker.Option.critical(false));

    // mmap(2)
    public static final int PROT_NONE = 0, PROT_READ = 1, PROT_WRITE = 2;
    public static final int MAP_SHARED = 0x01, MAP_PRIVATE = 0x02, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20,
            MAP_NORESERVE = 0x4000, MAP_POPULATE = 0x8000, MAP_HUGETLB = 0x40000;
    public static final int MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2, MREMAP_DONTUNMAP = 4;
    public static final int MADV_DONTNEED = 4, MADV_REMOVE = 9, MADV_HUGEPAGE = 14,
            MADV_POPULATE_READ = 22, MADV_POPULATE_WRITE = 23;
    // open(2), fcntl.h (x86_64 and aarch64 differ only in O_DIRECT/O_DIRECTORY; x86_64 values here)
    public static final int O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_CREAT = 0x40, O_EXCL = 0x80, O_TRUNC = 0x200,
            O_APPEND = 0x400, O_NONBLOCK = 0x800, O_DIRECT = 0x4000, O_DIRECTORY = 0x10000, O_CLOEXEC = 0x80000;
    public static final int AT_FDCWD = -100, AT_REMOVEDIR = 0x200, AT_EMPTY_PATH = 0x1000;
    public static final int EFD_NONBLOCK = O_NONBLOCK, EFD_CLOEXEC = O_CLOEXEC;
    public static final int RLIMIT_MEMLOCK = 8, RLIMIT_NOFILE = 7;
    public static final int AF_UNIX = 1, AF_INET = 2, AF_INET6 = 10;
    public static final int SOCK_STREAM = 1, SOCK_DGRAM = 2, SOCK_NONBLOCK = O_NONBLOCK, SOCK_CLOEXEC = O_CLOEXEC;
    public static final int SOL_SOCKET = 1, SO_REUSEADDR = 2, SO_SNDBUF = 7, SO_RCVBUF = 8, IPPROTO_TCP = 6, TCP_NODELAY = 1;
    public static final int POLLIN = 1, POLLOUT = 4, POLLERR = 8, POLLHUP = 0x10;
    public static final long PAGE_SIZE = pageSize();
    // clock_gettime(2) clock ids (the ones io_uring accepts for IORING_REGISTER_CLOCK)
    public static final int CLOCK_REALTIME = 0, CLOCK_MONOTONIC = 1, CLOCK_BOOTTIME = 7;

    private static long pageSize() {
        // sysconf would need another handle; every Linux/x86_64 and the common aarch64 configs use 4 KiB,
        // and mmap below verifies alignment where it matters.
        return Long.getLong("uring4j.pageSize", 4096L);
    }

    private static long ret(long r, MemorySegment errno) {
        return r == -1 ? -Native.errno(errno) : r;
    }

    private static int ret(int r, MemorySegment errno) {
        return r == -1 ? -Native.errno(errno) : r;
    }

    private static RuntimeException fail(Throwable t) {
        if (t instanceof RuntimeException r) return r;
        if (t instanceof Error e) throw e;
        return new IllegalStateException(t);
    }

    /** syscall(2) with up to six arguments; {@code errno} is the caller's own capture buffer. */
    public static long syscall(MemorySegment errno, long nr, long a, long b, long c, long d, long e, long f) {
        try {
            return ret((long) SYSCALL.invokeExact(errno, nr, a, b, c, d, e, f), errno);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    /** As {@link #syscall}, for calls that cannot block (the thread does not leave Java state). */
    public static long syscallNonBlocking(MemorySegment errno, long nr, long a, long b, long c, long d, long e, long f) {
        try {
            return ret((long) SYSCALL_CRITICAL.invokeExact(errno, nr, a, b, c, d, e, f), errno);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    public static long syscall(long nr, long a, long b, long c, long d, long e, long f) {
        return syscall(Native.errnoBuffer(), nr, a, b, c, d, e, f);
    }

    public static long mmap(long addr, long len, int prot, int flags, int fd, long off) {
        MemorySegment e = Native.errnoBuffer();
        try {
            return ret((long) MMAP.invokeExact(e, addr, len, prot, flags, fd, off), e);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    public static int munmap(long addr, long len) {
        MemorySegment e = Native.errnoBuffer();
        try {
            return ret((int) MUNMAP.invokeExact(e, addr, len), e);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    public static long mremap(long oldAddr, long oldSize, long newSize, int flags, long newAddr) {
        MemorySegment e = Native.errnoBuffer();
        try {
            return ret((long) MREMAP.invokeExact(e, oldAddr, oldSize, newSize, flags, newAddr), e);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    public static int madvise(long addr, long len, int advice) {
        MemorySegment e = Native.errnoBuffer();
        try {
            return ret((int) MADVISE.invokeExact(e, addr, len, advice), e);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    public static int mincore(long addr, long len, MemorySegment vec) {
        MemorySegment e = Native.errnoBuffer();
        try {
            return ret((int) MINCORE.invokeExact(e, addr, len, vec), e);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    public static int close(int fd) {
        MemorySegment e = Native.errnoBuffer();
        try {
            return ret((int) CLOSE.invokeExact(e, fd), e);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    public static long read(int fd, MemorySegment buf, long n) {
        MemorySegment e = Native.errnoBuffer();
        try {
            return ret((long) READ.invokeExact(e, fd, buf, n), e);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    public static long write(int fd, MemorySegment buf, long n) {
        MemorySegment e = Native.errnoBuffer();
        try {
            return ret((long) WRITE.invokeExact(e, fd, buf, n), e);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    /**
     * write(2) capturing errno into {@code errno}, a buffer the caller owns: for paths used by many
     * threads (eventfd wake-ups from thousands of virtual threads) that should not each allocate
     * a thread-local capture buffer. Concurrent callers may share one buffer when they ignore errno.
     */
    public static long write(MemorySegment errno, int fd, MemorySegment buf, long n) {
        try {
            return ret((long) WRITE.invokeExact(errno, fd, buf, n), errno);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    public static long pread(int fd, MemorySegment buf, long n, long off) {
        MemorySegment e = Native.errnoBuffer();
        try {
            return ret((long) PREAD.invokeExact(e, fd, buf, n, off), e);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    public static long pwrite(int fd, MemorySegment buf, long n, long off) {
        MemorySegment e = Native.errnoBuffer();
        try {
            return ret((long) PWRITE.invokeExact(e, fd, buf, n, off), e);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    /** open(2) of a Java path string. */
    public static int open(String path, int flags, int mode) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment e = Native.errnoBuffer();
            return ret((int) OPEN.invokeExact(e, a.allocateFrom(path), flags, mode), e);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    public static int ioctl(int fd, long request, long arg) {
        MemorySegment e = Native.errnoBuffer();
        try {
            return ret((int) IOCTL.invokeExact(e, fd, request, arg), e);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    public static int ioctl(int fd, long request, MemorySegment arg) {
        return ioctl(fd, request, arg.address());
    }

    public static int ftruncate(int fd, long len) {
        MemorySegment e = Native.errnoBuffer();
        try {
            return ret((int) FTRUNCATE.invokeExact(e, fd, len), e);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    public static int fsync(int fd) {
        MemorySegment e = Native.errnoBuffer();
        try {
            return ret((int) FSYNC.invokeExact(e, fd), e);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    public static int eventfd(int initval, int flags) {
        MemorySegment e = Native.errnoBuffer();
        try {
            return ret((int) EVENTFD.invokeExact(e, initval, flags), e);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    /** getrlimit(2); {@code rlim} holds two u64: soft and hard limit. */
    public static int getrlimit(int resource, MemorySegment rlim) {
        MemorySegment e = Native.errnoBuffer();
        try {
            return ret((int) GETRLIMIT.invokeExact(e, resource, rlim), e);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    /** The soft limit of an rlimit resource, or -1 for unlimited or unknown. */
    public static long softLimit(int resource) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment r = a.allocate(16);
            if (getrlimit(resource, r) < 0) return -1;
            return r.get(JAVA_LONG, 0);
        }
    }

    public static int pipe2(MemorySegment fds, int flags) {
        MemorySegment e = Native.errnoBuffer();
        try {
            return ret((int) PIPE2.invokeExact(e, fds, flags), e);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    public static int socket(int domain, int type, int protocol) {
        MemorySegment e = Native.errnoBuffer();
        try {
            return ret((int) SOCKET.invokeExact(e, domain, type, protocol), e);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    public static int socketpair(int domain, int type, int protocol, MemorySegment fds) {
        MemorySegment e = Native.errnoBuffer();
        try {
            return ret((int) SOCKETPAIR.invokeExact(e, domain, type, protocol, fds), e);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    public static int bind(int fd, MemorySegment addr, int len) {
        MemorySegment e = Native.errnoBuffer();
        try {
            return ret((int) BIND.invokeExact(e, fd, addr, len), e);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    public static int listen(int fd, int backlog) {
        MemorySegment e = Native.errnoBuffer();
        try {
            return ret((int) LISTEN.invokeExact(e, fd, backlog), e);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    public static int connect(int fd, MemorySegment addr, int len) {
        MemorySegment e = Native.errnoBuffer();
        try {
            return ret((int) CONNECT.invokeExact(e, fd, addr, len), e);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    public static int accept4(int fd, MemorySegment addr, MemorySegment len, int flags) {
        MemorySegment e = Native.errnoBuffer();
        try {
            return ret((int) ACCEPT4.invokeExact(e, fd, addr, len, flags), e);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    public static int getsockname(int fd, MemorySegment addr, MemorySegment len) {
        MemorySegment e = Native.errnoBuffer();
        try {
            return ret((int) GETSOCKNAME.invokeExact(e, fd, addr, len), e);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    public static int getsockopt(int fd, int level, int name, MemorySegment val, MemorySegment len) {
        MemorySegment e = Native.errnoBuffer();
        try {
            return ret((int) GETSOCKOPT.invokeExact(e, fd, level, name, val, len), e);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    public static int setsockopt(int fd, int level, int name, MemorySegment val, int len) {
        MemorySegment e = Native.errnoBuffer();
        try {
            return ret((int) SETSOCKOPT.invokeExact(e, fd, level, name, val, len), e);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    /** poll(2) over {@code struct pollfd[n]} (8 bytes each: fd, events, revents). */
    public static int poll(MemorySegment fds, long n, int timeoutMillis) {
        MemorySegment e = Native.errnoBuffer();
        try {
            return ret((int) POLL.invokeExact(e, fds, n, timeoutMillis), e);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    public static int epollCreate1(int flags) {
        MemorySegment e = Native.errnoBuffer();
        try {
            return ret((int) EPOLL_CREATE1.invokeExact(e, flags), e);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    /**
     * posix_spawn(3) of {@code path} with {@code argv} (argv[0] included) and an empty environment;
     * returns the child's pid or {@code -errno}. Unlike ProcessBuilder, the JDK does not know the
     * child, so its reaper thread never waits for it: the caller must (e.g. an io_uring WAITID).
     */
    public static int posixSpawn(String path, String... argv) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment pid = a.allocate(JAVA_INT);
            MemorySegment args = a.allocate(ADDRESS, argv.length + 1);
            for (int i = 0; i < argv.length; i++) args.setAtIndex(ADDRESS, i, a.allocateFrom(argv[i]));
            args.setAtIndex(ADDRESS, argv.length, MemorySegment.NULL);
            MemorySegment env = a.allocate(ADDRESS);
            env.set(ADDRESS, 0, MemorySegment.NULL);
            MemorySegment e = Native.errnoBuffer();
            // posix_spawn returns the error number itself instead of setting errno
            int r = (int) POSIX_SPAWN.invokeExact(e, pid, a.allocateFrom(path), MemorySegment.NULL, MemorySegment.NULL, args, env);
            return r != 0 ? -r : pid.get(JAVA_INT, 0);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    public static int gettid() {
        return (int) syscall(SyscallNumbers.GETTID, 0, 0, 0, 0, 0, 0);
    }

    /**
     * libc memcpy between raw addresses, called as a normal (non-critical) downcall: a page fault
     * it takes on userfaultfd-registered memory is waited out in native thread state.
     */
    public static void memcpy(long dst, long src, long n) {
        try {
            long ignored = (long) MEMCPY.invokeExact(Native.errnoBuffer(), dst, src, n);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    /** libc memset on a raw address, non-critical for the same reason as {@link #memcpy}. */
    public static void memset(long dst, int value, long n) {
        try {
            long ignored = (long) MEMSET.invokeExact(Native.errnoBuffer(), dst, value, n);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    /** userfaultfd(2); flags are O_CLOEXEC, O_NONBLOCK and {@link Uffd#UFFD_USER_MODE_ONLY}. */
    public static int userfaultfd(int flags) {
        return (int) syscall(SyscallNumbers.USERFAULTFD, flags, 0, 0, 0, 0, 0);
    }

    /** memfd_create(2): an anonymous shmem file. */
    public static int memfdCreate(String name, int flags) {
        try (Arena a = Arena.ofConfined()) {
            return (int) syscall(SyscallNumbers.MEMFD_CREATE, a.allocateFrom(name).address(), flags, 0, 0, 0, 0);
        }
    }

    /** sched_setaffinity(2) of the calling thread (tid 0) to one CPU. */
    public static int pinCurrentThread(int cpu) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment mask = a.allocate(128);
            mask.set(JAVA_LONG, (cpu / 64) * 8L, 1L << (cpu % 64));
            MemorySegment e = Native.errnoBuffer();
            return ret((int) SCHED_SETAFFINITY.invokeExact(e, 0, 128L, mask), e);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    public static final int FALLOC_FL_KEEP_SIZE = 1, FALLOC_FL_PUNCH_HOLE = 2;

    public static int fallocate(int fd, int mode, long offset, long len) {
        MemorySegment e = Native.errnoBuffer();
        try {
            return ret((int) FALLOCATE.invokeExact(e, fd, mode, offset, len), e);
        } catch (Throwable t) {
            throw fail(t);
        }
    }

    /** clock_gettime(2) into {@code ts} ({@code struct timespec}, 16 bytes on 64-bit); 0 or {@code -errno}. */
    public static int clockGettime(int clockId, MemorySegment ts) {
        MemorySegment e = Native.errnoBuffer();
        try {
            return ret((int) CLOCK_GETTIME.invokeExact(e, clockId, ts), e);
        } catch (Throwable t) {
            throw fail(t);
        }
    }
}
