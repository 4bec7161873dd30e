package io.uring4j.uffd;

import io.uring4j.sys.Errno;
import io.uring4j.sys.Sys;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.*;

/**
 * MISSING/WP/MINOR faults and every resolving ioctl, driven by real faults from platform threads
 * that touch registered memory only through downcalls.
 */
class UffdResolveTest {
    static final long P = Mem.PAGE;

    static MemorySegment pattern(Arena arena, long size, int seed) {
        MemorySegment s = arena.allocate(size, P);
        for (long i = 0; i < size; i++) s.set(JAVA_BYTE, i, (byte) (i * 31 + seed));
        return s;
    }

    @Test
    void missingResolvedByCopyWithExactAddressAndThreadId() throws Exception {
        try (Arena arena = Arena.ofConfined();
             Userfaultfd u = Userfaultfd.builder().nonBlocking(true)
                     .require(UffdFeature.EXACT_ADDRESS, UffdFeature.THREAD_ID).open()) {
            MemorySegment m = Mem.registered(arena, u, 4 * P);
            long target = m.address() + 2 * P + 1234;
            Mem.Faulter f = Mem.Faulter.read(target);
            UffdEvent.PageFault pf = Events.next(u, UffdEvent.PageFault.class);
            assertEquals(target, pf.address(), "EXACT_ADDRESS reports the byte, not the page");
            assertEquals(f.tid.get(), pf.threadId(), "THREAD_ID reports the faulting thread");
            assertFalse(pf.isWrite());
            assertEquals(UffdEvent.FaultKind.MISSING, pf.kind());
            MemorySegment src = pattern(arena, P, 7);
            assertEquals(P, u.copy(m.asSlice(2 * P, P), src, 0));
            assertEquals(src.get(JAVA_BYTE, 1234), (byte) (int) f.result.get(5, TimeUnit.SECONDS));
            assertArrayEquals(src.toArray(JAVA_BYTE), Mem.nativeRead(m.address() + 2 * P, (int) P));
            assertEquals(-Errno.EEXIST, u.copy(m.asSlice(2 * P, P), src, 0), "second COPY of a present page");
        }
    }

    @Test
    void withoutExactAddressTheAddressIsPageAligned() throws Exception {
        try (Arena arena = Arena.ofConfined(); Userfaultfd u = Userfaultfd.builder().nonBlocking(true).open()) {
            MemorySegment m = Mem.registered(arena, u, 2 * P);
            Mem.Faulter f = Mem.Faulter.write(m.address() + P + 99, (byte) 5);
            UffdEvent.PageFault pf = Events.next(u, UffdEvent.PageFault.class);
            assertEquals(m.address() + P, pf.address());
            assertTrue(pf.isWrite(), "a store faults with UFFD_PAGEFAULT_FLAG_WRITE");
            assertEquals(0, pf.threadId(), "no THREAD_ID feature: no tid");
            assertEquals(P, u.zeropage(m.asSlice(P, P), 0));
            f.result.get(5, TimeUnit.SECONDS);
            assertEquals(5, Mem.nativeReadByte(m.address() + P + 99), "the write landed after the zero page was COWed");
        }
    }

    @Test
    void missingResolvedByZeropage() throws Exception {
        try (Arena arena = Arena.ofConfined(); Userfaultfd u = Userfaultfd.builder().nonBlocking(true).open()) {
            MemorySegment m = Mem.registered(arena, u, 4 * P);
            Mem.Faulter f = Mem.Faulter.populate(m.address(), 4 * P, false);
            UffdEvent.PageFault pf = Events.next(u, UffdEvent.PageFault.class);
            assertEquals(m.address(), pf.address());
            assertEquals(4 * P, u.zeropage(m, 0));
            assertEquals(0, f.result.get(5, TimeUnit.SECONDS));
            assertArrayEquals(new byte[(int) (4 * P)], Mem.nativeRead(m.address(), (int) (4 * P)));
            assertEquals(-Errno.EEXIST, u.zeropage(m.asSlice(P, P), 0), "retry on a present page");
            assertEquals(-Errno.EEXIST, u.copy(m.asSlice(P, P), pattern(arena, P, 1), 0));
        }
    }

