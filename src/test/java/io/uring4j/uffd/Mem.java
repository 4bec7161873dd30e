package io.uring4j.uffd;

import io.uring4j.ErrnoException;
import io.uring4j.sys.Sys;
import io.uring4j.sys.Uffd;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * Test memory and safe faulting: every access to registered memory from these tests goes through
 * a downcall (madvise populate or libc memcpy), never a MemorySegment access, so a GC during a
 * pending fault cannot deadlock the test JVM.
 */
final class Mem {
    private Mem() {}

    static final long PAGE = Sys.PAGE_SIZE;

    /** Private anonymous memory, unmapped when {@code arena} closes. */
    static MemorySegment anon(Arena arena, long size) throws ErrnoException {
        long a = ErrnoException.check(Sys.mmap(0, size, Sys.PROT_READ | Sys.PROT_WRITE,
                Sys.MAP_PRIVATE | Sys.MAP_ANONYMOUS, -1, 0), "mmap", "anon");
        return MemorySegment.ofAddress(a).reinterpret(size, arena, s -> Sys.munmap(s.address(), size));
    }

    /** {@link #anon} memory registered with {@code u} in {@code modes} (MISSING when none are given). */
    static MemorySegment registered(Arena arena, Userfaultfd u, long size, RegisterMode... modes) throws ErrnoException {
        MemorySegment m = anon(arena, size);
        if (modes.length == 0) u.register(m, RegisterMode.MISSING);
        else u.register(m, java.util.Set.of(modes));
        return m;
    }

    /** A memfd of {@code size} bytes; the caller closes the fd. */
    static int memfd(long size) throws ErrnoException {
        int fd = ErrnoException.check(Sys.memfdCreate("uring4j-test", Uffd.MFD_CLOEXEC), "memfd_create", "test");
        ErrnoException.check(Sys.ftruncate(fd, size), "ftruncate", "memfd");
        return fd;
    }

    /** A MAP_SHARED mapping of a file descriptor. */
    static MemorySegment shared(Arena arena, int fd, long size) throws ErrnoException {
        long a = ErrnoException.check(Sys.mmap(0, size, Sys.PROT_READ | Sys.PROT_WRITE, Sys.MAP_SHARED, fd, 0), "mmap", "shared");
        return MemorySegment.ofAddress(a).reinterpret(size, arena, s -> Sys.munmap(s.address(), size));
    }

    /** Reads one byte at {@code addr} through libc memcpy (a user-mode fault, in native state). */
    static byte nativeReadByte(long addr) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment b = a.allocate(8);
            Sys.memcpy(b.address(), addr, 1);
            return b.get(JAVA_BYTE, 0);
        }
    }

    /** Writes one byte at {@code addr} through libc memset. */
    static void nativeWriteByte(long addr, byte v) {
        Sys.memset(addr, v, 1);
    }

    /** A faulting access on its own platform thread, recording the thread's tid. */
    static final class Faulter {
        final AtomicInteger tid = new AtomicInteger();
        final CompletableFuture<Integer> result = new CompletableFuture<>();
        final Thread thread;

        private Faulter(String name, java.util.function.IntSupplier access) {
            thread = Thread.ofPlatform().daemon().name(name).start(() -> {
                tid.set(Sys.gettid());
                try {
                    result.complete(access.getAsInt());
                } catch (Throwable t) {
                    result.completeExceptionally(t);
                }
            });
        }

        /** madvise(MADV_POPULATE_READ/WRITE) of [addr, addr+len): a kernel-mode fault; result 0 or -errno. */
        static Faulter populate(long addr, long len, boolean write) {
            return new Faulter("populate", () -> Sys.madvise(addr, len, write ? Sys.MADV_POPULATE_WRITE : Sys.MADV_POPULATE_READ));
        }

        /** A one-byte libc read at an exact address: a user-mode fault; result is the byte read. */
        static Faulter read(long addr) {
            return new Faulter("reader", () -> nativeReadByte(addr));
        }

        /** A one-byte libc write at an exact address; result 0. */
        static Faulter write(long addr, byte v) {
            return new Faulter("writer", () -> { nativeWriteByte(addr, v); return 0; });
        }

        /** Any downcall-based access. */
        static Faulter of(String name, java.util.function.IntSupplier access) {
            return new Faulter(name, access);
        }

        boolean isBlocked() { return !result.isDone(); }
    }

    /** Reads {@code len} bytes at {@code addr} (which must be resident or handled) into a heap array via memcpy. */
    static byte[] nativeRead(long addr, int len) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment b = a.allocate(len);
            Sys.memcpy(b.address(), addr, len);
            return b.toArray(JAVA_BYTE);
        }
    }
}
