package io.uring4j.ring;

import io.uring4j.sys.Errno;
import org.junit.jupiter.api.Test;

import java.util.BitSet;

import static org.junit.jupiter.api.Assertions.*;

/** The SQ/CQ protocol under stress: CQ overflow, a 10-million-NOP soak, leak checks. */
class RingProtocolTest {

    @Test
    void cqOverflowLosesNothing() throws Exception {
        try (Ring ring = Ring.builder().entries(4).cqEntries(8).build()) {
            assertEquals(4, ring.sqEntries());
            assertEquals(8, ring.cqEntries());
            boolean sawOverflowFlag = false;
            int ud = 0;
            while (ud < 1000) {
                Sqe s;
                while (ud < 1000 && (s = ring.nextSqe()) != null) s.prepNop().userData(ud++);
                int r = ring.submit();
                assertTrue(r >= 0, "submit while the CQ overflows: " + (r < 0 ? Errno.name(-r) : r));
                sawOverflowFlag |= (ring.sqFlags() & RingFlags.SQ_CQ_OVERFLOW) != 0;
            }
            assertTrue(sawOverflowFlag, "1000 CQEs into an 8-entry CQ must set SQ_CQ_OVERFLOW");
            assertEquals(8, ring.cqReady(), "the CQ itself holds 8; the rest wait in the kernel's overflow list");

            BitSet seen = new BitSet(1000);
            int[] dup = {0};
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (seen.cardinality() < 1000 && System.nanoTime() < deadline) {
                ring.forEachCqe(c -> {
                    assertEquals(0, c.res());
                    int u = (int) c.userData();
                    if (seen.get(u)) dup[0]++;
                    seen.set(u);
                });
            }
            assertEquals(0, dup[0], "no CQE twice");
            assertEquals(1000, seen.cardinality(), "every CQE arrives");
            assertEquals(0, ring.cqOverflowCount(), "FEAT_NODROP: nothing dropped");
            assertEquals(0, ring.sqFlags() & RingFlags.SQ_CQ_OVERFLOW, "overflow list drained");
            assertNull(ring.peekCqe());
        }
    }

    @Test
    void soakTenMillionNopsEachSeenOnce() throws Exception {
        final int total = 10_000_000, batch = 256;
        BitSet seen = new BitSet(total);
        long[] bad = {0};
        long t0 = System.nanoTime();
        try (Ring ring = Ring.builder().entries(batch).build()) {
            int next = 0, reaped = 0;
            while (reaped < total) {
                Sqe s;
                while (next < total && (s = ring.nextSqe()) != null) s.prepNop().userData(next++);
                int r = ring.submitAndWait(1);
                assertTrue(r >= 0, "submitAndWait: " + (r < 0 ? Errno.name(-r) : r));
                reaped += ring.forEachCqe(c -> {
                    int u = (int) c.userData();
                    if (c.res() != 0 || seen.get(u)) bad[0]++;
                    seen.set(u);
                });
            }
            assertEquals(total, reaped);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("soak: %d NOPs in %d ms (%.1f M/s)%n", total, ms, total / 1000.0 / Math.max(ms, 1));
        assertEquals(0, bad[0], "CQEs with a duplicate user_data or a non-zero result");
        assertEquals(total, seen.cardinality());
        assertTrue(ms < 20_000, "soak took " + ms + " ms");
    }

    @Test
    void hundredRingsLeakNoFdAndNoMapping() throws Exception {
        cycleRings(10); // warm up: classes, errno buffers, first-use JVM mappings
        Snapshot before = Snapshot.take();
        cycleRings(100);
        Snapshot after = Snapshot.take();
        assertEquals(before.uringFds, after.uringFds, "io_uring fds before/after");
        assertEquals(before.uringMaps, after.uringMaps, "io_uring mappings before/after");
        assertEquals(before.fds, after.fds, "all fds before/after");
        // the JVM itself may map a little (code cache, GC); 100 leaked rings would add >= 200 lines
        assertTrue(after.maps - before.maps < 50, "maps lines " + before.maps + " -> " + after.maps);
    }

    private static void cycleRings(int n) throws Exception {
        for (int i = 0; i < n; i++) {
            RingBuilder b = Ring.builder().entries(8 << (i % 4));
            if (i % 3 == 1) b.sqe128().cqe32();
            if (i % 3 == 2) b.noSqArray(false);
            try (Ring r = b.build()) {
                r.sqe().prepNop().userData(i);
                assertEquals(1, r.submitAndWait(1));
                assertNotNull(r.peekCqe());
                if (i == 0) {
                    Snapshot during = Snapshot.take();
                    assertTrue(during.uringFds >= 1 && during.uringMaps >= 2, "an open ring shows in /proc: " + during);
                }
            }
        }
    }

    record Snapshot(long fds, long uringFds, long maps, long uringMaps) {
        static Snapshot take() throws java.io.IOException {
            long fds = 0, uringFds = 0;
            try (var dir = java.nio.file.Files.list(java.nio.file.Path.of("/proc/self/fd"))) {
                for (var p : (Iterable<java.nio.file.Path>) dir::iterator) {
                    fds++;
                    try {
                        if (java.nio.file.Files.readSymbolicLink(p).toString().contains("io_uring")) uringFds++;
                    } catch (java.io.IOException gone) {
                        // the directory stream's own fd, closed by now
                    }
                }
            }
            var maps = java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/maps"));
            return new Snapshot(fds, uringFds, maps.size(), maps.stream().filter(l -> l.contains("io_uring")).count());
        }
    }
}