    @Test
    void dontwakeThenOneWake() throws Exception {
        try (Arena arena = Arena.ofConfined(); Userfaultfd u = Userfaultfd.builder().nonBlocking(true).open()) {
            MemorySegment m = Mem.registered(arena, u, 2 * P);
            Mem.Faulter f = Mem.Faulter.populate(m.address(), 2 * P, true);
            Events.next(u, UffdEvent.PageFault.class);
            assertEquals(P, u.copy(m.asSlice(0, P), pattern(arena, P, 3), UffdMode.DONTWAKE));
            Thread.sleep(150);
            assertTrue(f.isBlocked(), "DONTWAKE: the faulting thread must still sleep");
            assertEquals(P, u.copy(m.asSlice(P, P), pattern(arena, P, 4), UffdMode.DONTWAKE));
            assertEquals(0, u.wake(m));
            assertEquals(0, f.result.get(5, TimeUnit.SECONDS));
            assertEquals((byte) 4, Mem.nativeReadByte(m.address() + P));
        }
    }

    @Test
    void partialCopyContinuesAfterEagain() throws Exception {
        // A COPY over 16 pages where page 5 exists stops there: the kernel returns EAGAIN with
        // 5 pages done in uffdio_copy.copy. Continuing at page 5 yields EEXIST; skip it and go on.
        try (Arena arena = Arena.ofConfined(); Userfaultfd u = Userfaultfd.builder().open()) {
            MemorySegment m = Mem.registered(arena, u, 16 * P);
            assertEquals(P, u.zeropage(m.asSlice(5 * P, P), 0));
            MemorySegment src = pattern(arena, 16 * P, 9);
            long r = u.copy(m, src, 0);
            assertEquals(5 * P, r, "partial copy: bytes before the existing page");
            assertEquals(-Errno.EEXIST, u.copy(m.asSlice(r, 11 * P), src.asSlice(r), 0));
            r += P;
            assertEquals(10 * P, u.copy(m.asSlice(r, 16 * P - r), src.asSlice(r), 0));
            byte[] got = Mem.nativeRead(m.address(), (int) (16 * P));
            for (int i = 0; i < 16 * P; i++) {
                byte want = i / P == 5 ? 0 : src.get(JAVA_BYTE, i);
                if (got[i] != want) fail("byte " + i + " = " + got[i] + ", want " + want);
            }
        }
    }

    @Test
    void copyAllHelperSkipsExistingPages() throws Exception {
        try (Arena arena = Arena.ofConfined(); Userfaultfd u = Userfaultfd.builder().open()) {
            MemorySegment m = Mem.registered(arena, u, 16 * P);
            u.zeropage(m.asSlice(3 * P, P), 0);
            u.zeropage(m.asSlice(15 * P, P), 0);
            MemorySegment src = pattern(arena, 16 * P, 2);
            CopyResult c = u.copyAll(m, src, 0);
            assertEquals(14 * P, c.bytesCopied());
            assertEquals(2, c.pagesExisting());
            assertEquals(0, c.error());
            assertEquals(src.get(JAVA_BYTE, 14 * P + 7), Mem.nativeReadByte(m.address() + 14 * P + 7));
        }
    }

