package io.uring4j.register;

import io.uring4j.ErrnoException;
import io.uring4j.ring.Cqe;
import io.uring4j.ring.CqeFlags;
import io.uring4j.ring.Ring;
import io.uring4j.sys.Errno;
import io.uring4j.sys.Sys;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.*;

/** Registration, the ownership rules, the 16-bit tail, unregister and the legacy PROVIDE_BUFFERS path. */
class BufferRingTest {

    /** READs of /dev/zero select a buffer each: a way to make the kernel consume buffers on demand. */
    private static int zeroFd() {
        return Loopback.check(Sys.open("/dev/zero", Sys.O_RDONLY | Sys.O_CLOEXEC, 0), "open /dev/zero");
    }

    private static void fill(Ring ring, BufferRing br, int fd, int n) {
        for (int i = 0; i < n; i++) ring.sqe().prepReadSelect(fd, br.group(), 0, 0).userData(i);
        assertEquals(n, ring.submitAndWait(n));
    }

    @Test
    void takeAndReleaseEnforceOwnership() throws Exception {
        int zero = zeroFd();
        try (Ring ring = Ring.open(8); BufferRing br = BufferRing.register(ring, 1, 4, 128)) {
            MemorySegment m = br.bufferMemory(2);
            m.fill((byte) 0x55);
            fill(ring, br, zero, 1);
            Cqe c = ring.waitCqe();
            assertEquals(128, c.res());
            assertTrue(c.hasBuffer());
            int flags = c.flags(), res = c.res();
            ProvidedBuffer b = br.take(c);
            ring.cqeSeen();
            assertEquals(0, b.bid(), "the kernel takes buffers in ring order");
            assertTrue(b.isHeld());
            assertEquals(1, br.heldCount());
            assertEquals(-1, b.segment().mismatch(MemorySegment.ofArray(new byte[128])), "zeroes read into the buffer");
            var twice = assertThrows(IllegalStateException.class, () -> br.take(flags, res));
            assertTrue(twice.getMessage().contains("taken twice"), twice.getMessage());
            assertThrows(IllegalArgumentException.class, () -> br.take(0, 5), "a CQE without F_BUFFER has no buffer");
            assertThrows(IllegalArgumentException.class, () -> br.take(CqeFlags.BUFFER | (9 << 16), 5), "bid outside the group");
            assertSame(b.segment(), b.segment(), "the view is cached, not re-sliced");
            b.release();
            assertFalse(b.isHeld());
            assertThrows(IllegalStateException.class, b::segment, "a released view cannot be read");
            var again = assertThrows(IllegalStateException.class, b::release);
            assertTrue(again.getMessage().contains("released twice"), again.getMessage());
            assertEquals(4, br.inKernelCount());
            assertEquals(5, br.tail());
        } finally {
            Sys.close(zero);
        }
    }

    @Test
    void emptyRingEndsReadWithEnobufsAndTailWrapsPast65536() throws Exception {
        int zero = zeroFd();
        try (Ring ring = Ring.open(16); BufferRing br = BufferRing.register(ring, 2, 8, 64)) {
            ProvidedBuffer[] held = new ProvidedBuffer[8];
            fill(ring, br, zero, 9); // 8 buffers, 9 reads
            int got = 0, enobufs = 0;
            Cqe c;
            while ((c = ring.peekCqe()) != null) {
                if (c.res() == -Errno.ENOBUFS) enobufs++;
                else held[got++] = br.take(c);
                ring.cqeSeen();
            }
            assertEquals(8, got);
            assertEquals(1, enobufs, "the ninth read finds the ring empty");
            for (ProvidedBuffer b : held) b.release();
            // 70,000 more consumptions: the 16-bit tail and the kernel's head wrap
            long consumed = 8;
            while (consumed < 70_000) {
                fill(ring, br, zero, 8);
                int n = 0;
                while ((c = ring.peekCqe()) != null) {
                    assertEquals(64, c.res(), c.toString());
                    held[n++] = br.take(c);
                    ring.cqeSeen();
                }
                for (int i = 0; i < n; i++) held[i].release();
                consumed += n;
            }
            assertEquals((int) (consumed & 0xffff), br.kernelHead(), "PBUF_STATUS head, modulo 2^16");
            assertEquals((int) ((consumed + 8) & 0xffff), br.tail());
            assertEquals(8, br.inKernelCount());
        } finally {
            Sys.close(zero);
        }
    }

