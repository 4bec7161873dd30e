package io.uring4j.register;

import io.uring4j.ring.CqeFlags;
import io.uring4j.ring.IoprioFlags;
import io.uring4j.ring.Opcode;
import io.uring4j.ring.Ring;
import io.uring4j.ring.SockAddr;
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
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.*;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Fixed buffers on the real kernel: data round trips, table changes, clones, vectored and socket forms. */
class FixedBuffersTest {
    @TempDir
    Path dir;

    @Test
    void writeFixedFromMidBufferReadsBackByteExactWithReadFixed() throws Exception {
        int fd = tempFileFd(dir, "data", 0);
        try (Ring ring = Ring.open(8); BufferPool pool = BufferPool.allocate(2, 64 << 10)) {
            FixedBuffers table = pool.register(ring);
            MemorySegment src = pool.buffer(0), dst = pool.buffer(1);
            fill(src, 7);
            dst.fill((byte) 0);
            int len = 10_000;
            long srcOff = 5_003, dstOff = 777;

            ring.sqe().prepWriteFixed(fd, table, 0, srcOff, len, 4096).userData(1);
            Done w = submitOne(ring);
            table.ioCompleted();
            assertEquals(len, w.res(), "WRITE_FIXED result");

            ring.sqe().prepReadFixed(fd, table, 1, dstOff, len, 4096).userData(2);
            Done r = submitOne(ring);
            table.ioCompleted();
            assertEquals(len, r.res(), "READ_FIXED result");

            assertEquals(-1, dst.asSlice(dstOff, len).mismatch(src.asSlice(srcOff, len)), "bytes read back differ");
            assertEquals(0, dst.get(JAVA_BYTE, dstOff - 1), "READ_FIXED wrote before its range");
            assertEquals(0, dst.get(JAVA_BYTE, dstOff + len), "READ_FIXED wrote past its range");
            byte[] file = Files.readAllBytes(dir.resolve("data"));
            assertEquals(4096 + len, file.length);
            assertArrayEquals(src.asSlice(srcOff, len).toArray(JAVA_BYTE), java.util.Arrays.copyOfRange(file, 4096, 4096 + len));

            // the slice form names the same range by segment
            dst.fill((byte) 0);
            ring.sqe().prepReadFixed(fd, dst.asSlice(dstOff, len), 4096, table, 1).userData(3);
            assertEquals(len, submitOne(ring).res());
            table.ioCompleted();
            assertEquals(-1, dst.asSlice(dstOff, len).mismatch(src.asSlice(srcOff, len)));
            assertEquals(0, table.inFlight());
        } finally {
            Sys.close(fd);
        }
    }

    @Test
    void registerUnregisterRegisterADifferentSet() throws Exception {
        int fd = tempFileFd(dir, "data", 0);
        try (Ring ring = Ring.open(4); Arena a = Arena.ofConfined()) {
            MemorySegment a0 = a.allocate(4096, 4096), a1 = a.allocate(4096, 4096);
            FixedBuffers first = FixedBuffers.register(ring, a0, a1);
            assertEquals(2, first.slots());
            first.unregister();
            assertFalse(first.isRegistered());
            assertNull(FixedBuffers.of(ring));

            MemorySegment b0 = a.allocate(8192, 4096), b1 = a.allocate(100, 8), b2 = a.allocate(3 * 4096, 4096);
            FixedBuffers second = FixedBuffers.register(ring, b0, b1, b2);
            assertSame(second, FixedBuffers.of(ring));
            fill(b2, 3);
            ring.sqe().prepWriteFixed(fd, second, 2, 0, (int) b2.byteSize(), 0);
            assertEquals(3 * 4096, submitOne(ring).res(), "slot 2 exists only in the second set");
            second.ioCompleted();
            assertArrayEquals(b2.toArray(JAVA_BYTE), Files.readAllBytes(dir.resolve("data")));
            // the first table object is dead: its preps are refused
            assertThrows(IllegalStateException.class, () -> ring.sqe().prepWriteFixed(fd, first, 0, 0, 16, 0));
            ring.submitAndWait(1);
            ring.cqAdvance(ring.cqReady());
        } finally {
            Sys.close(fd);
        }
    }