    @Test
    void writeProtectFaults() throws Exception {
        try (Arena arena = Arena.ofConfined();
             Userfaultfd u = Userfaultfd.builder().nonBlocking(true).require(UffdFeature.PAGEFAULT_FLAG_WP).open()) {
            MemorySegment m = Mem.registered(arena, u, 4 * P, RegisterMode.MISSING, RegisterMode.WP);
            MemorySegment src = pattern(arena, 4 * P, 1);
            assertEquals(4 * P, u.copy(m, src, UffdMode.COPY_WRITE_PROTECT), "COPY straight into write-protected pages");
            // reads do not fault
            assertEquals(src.get(JAVA_BYTE, P + 1), Mem.Faulter.read(m.address() + P + 1).result.get(5, TimeUnit.SECONDS).byteValue());
            Events.assertNone(u, 50);
            // a write does
            Mem.Faulter w = Mem.Faulter.write(m.address() + 2 * P + 8, (byte) 77);
            UffdEvent.PageFault pf = Events.next(u, UffdEvent.PageFault.class);
            assertEquals(UffdEvent.FaultKind.WRITE_PROTECT, pf.kind());
            assertTrue(pf.isWrite() && pf.isWriteProtect());
            Thread.sleep(50);
            assertTrue(w.isBlocked());
            assertEquals(src.get(JAVA_BYTE, 2 * P + 8), Mem.nativeReadByte(m.address() + 2 * P + 8), "write not done yet");
            // unprotecting resolves and wakes
            assertEquals(0, u.writeProtect(m.asSlice(2 * P, P), false, false));
            w.result.get(5, TimeUnit.SECONDS);
            assertEquals(77, Mem.nativeReadByte(m.address() + 2 * P + 8));
            // protect again: the next write faults again
            assertEquals(0, u.writeProtect(m, true, false));
            Mem.Faulter w2 = Mem.Faulter.write(m.address(), (byte) 1);
            assertEquals(m.address(), Events.next(u, UffdEvent.PageFault.class).address());
            assertEquals(0, u.writeProtect(m.asSlice(0, P), false, false));
            w2.result.get(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void minorFaultOnMemfdResolvedByContinue() throws Exception {
        int fd = Mem.memfd(4 * P);
        try (Arena arena = Arena.ofConfined();
             Userfaultfd u = Userfaultfd.builder().nonBlocking(true).require(UffdFeature.MINOR_SHMEM, UffdFeature.EXACT_ADDRESS).open()) {
            MemorySegment backing = Mem.shared(arena, fd, 4 * P);   // not registered: plain Java access is fine
            MemorySegment view = Mem.shared(arena, fd, 4 * P);
            u.register(view, RegisterMode.MINOR);
            backing.fill((byte) 0x11);                              // pages now in the page cache
            Mem.Faulter r = Mem.Faulter.read(view.address() + 3 * P + 5);
            UffdEvent.PageFault pf = Events.next(u, UffdEvent.PageFault.class);
            assertEquals(UffdEvent.FaultKind.MINOR, pf.kind());
            assertEquals(view.address() + 3 * P + 5, pf.address());
            backing.set(JAVA_BYTE, 3 * P + 5, (byte) 0x42);         // the handler may edit the page first
            assertEquals(P, u.continueRange(view.asSlice(3 * P, P), 0));
            assertEquals(0x42, r.result.get(5, TimeUnit.SECONDS));
            assertEquals(-Errno.EEXIST, u.continueRange(view.asSlice(3 * P, P), 0), "already mapped");
            // a page not in the page cache is not a MINOR fault's business: CONTINUE has nothing to map
            assertEquals(0, Sys.fallocate(fd, Sys.FALLOC_FL_KEEP_SIZE | Sys.FALLOC_FL_PUNCH_HOLE, 0, P));
            assertEquals(-Errno.EFAULT, u.continueRange(view.asSlice(0, P), 0));
        } finally {
            Sys.close(fd);
        }
    }

    @Test
    void moveEmptiesTheSourceAndRefusesHoles() throws Exception {
        try (Arena arena = Arena.ofConfined(); Userfaultfd u = Userfaultfd.builder().require(UffdFeature.MOVE).open()) {
            MemorySegment dst = Mem.anon(arena, 4 * P);
            MemorySegment src = Mem.anon(arena, 4 * P);            // not registered: plain Java access is fine
            u.register(dst, RegisterMode.MISSING);
            for (long i = 0; i < 2 * P; i++) src.set(JAVA_BYTE, i, (byte) (i + 3));
            assertEquals(2 * P, u.move(dst.asSlice(0, 2 * P), src.asSlice(0, 2 * P), 0));
            assertEquals((byte) (P + 10 + 3), Mem.nativeReadByte(dst.address() + P + 10));
            MemorySegment vec = arena.allocate(4);
            assertEquals(0, Sys.mincore(src.address(), 2 * P, vec));
            assertEquals(0, vec.get(JAVA_BYTE, 0) & 1, "moved-out source page is no longer resident");
            assertEquals(0, src.get(JAVA_BYTE, 10), "the source reads as fresh zero memory");
            // src pages 2..3 were never touched: a hole
            assertEquals(-Errno.ENOENT, u.move(dst.asSlice(2 * P, 2 * P), src.asSlice(2 * P, 2 * P), 0));
            assertEquals(2 * P, u.move(dst.asSlice(2 * P, 2 * P), src.asSlice(2 * P, 2 * P), UffdMode.MOVE_ALLOW_SRC_HOLES),
                    "ALLOW_SRC_HOLES skips holes and counts them as done");
        }
    }

    @Test
    void poisonMakesAccessesFailInsteadOfSeeingZeros() throws Exception {
        try (Arena arena = Arena.ofConfined(); Userfaultfd u = Userfaultfd.builder().require(UffdFeature.POISON).open()) {
            MemorySegment m = Mem.registered(arena, u, 2 * P);
            assertEquals(P, u.poison(m.asSlice(0, P), 0));
            assertEquals(-Errno.EHWPOISON, Sys.madvise(m.address(), P, Sys.MADV_POPULATE_READ));
            int[] pipe = pipe(arena);
            try {
                assertEquals(-Errno.EFAULT, Sys.write(pipe[1], m, 16), "kernel copy from a poisoned page");
            } finally {
                Sys.close(pipe[0]);
                Sys.close(pipe[1]);
            }
        }
    }

    @Test
    void eventsFromMremapMadviseAndMunmap() throws Exception {
        try (Arena arena = Arena.ofConfined(); Userfaultfd u = Userfaultfd.builder().nonBlocking(true)
                .require(UffdFeature.EVENT_REMAP, UffdFeature.EVENT_REMOVE, UffdFeature.EVENT_UNMAP).open()) {
            long size = 8 * P;
            long a = Sys.mmap(0, size, Sys.PROT_READ | Sys.PROT_WRITE, Sys.MAP_PRIVATE | Sys.MAP_ANONYMOUS, -1, 0);
            long spare = Sys.mmap(0, size, Sys.PROT_NONE, Sys.MAP_PRIVATE | Sys.MAP_ANONYMOUS, -1, 0);
            u.registerAt(a, size, RegisterMode.MISSING.bit());
            u.zeropageAt(a, size, 0);

            // madvise(DONTNEED) blocks until the REMOVE event is read
            Mem.Faulter d = Mem.Faulter.of("dontneed", () -> Sys.madvise(a + P, 2 * P, Sys.MADV_DONTNEED));
            UffdEvent.Remove rm = Events.next(u, UffdEvent.Remove.class);
            assertEquals(new UffdEvent.Remove(a + P, a + 3 * P), rm);
            assertEquals(0, d.result.get(5, TimeUnit.SECONDS));

            // mremap to a fixed spot
            Mem.Faulter mr = Mem.Faulter.of("mremap", () -> (int) Math.signum(
                    Sys.mremap(a, size, size, Sys.MREMAP_MAYMOVE | Sys.MREMAP_FIXED, spare)));
            assertEquals(new UffdEvent.Remap(a, spare, size), Events.next(u, UffdEvent.Remap.class));
            // moving also unmaps the old range, and mremap waits for that event to be read too
            assertEquals(new UffdEvent.Unmap(a, a + size), Events.next(u, UffdEvent.Unmap.class));
            assertEquals(1, mr.result.get(5, TimeUnit.SECONDS));

            // the registration moved with the mapping: the removed pages fault at the new address
            Mem.Faulter f = Mem.Faulter.populate(spare + P, P, false);
            assertEquals(spare + P, Events.next(u, UffdEvent.PageFault.class).address());
            u.zeropageAt(spare + P, P, 0);
            assertEquals(0, f.result.get(5, TimeUnit.SECONDS));

            Mem.Faulter um = Mem.Faulter.of("munmap", () -> Sys.munmap(spare, size));
            assertEquals(new UffdEvent.Unmap(spare, spare + size), Events.next(u, UffdEvent.Unmap.class));
            assertEquals(0, um.result.get(5, TimeUnit.SECONDS));
        }
    }

    @Test
    void copyWhileAnEventIsUnreadIsEagain() throws Exception {
        try (Arena arena = Arena.ofConfined();
             Userfaultfd u = Userfaultfd.builder().nonBlocking(true).require(UffdFeature.EVENT_REMOVE).open()) {
            MemorySegment m = Mem.registered(arena, u, 4 * P);
            u.zeropage(m.asSlice(P, P), 0);
            Mem.Faulter d = Mem.Faulter.of("dontneed", () -> Sys.madvise(m.address() + P, P, Sys.MADV_DONTNEED));
            // wait until the REMOVE is queued (readable), but do not read it
            assertTrue(u.poll(5000) > 0);
            MemorySegment src = pattern(arena, P, 5);
            assertEquals(-Errno.EAGAIN, u.copy(m.asSlice(2 * P, P), src, 0), "mmap changing: EAGAIN, nothing copied");
            assertInstanceOf(UffdEvent.Remove.class, Events.await(u, 4).get(0));
            assertEquals(0, d.result.get(5, TimeUnit.SECONDS));
            assertEquals(P, u.copy(m.asSlice(2 * P, P), src, 0), "retry after reading the event");
        }
    }

    private static int[] pipe(Arena arena) {
        MemorySegment fds = arena.allocate(8, 4);
        assertEquals(0, Sys.pipe2(fds, Sys.O_CLOEXEC));
        return new int[] {fds.get(java.lang.foreign.ValueLayout.JAVA_INT, 0), fds.get(java.lang.foreign.ValueLayout.JAVA_INT, 4)};
    }
}
