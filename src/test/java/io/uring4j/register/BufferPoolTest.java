package io.uring4j.register;

import io.uring4j.ErrnoException;
import io.uring4j.ring.RegisterOp;
import io.uring4j.ring.Ring;
import io.uring4j.sys.Errno;
import io.uring4j.sys.Sys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import static io.uring4j.register.TestSupport.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.*;

/** BufferPool: alignment, huge pages, and that its memory is never freed while registered or in use. */
class BufferPoolTest {
    @TempDir
    Path dir;

    @Test
    void buffersArePageAlignedAndDisjoint() throws Exception {
        try (BufferPool pool = BufferPool.allocate(5, 5000)) {
            assertEquals(8192, pool.stride());
            for (int i = 0; i < 5; i++) {
                MemorySegment b = pool.buffer(i);
                assertEquals(0, b.address() % Sys.PAGE_SIZE, "buffer " + i + " page-aligned");
                assertEquals(5000, b.byteSize());
                assertEquals(pool.memory().address() + 8192L * i, b.address());
            }
            assertThrows(IndexOutOfBoundsException.class, () -> pool.buffer(5));
        }
    }

    @Test
    void transparentHugePagesAreAlignedAndAdvised() throws Exception {
        try (Ring ring = Ring.open(2); BufferPool pool = BufferPool.allocate(2, 1 << 20, HugePages.TRANSPARENT)) {
            long addr = pool.memory().address();
            assertEquals(0, addr % BufferPool.HUGE_PAGE_SIZE, "aligned to the huge page size");
            assertEquals(BufferPool.HUGE_PAGE_SIZE, pool.memory().byteSize());
            String vma = smapsOf(addr);
            assertTrue(vma.contains(" hg"), "VmFlags carry hg (MADV_HUGEPAGE): " + vma);
            FixedBuffers t = pool.register(ring);
            int fd = tempFileFd(dir, "data", 0);
            try {
                fill(pool.buffer(0), 1);
                ring.sqe().prepWriteFixed(fd, t, 0, 0, 1 << 20, 0);
                assertEquals(1 << 20, submitOne(ring).res());
                t.ioCompleted();
                assertArrayEquals(pool.buffer(0).toArray(JAVA_BYTE), Files.readAllBytes(dir.resolve("data")));
            } finally {
                Sys.close(fd);
            }
        }
    }

    @Test
    void hugetlbEitherWorksOrExplainsTheEmptyPool() throws Exception {
        String free = BufferPool.meminfo("HugePages_Free");
        if ("0".equals(free)) {
            ErrnoException e = assertThrows(ErrnoException.class, () -> BufferPool.allocate(1, 4096, HugePages.HUGETLB));
            assertEquals(Errno.ENOMEM, e.errno());
            assertTrue(e.getMessage().contains("/proc/sys/vm/nr_hugepages"), e.getMessage());
        } else {
            try (Ring ring = Ring.open(2); BufferPool pool = BufferPool.allocate(1, 4096, HugePages.HUGETLB)) {
                assertTrue(pool.register(ring).isRegistered(), "hugetlbfs memory is pinnable");
            }
        }
    }

    @Test
    void closeWhileRegisteredUnregistersFirstThenFrees() throws Exception {
        try (Ring ring = Ring.open(2)) {
            BufferPool pool = BufferPool.allocate(2, 4096);
            FixedBuffers t = pool.register(ring);
            assertTrue(pool.isRegistered());
            MemorySegment b = pool.buffer(1);
            long addr = b.address();
            pool.close();
            // the pool released its registration before unmapping: the kernel's table is gone
            assertFalse(t.isRegistered());
            assertEquals(-Errno.ENXIO, ring.registerRaw(RegisterOp.UNREGISTER_BUFFERS, 0, 0));
            assertTrue(pool.isFreed());
            assertFalse(mapped(addr), "unmapped after release");
            assertThrows(IllegalStateException.class, () -> b.get(JAVA_BYTE, 0), "old segments are dead");
            assertThrows(IllegalStateException.class, () -> pool.buffer(0));
            assertThrows(IllegalStateException.class, () -> pool.register(ring));
            pool.close(); // idempotent
        }
    }