    @Test
    void updateOfOneSlotTakesEffect() throws Exception {
        int fd = tempFileFd(dir, "data", 0);
        try (Ring ring = Ring.open(4); Arena a = Arena.ofConfined()) {
            MemorySegment x = a.allocate(4096, 4096), b = a.allocate(4096, 4096), c = a.allocate(4096, 4096);
            x.fill((byte) 'X');
            b.fill((byte) 'B');
            c.fill((byte) 'C');
            FixedBuffers t = FixedBuffers.register(ring, x, b);
            t.update(1, c);
            assertSame(c, t.buffer(1));

            ring.sqe().prepWriteFixed(fd, t, 1, 0, 4096, 0);
            assertEquals(4096, submitOne(ring).res());
            t.ioCompleted();
            byte[] f = Files.readAllBytes(dir.resolve("data"));
            assertEquals('C', f[0]);
            assertEquals('C', f[4095]);

            // the kernel's slot 1 no longer covers b: naming b's address with index 1 is EFAULT
            ring.sqe().opcode(Opcode.WRITE_FIXED).fd(fd).addr(b.address()).len(4096).off(0).bufIndex(1);
            assertEquals(-Errno.EFAULT, submitOne(ring).res());
            // and the library says so before the kernel
            var e = assertThrows(IllegalArgumentException.class, () -> ring.sqe().prepWriteFixed(fd, b, 0, t, 1));
            assertTrue(e.getMessage().contains("outside buffer 1 of 4096 bytes"), e.getMessage());
            ring.submitAndWait(1);
            ring.cqAdvance(ring.cqReady());
            // slot 0 was untouched by the update
            ring.sqe().prepWriteFixed(fd, t, 0, 0, 4096, 0);
            assertEquals(4096, submitOne(ring).res());
            t.ioCompleted();
            assertEquals('X', Files.readAllBytes(dir.resolve("data"))[100]);
        } finally {
            Sys.close(fd);
        }
    }

    @Test
    void sparseTableWithTagsPostsTheTagWhenASlotIsReleased() throws Exception {
        int fd = tempFileFd(dir, "data", 4096);
        try (Ring ring = Ring.open(4); Arena a = Arena.ofConfined()) {
            FixedBuffers t = FixedBuffers.registerSparse(ring, 4);
            assertTrue(t.isEmpty(0));
            // empty slot: the kernel fails the request with EFAULT, the library refuses it first
            MemorySegment m = a.allocate(4096, 4096);
            ring.sqe().opcode(Opcode.READ_FIXED).fd(fd).addr(m.address()).len(4096).bufIndex(0);
            assertEquals(-Errno.EFAULT, submitOne(ring).res());
            var e = assertThrows(IllegalArgumentException.class, () -> ring.sqe().prepReadFixed(fd, t, 0, 0, 4096, 0));
            assertTrue(e.getMessage().contains("slot 0 is empty"), e.getMessage());
            ring.submitAndWait(1);
            ring.cqAdvance(ring.cqReady());

            t.update(2, m, 0xA1L);
            ring.sqe().prepReadFixed(fd, t, 2, 0, 4096, 0);
            assertEquals(4096, submitOne(ring).res());
            t.ioCompleted();
            assertEquals(0, ring.cqReady());

            t.clear(2);
            Done tag = reapWithin5s(ring);
            assertEquals(0xA1L, tag.userData(), "the released buffer's tag");
            assertEquals(0, tag.res());
            assertTrue(t.isEmpty(2));

            // tags at registration; the tag of a replaced slot arrives, the others stay quiet
            t.unregister();
            MemorySegment p = a.allocate(4096, 4096), q = a.allocate(4096, 4096);
            FixedBuffers t2 = FixedBuffers.register(ring, new MemorySegment[]{p, null, q}, new long[]{0xB0, 0, 0xB2});
            assertTrue(t2.isEmpty(1));
            t2.update(0, q, 0);
            assertEquals(0xB0L, reapWithin5s(ring).userData());
            t2.unregister();
            assertEquals(0xB2L, reapWithin5s(ring).userData());
            assertEquals(0, ring.cqReady());
        } finally {
            Sys.close(fd);
        }
    }

