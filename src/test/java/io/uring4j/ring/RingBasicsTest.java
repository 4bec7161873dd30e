package io.uring4j.ring;

import io.uring4j.ErrnoException;
import io.uring4j.sys.Errno;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.BitSet;

import static org.junit.jupiter.api.Assertions.*;

class RingBasicsTest {

    @Test
    void nopRoundTripCarriesUserData() throws Exception {
        try (Ring ring = Ring.open(8)) {
            for (int i = 0; i < 8; i++) ring.sqe().prepNop().userData(100 + i);
            assertNull(ring.nextSqe(), "a full SQ must return null, not overwrite");
            assertEquals(8, ring.submitAndWait(8));
            BitSet seen = new BitSet();
            int n = ring.forEachCqe(c -> {
                assertEquals(0, c.res());
                seen.set((int) c.userData() - 100);
            });
            assertEquals(8, n);
            assertEquals(8, seen.cardinality());
            assertEquals(0, ring.cqReady());
        }
    }

    @Test
    void writeThenReadBackFile(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path f = dir.resolve("data");
        Files.write(f, new byte[0]);
        int fd = io.uring4j.sys.Sys.open(f.toString(), io.uring4j.sys.Sys.O_RDWR, 0);
        assertTrue(fd >= 0);
        try (Ring ring = Ring.open(4); Arena a = Arena.ofConfined()) {
            MemorySegment out = a.allocate(4096);
            for (int i = 0; i < 4096; i++) out.set(java.lang.foreign.ValueLayout.JAVA_BYTE, i, (byte) (i * 7));
            ring.sqe().prepWrite(fd, out, 0).userData(1);
            ring.submitAndWait(1);
            Cqe c = ring.peekCqe();
            assertEquals(4096, c.res());
            ring.cqeSeen();
            MemorySegment in = a.allocate(4096);
            ring.sqe().prepRead(fd, in, 0).userData(2);
            ring.submitAndWait(1);
            c = ring.waitCqe();
            assertEquals(2, c.userData());
            assertEquals(4096, c.res());
            ring.cqeSeen();
            assertEquals(-1, in.mismatch(out));
            assertArrayEquals(out.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), Files.readAllBytes(f));
        } finally {
            io.uring4j.sys.Sys.close(fd);
        }
    }

    @Test
    void probeListsAllOpsOfThisKernel() throws Exception {
        try (Ring ring = Ring.open(2)) {
            ProbeResult p = ring.probe();
            assertTrue(p.supports(Opcode.NOP));
            assertTrue(p.lastOp() >= 62, "6.18 knows op 62 (PIPE)");
            assertEquals(63, p.supportedCount(), p.supportedNames().toString());
        }
    }

    @Test
    void timedWaitReturnsEtimeNoEarlierThanAsked() throws Exception {
        try (Ring ring = Ring.open(2)) {
            long t0 = System.nanoTime();
            int r = ring.waitCqes(1, 20_000_000L);
            long took = System.nanoTime() - t0;
            assertEquals(-Errno.ETIME, r);
            assertTrue(took >= 20_000_000L, "returned after " + took + " ns");
        }
    }

    @Test
    void useAfterCloseAndDoubleClose() throws Exception {
        Ring ring = Ring.open(2);
        ring.close();
        ring.close();
        assertThrows(IllegalStateException.class, ring::nextSqe);
        assertThrows(IllegalStateException.class, ring::submit);
        assertThrows(IllegalStateException.class, ring::probe);
    }

    @Test
    void anotherThreadIsRefused() throws Exception {
        try (Ring ring = Ring.open(2)) {
            ring.sqe().prepNop();
            Throwable[] t = new Throwable[1];
            Thread th = new Thread(() -> { try { ring.submit(); } catch (Throwable e) { t[0] = e; } });
            th.start();
            th.join();
            assertInstanceOf(IllegalStateException.class, t[0]);
            assertTrue(t[0].getMessage().contains("single-issuer"), t[0].getMessage());
        }
    }

    @Test
    void badEntriesRejectedBeforeKernel() {
        var e = assertThrows(IllegalArgumentException.class, () -> Ring.builder().entries(65536).build());
        assertTrue(e.getMessage().contains("32768"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Ring.builder().entries(0).build());
        assertThrows(IllegalArgumentException.class, () -> Ring.builder().flags(1 << 25).build());
    }

    @Test
    void clampAcceptsHugeEntries() throws ErrnoException {
        try (Ring ring = Ring.builder().entries(65536).clamp().build()) {
            assertEquals(32768, ring.sqEntries());
        }
    }
}