    @Test
    void closeIsDeferredWhileAFixedReadIsInFlight() throws Exception {
        try (Ring ring = Ring.open(4); Arena a = Arena.ofConfined()) {
            MemorySegment fds = a.allocate(8);
            assertEquals(0, Sys.pipe2(fds, Sys.O_CLOEXEC));
            int rd = fds.get(JAVA_INT, 0), wr = fds.get(JAVA_INT, 4);
            try {
                BufferPool pool = BufferPool.allocate(1, 4096);
                FixedBuffers t = pool.register(ring);
                long addr = pool.buffer(0).address();
                ring.sqe().prepReadFixed(rd, t, 0, 100, 64, -1).userData(42); // the pipe is empty: stays in flight
                assertEquals(1, ring.submit());
                assertEquals(1, t.inFlight());

                pool.close();
                assertTrue(pool.isClosed());
                assertFalse(pool.isFreed(), "an I/O on the memory is in flight");
                assertTrue(t.isRegistered(), "still registered while in flight");
                assertTrue(mapped(addr));

                MemorySegment msg = a.allocateFrom("in flight");
                assertEquals(msg.byteSize(), Sys.write(wr, msg, msg.byteSize()));
                Done d = reapWithin5s(ring);
                assertEquals(42, d.userData());
                assertEquals(msg.byteSize(), d.res());
                assertEquals("in flight", MemorySegment.ofAddress(addr + 100).reinterpret(64).getString(0),
                        "the data landed in the still-mapped buffer");

                t.ioCompleted(); // the last I/O done: the pool gives back the table and unmaps
                assertFalse(t.isRegistered());
                assertTrue(pool.isFreed());
                assertFalse(mapped(addr));
            } finally {
                Sys.close(rd);
                Sys.close(wr);
            }
        }
    }

    /**
     * The table is unregistered (or the pool's slot cleared) by the application while a read into the
     * pool is in flight: the kernel keeps the pages pinned for that read, and the pool must keep them
     * mapped until the read is reaped, because the application reads its result from that memory.
     */
    @Test
    void unregisterOrClearWithIoInFlightStillDefersTheFree() throws Exception {
        for (boolean clearSlot : new boolean[]{false, true}) {
            try (Ring ring = Ring.open(4); Arena a = Arena.ofConfined()) {
                MemorySegment fds = a.allocate(8);
                assertEquals(0, Sys.pipe2(fds, Sys.O_CLOEXEC));
                int rd = fds.get(JAVA_INT, 0), wr = fds.get(JAVA_INT, 4);
                try {
                    BufferPool pool = BufferPool.allocate(1, 4096);
                    FixedBuffers t;
                    if (clearSlot) {
                        t = FixedBuffers.registerSparse(ring, 2);
                        pool.registerInto(t, 1);
                    } else {
                        t = pool.register(ring);
                    }
                    int slot = clearSlot ? 1 : 0;
                    long addr = pool.buffer(0).address();
                    ring.sqe().prepReadFixed(rd, t, slot, 0, 64, -1).userData(7); // empty pipe: stays in flight
                    assertEquals(1, ring.submit());
                    assertEquals(1, t.inFlight());

                    if (clearSlot) t.clear(slot);
                    else t.unregister();
                    pool.close();
                    assertFalse(pool.isFreed(), (clearSlot ? "clear" : "unregister") + " with a read in flight");
                    assertTrue(pool.isRegistered(), "the in-flight read still uses the pool");
                    assertTrue(mapped(addr));

                    MemorySegment msg = a.allocateFrom("still mapped");
                    assertEquals(msg.byteSize(), Sys.write(wr, msg, msg.byteSize()));
                    Done d = reapWithin5s(ring);
                    assertEquals(7, d.userData());
                    assertEquals(msg.byteSize(), d.res());
                    assertEquals("still mapped", MemorySegment.ofAddress(addr).reinterpret(64).getString(0));

                    t.ioCompleted();
                    assertTrue(pool.isFreed(), "freed once the last I/O is reaped");
                    assertFalse(pool.isRegistered());
                    assertFalse(mapped(addr));
                    assertEquals(clearSlot, t.isRegistered(), "a cleared slot leaves the table registered");
                } finally {
                    Sys.close(rd);
                    Sys.close(wr);
                }
            }
        }
    }