    @Test
    void takeReleaseCycleAllocatesNothing() throws Exception {
        // reflection: the test classes compile inside the module, which does not read java.management
        Object mx = Class.forName("java.lang.management.ManagementFactory").getMethod("getThreadMXBean").invoke(null);
        var allocated = Class.forName("com.sun.management.ThreadMXBean").getMethod("getThreadAllocatedBytes", long.class);
        int zero = zeroFd();
        try (Ring ring = Ring.open(16); BufferRing br = BufferRing.register(ring, 6, 8, 64)) {
            ProvidedBuffer[] held = new ProvidedBuffer[8];
            long[] sum = {0};
            for (int i = 0; i < 3000; i++) { // warm-up: let the JIT compile both paths
                cycle(ring, br, zero, held, sum);
                nopCycle(ring);
            }
            long tid = Thread.currentThread().threadId();
            // the ring's own submit/wait cost, measured alone, is subtracted: this test is about the buffers
            long t0 = (Long) allocated.invoke(mx, tid);
            for (int i = 0; i < 3000; i++) nopCycle(ring);
            long t1 = (Long) allocated.invoke(mx, tid);
            for (int i = 0; i < 3000; i++) cycle(ring, br, zero, held, sum);
            long t2 = (Long) allocated.invoke(mx, tid);
            long ringBytes = t1 - t0, withBuffers = t2 - t1;
            System.out.printf("3000 cycles of 8 reads: %d bytes with take/release of 24000 buffers, %d bytes with NOPs only%n",
                    withBuffers, ringBytes);
            assertTrue(withBuffers - ringBytes < 2048, (withBuffers - ringBytes) + " extra bytes for 24000 take/release: "
                    + "the buffer hot path allocates");
            assertEquals(0, sum[0], "/dev/zero reads zeroes");
        } finally {
            Sys.close(zero);
        }
    }

    private static void nopCycle(Ring ring) {
        for (int i = 0; i < 8; i++) ring.sqe().prepNop().userData(i);
        ring.submitAndWait(8);
        while (ring.peekCqe() != null) ring.cqeSeen();
    }

    private static void cycle(Ring ring, BufferRing br, int fd, ProvidedBuffer[] held, long[] sum) {
        for (int i = 0; i < 8; i++) ring.sqe().prepReadSelect(fd, br.group(), 0, 0).userData(i);
        ring.submitAndWait(8);
        int n = 0;
        Cqe c;
        while ((c = ring.peekCqe()) != null) {
            held[n] = br.take(c);
            sum[0] += held[n].get(n);
            n++;
            ring.cqeSeen();
        }
        for (int i = 0; i < n; i++) held[i].release();
    }

    @Test
    void registrationRulesAndUnregister() throws Exception {
        try (Ring ring = Ring.open(4)) {
            BufferRing a = BufferRing.register(ring, 7, 8, 64);
            var dup = assertThrows(ErrnoException.class, () -> BufferRing.register(ring, 7, 8, 64));
            assertEquals("EEXIST", dup.errnoName(), dup.getMessage());
            a.close();
            a.close(); // idempotent
            assertThrows(IllegalStateException.class, a::kernelHead);
            try (BufferRing again = BufferRing.register(ring, 7, 8, 64)) { // the group was unregistered
                assertEquals(7, again.group());
                assertEquals(0, again.kernelHead());
            }
            var notPow2 = assertThrows(IllegalArgumentException.class, () -> BufferRing.register(ring, 1, 6, 64));
            assertTrue(notPow2.getMessage().contains("power of two"), notPow2.getMessage());
            assertThrows(IllegalArgumentException.class, () -> BufferRing.register(ring, 1, 65536, 64));
            assertThrows(IllegalArgumentException.class, () -> BufferRing.register(ring, 70000, 8, 64));
            assertThrows(IllegalArgumentException.class, () -> BufferRing.builder(ring).entries(8).count(9).build());
            var mmapGroup = assertThrows(IllegalArgumentException.class,
                    () -> BufferRing.builder(ring).group(2048).entries(8).kernelMapped().build());
            assertTrue(mmapGroup.getMessage().contains("2047"), mmapGroup.getMessage());
            try (BufferRing k = BufferRing.builder(ring).group(2047).entries(8).bufferSize(32).kernelMapped().build()) {
                assertEquals(0, k.kernelHead());
            }
        }
    }