    @Test
    void cloneBuffersGivesASecondRingTheSameTable() throws Exception {
        int fd = tempFileFd(dir, "data", 8192);
        try (Ring r1 = Ring.open(4); Ring r2 = Ring.open(4); BufferPool pool = BufferPool.allocate(3, 4096)) {
            FixedBuffers t1 = pool.register(r1);
            FixedBuffers t2 = t1.cloneTo(r2);
            assertEquals(3, t2.slots());
            assertSame(t2, FixedBuffers.of(r2));
            fill(pool.buffer(2), 9);
            r2.sqe().prepWriteFixed(fd, t2, 2, 0, 4096, 4096);
            assertEquals(4096, submitOne(r2).res(), "the clone's slot 2 is the pool's buffer 2");
            t2.ioCompleted();
            byte[] f = Files.readAllBytes(dir.resolve("data"));
            assertArrayEquals(pool.buffer(2).toArray(JAVA_BYTE), java.util.Arrays.copyOfRange(f, 4096, 8192));
            assertEquals(2, pool.registrations().size());

            // a ring that already has a table: refused by the library, EBUSY from the kernel
            var e = assertThrows(IllegalStateException.class, () -> t1.cloneTo(r2));
            assertTrue(e.getMessage().contains("EBUSY"), e.getMessage());

            // closing the pool gives back both tables, then unmaps
            long addr = pool.buffer(0).address();
            pool.close();
            assertFalse(t1.isRegistered());
            assertFalse(t2.isRegistered());
            assertTrue(pool.isFreed());
            assertFalse(mapped(addr));
        } finally {
            Sys.close(fd);
        }
    }

    @Test
    void vectoredFixedWriteAndReadInsideOneBuffer() throws Exception {
        int fd = tempFileFd(dir, "data", 0);
        try (Ring ring = Ring.open(4); BufferPool pool = BufferPool.allocate(2, 16384); Arena a = Arena.ofConfined()) {
            assumeTrue(ring.probe().supports(Opcode.WRITEV_FIXED), "requires IORING_OP_WRITEV_FIXED (kernel >= 6.15)");
            FixedBuffers t = pool.register(ring);
            MemorySegment src = pool.buffer(0), dst = pool.buffer(1);
            fill(src, 5);
            MemorySegment out = a.allocate(32), in = a.allocate(32);
            setIov(out, 0, src.address() + 100, 3000);
            setIov(out, 1, src.address() + 9000, 5000);
            ring.sqe().prepWritevFixed(fd, out, 2, 0, 0, t, 0);
            assertEquals(8000, submitOne(ring).res());
            t.ioCompleted();
            setIov(in, 0, dst.address() + 16000, 384);
            setIov(in, 1, dst.address(), 7616);
            ring.sqe().prepReadvFixed(fd, in, 2, 0, 0, t, 1);
            assertEquals(8000, submitOne(ring).res());
            t.ioCompleted();
            byte[] expect = new byte[8000];
            MemorySegment.copy(src, JAVA_BYTE, 100, expect, 0, 3000);
            MemorySegment.copy(src, JAVA_BYTE, 9000, expect, 3000, 5000);
            byte[] got = new byte[8000];
            MemorySegment.copy(dst, JAVA_BYTE, 16000, got, 0, 384);
            MemorySegment.copy(dst, JAVA_BYTE, 0, got, 384, 7616);
            assertArrayEquals(expect, got);

            // one iovec outside the buffer: EFAULT from the kernel, refused by the library
            setIov(out, 1, src.address() + 12000, 5000);
            ring.sqe().opcode(Opcode.WRITEV_FIXED).fd(fd).addr(out.address()).len(2).bufIndex(0);
            assertEquals(-Errno.EFAULT, submitOne(ring).res());
            var e = assertThrows(IllegalArgumentException.class, () -> ring.sqe().prepWritevFixed(fd, out, 2, 0, 0, t, 0));
            assertTrue(e.getMessage().contains("offset=12000 len=5000 (end 17000) is outside buffer 0 of 16384 bytes"), e.getMessage());
            ring.submitAndWait(1);
            ring.cqAdvance(ring.cqReady());
        } finally {
            Sys.close(fd);
        }
    }