    @Test
    void closingTheRingReleasesAClosedPoolWithIoInFlight() throws Exception {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment fds = a.allocate(8);
            assertEquals(0, Sys.pipe2(fds, Sys.O_CLOEXEC));
            int rd = fds.get(JAVA_INT, 0), wr = fds.get(JAVA_INT, 4);
            Ring ring = Ring.open(2);
            BufferPool pool = BufferPool.allocate(1, 4096);
            FixedBuffers t = pool.register(ring);
            ring.sqe().prepReadFixed(rd, t, 0, 0, 64, -1);
            ring.submit();
            pool.close();
            assertFalse(pool.isFreed());
            ring.close(); // the kernel cancels the read and drops the table
            assertTrue(pool.isFreed());
            assertFalse(t.isRegistered());
            assertEquals(0, t.inFlight());
            Sys.close(rd);
            Sys.close(wr);
        }
    }

    @Test
    void poolIntoASparseTableSharesItWithUserBuffers() throws Exception {
        int fd = tempFileFd(dir, "data", 0);
        try (Ring ring = Ring.open(4); Arena a = Arena.ofConfined()) {
            FixedBuffers t = FixedBuffers.registerSparse(ring, 8);
            MemorySegment mine = a.allocate(4096, 4096);
            t.update(0, mine);
            BufferPool pool = BufferPool.allocate(3, 4096);
            pool.registerInto(t, 4);
            fill(pool.buffer(2), 4);
            ring.sqe().prepWriteFixed(fd, t, 6, 0, 4096, 0);
            assertEquals(4096, submitOne(ring).res());
            t.ioCompleted();
            assertArrayEquals(pool.buffer(2).toArray(JAVA_BYTE), Files.readAllBytes(dir.resolve("data")));
            pool.close();
            // only the pool's slots were emptied; the table and the user's slot stay
            assertTrue(pool.isFreed());
            assertTrue(t.isRegistered());
            assertFalse(t.isEmpty(0));
            for (int s = 4; s < 7; s++) assertTrue(t.isEmpty(s), "slot " + s);
            ring.sqe().prepWriteFixed(fd, t, 0, 0, 4096, 0);
            assertEquals(4096, submitOne(ring).res());
            t.ioCompleted();
        } finally {
            Sys.close(fd);
        }
    }

    @Test
    void userSegmentFreedWhileRegisteredIsRefusedAtPrep() throws Exception {
        try (Ring ring = Ring.open(4)) {
            Arena arena = Arena.ofConfined();
            FixedBuffers t = FixedBuffers.register(ring, arena.allocate(4096, 4096));
            arena.close();
            var e = assertThrows(IllegalStateException.class, () -> ring.sqe().prepReadFixed(0, t, 0, 0, 16, 0));
            assertTrue(e.getMessage().contains("was freed (its Arena closed) while still registered"), e.getMessage());
        }
    }

    /** The /proc/self/smaps block of the mapping that contains {@code addr}. */
    private static String smapsOf(long addr) throws Exception {
        StringBuilder block = null;
        for (String l : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            if (l.matches("^[0-9a-f]+-[0-9a-f]+ .*")) {
                if (block != null) return block.toString();
                int dash = l.indexOf('-');
                long s = Long.parseUnsignedLong(l.substring(0, dash), 16);
                long e = Long.parseUnsignedLong(l.substring(dash + 1, l.indexOf(' ')), 16);
                if (addr >= s && addr < e) block = new StringBuilder(l).append('\n');
            } else if (block != null) {
                block.append(l).append('\n');
            }
        }
        if (block == null) fail("no mapping contains 0x" + Long.toHexString(addr));
        return block.toString();
    }
}
