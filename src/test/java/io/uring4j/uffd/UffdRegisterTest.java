package io.uring4j.uffd;

import io.uring4j.ErrnoException;
import io.uring4j.sys.Sys;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.EnumSet;

import static io.uring4j.uffd.UffdIoctl.*;
import static org.junit.jupiter.api.Assertions.*;

/** UFFDIO_REGISTER per mode and memory type, and the ioctls the kernel says are allowed there. */
class UffdRegisterTest {
    static final EnumSet<UffdIoctl> MISSING_ONLY = EnumSet.of(WAKE, COPY, ZEROPAGE, MOVE, POISON);

    @Test
    void anonMissing() throws Exception {
        try (Arena arena = Arena.ofConfined(); Userfaultfd u = Userfaultfd.builder().open()) {
            assertEquals(MISSING_ONLY, u.register(Mem.anon(arena, 4 * Mem.PAGE), RegisterMode.MISSING));
        }
    }

    @Test
    void anonMissingAndWpAddsWriteprotect() throws Exception {
        try (Arena arena = Arena.ofConfined(); Userfaultfd u = Userfaultfd.builder().require(UffdFeature.PAGEFAULT_FLAG_WP).open()) {
            EnumSet<UffdIoctl> expected = EnumSet.copyOf(MISSING_ONLY);
            expected.add(WRITEPROTECT);
            assertEquals(expected, u.register(Mem.anon(arena, 4 * Mem.PAGE), RegisterMode.MISSING, RegisterMode.WP));
        }
    }

    @Test
    void anonMinorIsEinval() throws Exception {
        try (Arena arena = Arena.ofConfined(); Userfaultfd u = Userfaultfd.builder().open()) {
            MemorySegment m = Mem.anon(arena, 4 * Mem.PAGE);
            ErrnoException e = assertThrows(ErrnoException.class, () -> u.register(m, RegisterMode.MINOR));
            assertEquals("EINVAL", e.errnoName());
        }
    }

    @Test
    void shmemMinorAllowsContinue() throws Exception {
        int fd = Mem.memfd(4 * Mem.PAGE);
        try (Arena arena = Arena.ofConfined(); Userfaultfd u = Userfaultfd.builder().require(UffdFeature.MINOR_SHMEM).open()) {
            assertEquals(EnumSet.of(WAKE, COPY, ZEROPAGE, MOVE, CONTINUE, POISON),
                    u.register(Mem.shared(arena, fd, 4 * Mem.PAGE), RegisterMode.MINOR));
        } finally {
            Sys.close(fd);
        }
    }

    @Test
    void shmemAllThreeModes() throws Exception {
        int fd = Mem.memfd(4 * Mem.PAGE);
        try (Arena arena = Arena.ofConfined();
             Userfaultfd u = Userfaultfd.builder().require(UffdFeature.MISSING_SHMEM, UffdFeature.MINOR_SHMEM,
                     UffdFeature.WP_HUGETLBFS_SHMEM, UffdFeature.PAGEFAULT_FLAG_WP).open()) {
            assertEquals(EnumSet.of(WAKE, COPY, ZEROPAGE, MOVE, WRITEPROTECT, CONTINUE, POISON),
                    u.register(Mem.shared(arena, fd, 4 * Mem.PAGE), EnumSet.allOf(RegisterMode.class)));
        } finally {
            Sys.close(fd);
        }
    }

    @Test
    void sharedAnonymousIsShmem() throws Exception {
        try (Arena arena = Arena.ofConfined(); Userfaultfd u = Userfaultfd.builder().open()) {
            long size = 2 * Mem.PAGE;
            long a = Sys.mmap(0, size, Sys.PROT_READ | Sys.PROT_WRITE, Sys.MAP_SHARED | Sys.MAP_ANONYMOUS, -1, 0);
            MemorySegment m = MemorySegment.ofAddress(a).reinterpret(size, arena, s -> Sys.munmap(a, size));
            assertTrue(u.register(m, RegisterMode.MINOR).contains(CONTINUE));
        }
    }

    @Test
    void rangeOwnedByAnotherUffdIsEbusy() throws Exception {
        try (Arena arena = Arena.ofConfined(); Userfaultfd a = Userfaultfd.builder().open(); Userfaultfd b = Userfaultfd.builder().open()) {
            MemorySegment m = Mem.anon(arena, 4 * Mem.PAGE);
            a.register(m, RegisterMode.MISSING);
            ErrnoException e = assertThrows(ErrnoException.class, () -> b.register(m.asSlice(Mem.PAGE, Mem.PAGE), RegisterMode.MISSING));
            assertEquals("EBUSY", e.errnoName());
            a.unregister(m);
            assertEquals(MISSING_ONLY, b.register(m, RegisterMode.MISSING));
        }
    }

    @Test
    void resolvingOutsideAnyVmaIsEnoent() throws Exception {
        try (Arena arena = Arena.ofConfined(); Userfaultfd u = Userfaultfd.builder().open()) {
            MemorySegment m = Mem.registered(arena, u, 4 * Mem.PAGE);
            MemorySegment src = arena.allocate(Mem.PAGE, Mem.PAGE);
            // punch a hole into the registered mapping, then resolve into it
            assertEquals(0, Sys.munmap(m.address() + 2 * Mem.PAGE, Mem.PAGE));
            assertEquals(-io.uring4j.sys.Errno.ENOENT, u.copy(m.asSlice(2 * Mem.PAGE, Mem.PAGE), src, 0));
            assertEquals(-io.uring4j.sys.Errno.ENOENT, u.zeropage(m.asSlice(2 * Mem.PAGE, Mem.PAGE), 0));
        }
    }
}