    @Test
    void closingTheRingClosesItsBufferRings() throws Exception {
        Ring ring = Ring.open(4);
        BufferRing br = BufferRing.builder(ring).group(3).entries(4).kernelMapped().build();
        ring.close();
        assertTrue(br.isClosed());
        assertThrows(IllegalStateException.class, () -> br.take(CqeFlags.BUFFER, 1));
        br.close();
    }

    @Test
    void aHeldBufferIsUnreadableOnceItsRingIsClosed() throws Exception {
        int zero = zeroFd();
        try (Ring ring = Ring.open(4)) {
            BufferRing br = BufferRing.register(ring, 4, 2, 64);
            fill(ring, br, zero, 1);
            Cqe c = ring.waitCqe();
            assertEquals(64, c.res());
            ProvidedBuffer b = br.take(c);
            ring.cqeSeen();
            long addr = b.segment().address();
            br.close(); // unmaps the buffers while the application still holds one
            assertFalse(TestSupport.mapped(addr));
            for (org.junit.jupiter.api.function.Executable use : new org.junit.jupiter.api.function.Executable[]{
                    b::segment, () -> b.get(0), () -> b.copyTo(new byte[64], 0), b::release}) {
                var e = assertThrows(IllegalStateException.class, use);
                assertTrue(e.getMessage().contains("group 4 is closed"), e.getMessage());
            }
        } finally {
            Sys.close(zero);
        }
    }

    @Test
    void legacyProvideAndRemoveBuffers() throws Exception {
        int[] p = MultishotReadTest.pipe();
        try (Ring ring = Ring.open(4); Arena arena = Arena.ofConfined()) {
            MemorySegment area = arena.allocate(4 * 64, 4096);
            ring.sqe().prepProvideBuffers(area, 64, 4, 9, 100).userData(1);
            ring.submitAndWait(1);
            Cqe c = ring.waitCqe();
            assertEquals(0, c.res(), c.toString());
            ring.cqeSeen();
            Loopback.writeAll(p[1], "hello".getBytes());
            ring.sqe().prepReadSelect(p[0], 9, 64, 0).userData(2);
            ring.submitAndWait(1);
            c = ring.waitCqe();
            assertEquals(5, c.res());
            int bid = c.bufferId();
            ring.cqeSeen();
            assertTrue(bid >= 100 && bid < 104, "bid " + bid);
            assertEquals("hello", new String(area.asSlice((long) (bid - 100) * 64, 5).toArray(JAVA_BYTE)));
            ring.sqe().prepRemoveBuffers(10, 9).userData(3);
            ring.submitAndWait(1);
            c = ring.waitCqe();
            assertEquals(3, c.res(), "three unused buffers removed");
            ring.cqeSeen();
            assertThrows(IllegalArgumentException.class, () -> ring.sqe().prepProvideBuffers(area, 64, 5, 9, 0),
                    "the area holds only 4 buffers");
            assertThrows(IllegalArgumentException.class,
                    () -> ring.sqe().prepProvideBuffers(MemorySegment.ofArray(new byte[256]), 64, 4, 9, 0), "heap memory");
        } finally {
            Sys.close(p[0]);
            Sys.close(p[1]);
        }
    }
}