    @Test
    void tableAwarePrepsAndTheInFlightCountAllocateNothing() throws Exception {
        int fd = tempFileFd(dir, "data", 4096);
        // reflection: the test sources compile inside the module, which does not read java.management
        Object mx = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        java.lang.reflect.Method allocatedBytes = Class.forName("com.sun.management.ThreadMXBean")
                .getMethod("getCurrentThreadAllocatedBytes");
        int n = 2048;
        int devNull = Sys.open("/dev/null", Sys.O_WRONLY, 0);
        try (Ring ring = Ring.builder().entries(n).cqEntries(2 * n).build(); BufferPool pool = BufferPool.allocate(2, 4096)) {
            FixedBuffers t = pool.register(ring);
            long allocated = 0;
            for (int round = 0; round < 6; round++) { // the first rounds warm the JIT up
                // measured: only the preps and the in-flight accounting (submit/reap belong to the ring core)
                long before = (long) allocatedBytes.invoke(mx);
                for (int i = 0; i < n; i++) {
                    if ((i & 1) == 0) ring.sqe().prepReadFixed(fd, t, 0, 512, 1024, 0);
                    else ring.sqe().prepWriteFixed(devNull, t, 1, 0, 512, 0); // buffered ext4 writes would go to io-wq
                }
                allocated = (long) allocatedBytes.invoke(mx) - before;
                assertEquals(n, t.inFlight());
                assertEquals(n, ring.submitAndWait(n));
                while (t.inFlight() > 0) {
                    if (ring.peekCqe() == null) ring.submitAndWait(1);
                    else {
                        if (ring.peekCqe().res() < 0) fail("fixed I/O failed: " + ring.peekCqe());
                        ring.cqeSeen();
                        t.ioCompleted();
                    }
                }
            }
            assertTrue(allocated < 512, n + " table-aware preps allocated " + allocated + " bytes");
        } finally {
            Sys.close(fd);
            Sys.close(devNull);
        }
    }

    private static void setIov(MemorySegment arr, int i, long base, long len) {
        arr.set(JAVA_LONG, 16L * i, base);
        arr.set(JAVA_LONG, 16L * i + 8, len);
    }

    @Test
    void sendZcFromAFixedBufferOverLoopbackTcp() throws Exception {
        try (Ring ring = Ring.open(8); BufferPool pool = BufferPool.allocate(1, 8192); Arena a = Arena.ofConfined()) {
            FixedBuffers t = pool.register(ring);
            int[] pair = tcpPair(a);
            try {
                MemorySegment b = pool.buffer(0);
                fill(b, 11);
                ring.sqe().prepSendZcFixed(pair[0], t, 0, 1000, 3000, 0, 0).userData(7);
                ring.submitAndWait(1);
                Done first = reapWithin5s(ring);
                assertEquals(3000, first.res(), "SEND_ZC result");
                assertTrue((first.flags() & CqeFlags.MORE) != 0, "a notification follows");
                Done notif = reapWithin5s(ring);
                assertTrue((notif.flags() & CqeFlags.NOTIF) != 0, "notification CQE: flags=0x" + Integer.toHexString(notif.flags()));
                t.ioCompleted();
                MemorySegment got = a.allocate(3000);
                long n = 0;
                while (n < 3000) {
                    long r = Sys.read(pair[1], got.asSlice(n), 3000 - n);
                    assertTrue(r > 0, "read " + r);
                    n += r;
                }
                assertEquals(-1, got.mismatch(b.asSlice(1000, 3000)));

                // plain SEND and RECV take no fixed buffer on this kernel: EINVAL, hence no prep for them
                for (Opcode op : new Opcode[]{Opcode.SEND, Opcode.RECV}) {
                    ring.sqe().opcode(op).fd(op == Opcode.SEND ? pair[0] : pair[1]).addr(b.address()).len(10)
                            .ioprio(IoprioFlags.RECVSEND_FIXED_BUF).bufIndex(0);
                    assertEquals(-Errno.EINVAL, submitOne(ring).res(), op + " with RECVSEND_FIXED_BUF");
                }
            } finally {
                Sys.close(pair[0]);
                Sys.close(pair[1]);
            }
        }
    }

    /** A connected TCP pair on 127.0.0.1: {client, server side}. */
    static int[] tcpPair(Arena a) {
        int l = Sys.socket(Sys.AF_INET, Sys.SOCK_STREAM | Sys.SOCK_CLOEXEC, 0);
        MemorySegment sa = SockAddr.loopback(a, 0);
        assertEquals(0, Sys.bind(l, sa, (int) sa.byteSize()));
        assertEquals(0, Sys.listen(l, 4));
        MemorySegment len = a.allocateFrom(JAVA_INT, (int) sa.byteSize());
        assertEquals(0, Sys.getsockname(l, sa, len));
        int c = Sys.socket(Sys.AF_INET, Sys.SOCK_STREAM | Sys.SOCK_CLOEXEC, 0);
        assertEquals(0, Sys.connect(c, sa, (int) sa.byteSize()));
        int s = Sys.accept4(l, MemorySegment.NULL, MemorySegment.NULL, Sys.SOCK_CLOEXEC);
        assertTrue(s >= 0, "accept " + s);
        Sys.close(l);
        return new int[]{c, s};
    }
}
